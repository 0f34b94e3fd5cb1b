/** What this process is, as stores show it to other processes: `ingest <command>` for the CLI, else the script. */
import { basename } from 'node:path';

export function currentOperation(): string {
  const command = process.argv.slice(2).find((a) => !a.startsWith('-'));
  const script = basename(process.argv[1] ?? 'node');
  return script === 'run.js' || script === 'ingest' ? `ingest ${command ?? ''}`.trim() : script;
}
