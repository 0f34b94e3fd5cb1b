/** `ingest status` without `--days`: one line per ingestion (and its newest unresolved failure). */
import pc from 'picocolors';
import type { LedgerSummary } from '../status/ledger-summary.js';

const fmt = (n: number) => n.toLocaleString('en-US');
/** `1 reject`, `2 rejects`, `1,000 rows`. */
const count = (n: number, what: string) => `${fmt(n)} ${what}${n === 1 ? '' : 's'}`;

/** Duplicates only when some were dropped; "at least" when older days did not keep the count. */
function duplicates(s: LedgerSummary): string {
  if (!s.duplicates) return '';
  return `, ${s.daysWithoutDuplicateCount ? 'at least ' : ''}${count(s.duplicates, 'duplicate')} dropped`;
}

function line(s: LedgerSummary, width: number): string {
  const days = `${fmt(s.succeeded)} succeeded, ${fmt(s.noData)} no data, ${s.failed ? pc.red(`${fmt(s.failed)} failed`) : '0 failed'}`;
  const head = `${s.failed || s.latestFailure ? pc.red('✗') : pc.green('✓')} ${pc.bold(s.ingestion.padEnd(width))}`;
  const main = `${head}  ${days}; last loaded ${s.lastLoadedDay ?? 'never'}; ${count(s.rowsLoaded, 'row')}, ${count(s.rowsRejected, 'reject')}${duplicates(s)}`;
  const f = s.latestFailure;
  if (!f) return main;
  const why = f.errorMessage
    ? `${f.errorClass ?? 'error'}: ${f.errorMessage.split('\n')[0]}`
    : (f.errorClass ?? 'failed');
  const indent = ' '.repeat(width + 4);
  const failure = `${main}\n${indent}${pc.red(`latest failure: ${f.date} at ${f.finishedAt}, after the last good load — ${why}`)}`;
  return f.errorHint ? `${failure}\n${indent}${f.errorHint}` : failure;
}

export function renderLedgerSummary(summaries: LedgerSummary[]): string {
  if (summaries.length === 0) return 'Nothing has been ingested yet. Run `ingest run <mapping>` or `ingest run --all`.';
  const width = Math.max(...summaries.map((s) => s.ingestion.length));
  return [...summaries.map((s) => line(s, width)), '', pc.dim('Day by day: ingest status --days [mapping]')].join('\n');
}
