/** Ledger entries → the days and summary of an ingestion's status file (pure). */
import { redactSecrets } from '../diagnostics/redact.js';
import type { LedgerEntry } from '../store/types.js';
import { STATUS_FORMAT_VERSION, type IngestionInfo, type IngestionStatusFile, type StatusDay } from './types.js';
import { compareText } from '../util/text-order.js';

/** How many reject reasons a day lists. */
export const TOP_REJECT_REASONS = 3;

/** The most frequent reject reasons first (ties by rule code, so output is stable). */
export function topRejectReasons(
  reasons: Record<string, number>,
  limit = TOP_REJECT_REASONS,
): StatusDay['topRejectReasons'] {
  return Object.entries(reasons)
    .sort(([a, x], [b, y]) => y - x || compareText(a, b))
    .slice(0, limit)
    .map(([rule, count]) => ({ rule, count }));
}

export function statusDay(e: LedgerEntry): StatusDay {
  return {
    date: e.date,
    status: e.status,
    rowsLoaded: e.rowsLoaded,
    rowsRejected: e.rowsRejected,
    duplicates: e.duplicates,
    topRejectReasons: topRejectReasons(e.rejectReasons),
    sourceRowCount: e.sourceRowCount,
    durationMs: Math.max(0, e.finishedAt.getTime() - e.startedAt.getTime()),
    errorClass: e.errorClass,
    error: e.errorMessage === null ? null : redactSecrets(e.errorMessage),
    hint: e.errorHint === null ? null : redactSecrets(e.errorHint),
    trigger: e.trigger,
    commitSha: e.commitSha,
    finishedAt: e.finishedAt.toISOString(),
  };
}

/** A failed day's error in one line: `class: message — what to do` (the hint, when known). */
export function errorText(e: { errorClass: string | null; error: string; hint: string | null }): string {
  return `${e.errorClass ?? 'error'}: ${e.error}${e.hint ? ` — ${e.hint}` : ''}`;
}

/** The status file of one ingestion from its ledger entries (any order). */
export function ingestionStatus(info: IngestionInfo, entries: LedgerEntry[]): IngestionStatusFile {
  const days = entries.map(statusDay).sort((a, b) => compareText(b.date, a.date));
  const count = (s: StatusDay['status']) => days.filter((d) => d.status === s).length;
  return {
    formatVersion: STATUS_FORMAT_VERSION,
    ingestion: info.name,
    dataset: info.dataset,
    schedule: info.schedule,
    owner: info.owner ?? null,
    summary: {
      days: days.length,
      succeeded: count('succeeded'),
      noData: count('no_data'),
      failed: count('failed'),
      lastSuccessfulDay: days.find((d) => d.status !== 'failed')?.date ?? null,
      latestDay: days[0]?.date ?? null,
    },
    days,
  };
}
