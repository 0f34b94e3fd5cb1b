/** `ingest status`: the ledger day by day, one table per ingestion. */
import pc from 'picocolors';
import type { LedgerEntry } from '../store/types.js';

const fmt = (n: number | null) => (n === null ? '-' : n.toLocaleString('en-US'));

function statusCell(e: LedgerEntry): string {
  if (e.status === 'succeeded') return pc.green('succeeded');
  if (e.status === 'no_data') return pc.dim('no data');
  return pc.red('failed');
}

export function renderLedger(entries: LedgerEntry[]): string {
  if (entries.length === 0) return 'Nothing has been ingested yet. Run `ingest run <mapping>` or `ingest run --all`.';
  const byMapping = new Map<string, LedgerEntry[]>();
  for (const e of entries) byMapping.set(e.ingestion, [...(byMapping.get(e.ingestion) ?? []), e]);
  const blocks: string[] = [];
  for (const [mapping, days] of byMapping) {
    const lines = [
      pc.bold(mapping),
      `  ${'date'.padEnd(10)}  ${'status'.padEnd(9)}  ${'loaded'.padStart(10)}  ${'rejected'.padStart(8)}  ${'duplicates'.padStart(10)}  ${'source'.padStart(10)}  finished`,
    ];
    for (const e of days) {
      const row = `  ${e.date}  ${statusCell(e)}${' '.repeat(Math.max(0, 9 - (e.status === 'no_data' ? 7 : e.status.length)))}  ${fmt(e.rowsLoaded).padStart(10)}  ${fmt(e.rowsRejected).padStart(8)}  ${fmt(e.duplicates).padStart(10)}  ${fmt(e.sourceRowCount).padStart(10)}  ${e.finishedAt.toISOString()}`;
      if (e.errorMessage) lines.push(`${row}\n      ${e.errorClass}: ${e.errorMessage}`);
      else lines.push(row);
      if (e.errorHint) lines.push(`      ${e.errorHint}`);
    }
    blocks.push(lines.join('\n'));
  }
  return blocks.join('\n\n');
}
