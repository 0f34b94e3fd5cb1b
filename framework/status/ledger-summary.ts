/**
 * One summary per ingestion from the ledger and the attempt history (pure): how many days
 * succeeded, had no data or failed, the last loaded day, row, reject and duplicate totals, and the latest
 * failed attempt when it is newer than the last good load (a day that failed on a reload keeps
 * its good ledger row, so only the attempt history shows it). Used by `ingest status` and the
 * agent's page.
 */
import type { AttemptRecord, LedgerEntry } from '../store/types.js';

/** Bumped with every change to the shape of a LedgerSummary in `ingest status --json`. */
export const LEDGER_SUMMARY_VERSION = 3;

export interface FailedAttempt {
  date: string;
  finishedAt: string;
  errorClass: string | null;
  errorMessage: string | null;
  /** What to do about it, when Wharf knew (since version 3). */
  errorHint: string | null;
}

export interface LedgerSummary {
  ingestion: string;
  days: number;
  succeeded: number;
  noData: number;
  failed: number;
  /** Newest day whose ledger row succeeded or had no data. */
  lastLoadedDay: string | null;
  /** When the newest good load finished (ISO). */
  lastGoodLoadAt: string | null;
  rowsLoaded: number;
  rowsRejected: number;
  /** Duplicate timeuuid rows dropped, over the days whose count is known (since version 2). */
  duplicates: number;
  /** Days loaded before the store kept the duplicates count: `duplicates` leaves them out (since version 2). */
  daysWithoutDuplicateCount: number;
  /** The newest failed attempt finished after the newest good load, if any. */
  latestFailure: FailedAttempt | null;
}

const good = (e: LedgerEntry) => e.status !== 'failed';

function latestFailure(attempts: AttemptRecord[], after: Date | null): FailedAttempt | null {
  let newest: AttemptRecord | null = null;
  for (const a of attempts) {
    if (a.status !== 'failed' || (after && a.finishedAt <= after)) continue;
    if (!newest || a.finishedAt > newest.finishedAt) newest = a;
  }
  return (
    newest && {
      date: newest.date,
      finishedAt: newest.finishedAt.toISOString(),
      errorClass: newest.errorClass,
      errorMessage: newest.errorMessage,
      errorHint: newest.errorHint,
    }
  );
}

function summarizeOne(ingestion: string, entries: LedgerEntry[], attempts: AttemptRecord[]): LedgerSummary {
  const count = (s: LedgerEntry['status']) => entries.filter((e) => e.status === s).length;
  const goodEntries = entries.filter(good);
  const lastLoadedDay = goodEntries.reduce<string | null>(
    (max, e) => (max === null || e.date > max ? e.date : max),
    null,
  );
  const lastGood = goodEntries.reduce<Date | null>(
    (max, e) => (max === null || e.finishedAt > max ? e.finishedAt : max),
    null,
  );
  return {
    ingestion,
    days: entries.length,
    succeeded: count('succeeded'),
    noData: count('no_data'),
    failed: count('failed'),
    lastLoadedDay,
    lastGoodLoadAt: lastGood?.toISOString() ?? null,
    rowsLoaded: entries.reduce((n, e) => n + e.rowsLoaded, 0),
    rowsRejected: entries.reduce((n, e) => n + e.rowsRejected, 0),
    duplicates: entries.reduce((n, e) => n + (e.duplicates ?? 0), 0),
    daysWithoutDuplicateCount: entries.filter((e) => e.duplicates === null).length,
    latestFailure: latestFailure([...attempts, ...entries], lastGood),
  };
}

/** A summary per ingestion, by name; ingestions with attempts but no ledger row are included. */
export function summarizeLedger(entries: LedgerEntry[], attempts: AttemptRecord[]): LedgerSummary[] {
  const names = [...new Set([...entries, ...attempts].map((e) => e.ingestion))].sort();
  return names.map((name) =>
    summarizeOne(
      name,
      entries.filter((e) => e.ingestion === name),
      attempts.filter((a) => a.ingestion === name),
    ),
  );
}
