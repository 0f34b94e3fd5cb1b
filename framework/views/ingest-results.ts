/** Human renderings of day results, backfills and the per-ingestion summary of `ingest run --all`. */
import pc from 'picocolors';
import type { BackfillResult } from '../engine/backfill.js';
import type { IngestionSummary } from '../engine/run-summary.js';
import type { DayResult } from '../engine/types.js';
import { counted, plural } from '../util/plural.js';
import { dayLine } from './ingest-progress.js';

const fmt = (n: number) => n.toLocaleString('en-US');
const duplicateRows = (n: number) => `${counted(n, 'duplicate timeuuid row')} dropped`;
const notLoaded = (w: { days: string[]; reason: string }) =>
  `  ${plural(w.days.length, 'day')} not loaded (${w.days[0]}..${w.days.at(-1)}): ${w.reason}`;

/** A failed day as the summaries list it. */
interface FailedDay {
  day: string;
  errorClass: string | null;
  message: string | null;
  hint?: string;
}

/**
 * Failed days, days that failed the same way on one line (`failed 65 days, 2026-10-01 to
 * 2026-12-04: …`), each followed by what to do when Wharf knows (the error's hint).
 */
function failureLines(failures: FailedDay[], indent: string): string[] {
  const groups = new Map<string, FailedDay[]>();
  for (const f of failures) {
    const key = JSON.stringify([f.errorClass, f.message, f.hint ?? null]);
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  return [...groups.values()].flatMap((days) => {
    const [first] = days;
    const when = days.length === 1 ? first.day : `${days.length} days, ${first.day} to ${days.at(-1)!.day}`;
    const line = `${indent}${pc.red('failed')} ${when}: ${first.errorClass}: ${first.message}`;
    return first.hint ? [line, `${indent}  ${first.hint}`] : [line];
  });
}

export function renderDayResult(r: DayResult): string {
  const lines = [dayLine(r), ...(r.errorHint ? [`  ${r.errorHint}`] : [])];
  for (const [rule, n] of Object.entries(r.rejectReasons))
    lines.push(`  rejected ${fmt(n)} × ${rule}: ${r.rejectExamples[rule] ?? ''}`);
  if (r.duplicates) lines.push(`  ${duplicateRows(r.duplicates)} (the first of each was kept)`);
  return lines.join('\n');
}

export function renderBackfill(b: BackfillResult): string {
  const count = (s: DayResult['status']) => b.days.filter((d) => d.status === s).length;
  const loaded = b.days.reduce((n, d) => n + d.rowsLoaded, 0);
  const rejected = b.days.reduce((n, d) => n + d.rowsRejected, 0);
  const duplicates = b.days.reduce((n, d) => n + d.duplicates, 0);
  const failed = failureLines(
    b.days
      .filter((d) => d.status === 'failed')
      .map((d) => ({ day: d.day, errorClass: d.errorClass, message: d.errorMessage, hint: d.errorHint })),
    '  ',
  );
  return [
    `${b.mapping} ${b.from}..${b.to}: ${count('succeeded')} succeeded, ${count('no_data')} no data, ${count('failed')} failed, ${count('skipped')} already loaded`,
    `  ${counted(loaded, 'row')} loaded, ${fmt(rejected)} rejected, ${duplicateRows(duplicates)}`,
    ...(b.waiting ? [notLoaded(b.waiting)] : []),
    ...failed,
  ].join('\n');
}

export function renderSummaries(summaries: IngestionSummary[]): string {
  return summaries.map(renderSummary).join('\n\n');
}

function renderSummary(s: IngestionSummary): string {
  const d = s.days;
  const head = `${pc.bold(s.mapping)} (${s.dataset}) ${s.from}..${s.to}`;
  const days = `  days: ${d.succeeded} succeeded, ${d.noData} no data, ${d.failed} failed (${d.loadedThisRun} loaded now, ${d.skipped} already loaded)`;
  const dropped = s.duplicatesThisRun ? `; ${duplicateRows(s.duplicatesThisRun)} by the days loaded now` : '';
  const rows = `  rows: ${fmt(s.rowsLoaded)} loaded, ${fmt(s.rowsRejected)} rejected${dropped}`;
  const rejects = s.rejects.map(
    (r) => `    ${pc.yellow(r.rule)} ×${fmt(r.count)} on ${r.days.join(', ')}: ${r.example}`,
  );
  const failures = failureLines(s.failures, '    ');
  const waiting = s.waiting ? [notLoaded(s.waiting)] : [];
  return [
    head,
    days,
    rows,
    ...waiting,
    ...(rejects.length ? ['  rejected rows:', ...rejects] : []),
    ...(failures.length ? ['  failures:', ...failures] : []),
  ].join('\n');
}
