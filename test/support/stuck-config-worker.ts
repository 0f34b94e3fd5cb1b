/**
 * Entry modules for the config-module worker that never report: 'silent' like the worker seen
 * stalled on a loaded machine (alive, idle in its event loop with a timer pending, no message
 * sent), 'exits' ending before its first message. A temporary .mjs file, given to the loader
 * as its worker entry; with `onlyUnder` it is stuck only for loads of the modules under that
 * folder, and other loads run the real worker.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const REAL_ENTRY = new URL('../../framework/config/isolation/worker-entry.mjs', import.meta.url);

export function stuckConfigWorker(how: 'silent' | 'exits', onlyUnder?: string): URL {
  const file = join(mkdtempSync(join(tmpdir(), 'wharf-stuck-worker-')), 'entry.mjs');
  writeFileSync(
    file,
    [
      "import { workerData } from 'node:worker_threads';",
      `const under = ${JSON.stringify(onlyUnder ?? null)};`,
      'if (under === null || workerData[0].absolute.startsWith(under))',
      how === 'silent' ? '  setInterval(() => {}, 60_000);' : '  process.exit(3);',
      `else await import(${JSON.stringify(REAL_ENTRY.href)});`,
      '',
    ].join('\n'),
  );
  return pathToFileURL(file);
}
