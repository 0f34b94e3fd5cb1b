/**
 * A per-ingestion summary over a range, read from the store (so a re-run that skips loaded
 * days still reports them): days by status, rows loaded and rejected, and each reject rule
 * with its count and an example reason.
 */
import { TABLES } from '../store/schema.js';
import type { LedgerEntry, Store } from '../store/types.js';
import type { DayResult } from './types.js';

export interface RejectSummary {
  rule: string;
  column: string;
  count: number;
  /** A reason as stored, with the offending value. */
  example: string;
  /** Days on which this rule rejected rows. */
  days: string[];
}

export interface IngestionSummary {
  mapping: string;
  dataset: string;
  from: string;
  to: string;
  days: { total: number; succeeded: number; noData: number; failed: number; loadedThisRun: number; skipped: number };
  rowsLoaded: number;
  rowsRejected: number;
  /** Duplicate timeuuid rows dropped by the days loaded in this run (the ledger does not keep them). */
  duplicatesThisRun: number;
  rejects: RejectSummary[];
  /** Failed days in the range; `hint`: what to do, when Wharf knew (the ledger keeps it). */
  failures: { day: string; errorClass: string | null; message: string | null; hint?: string }[];
  /** Days after the signal of a signal-scheduled mapping, not loaded (see BackfillResult). */
  waiting?: { days: string[]; reason: string };
}

/** A failed day of the ledger, with what to do about it when Wharf knew. */
function failure(e: LedgerEntry): IngestionSummary['failures'][number] {
  const hint = e.errorHint;
  return { day: e.date, errorClass: e.errorClass, message: e.errorMessage, ...(hint ? { hint } : {}) };
}

/** The ledger and rejects of `mapping` over [from, to], with what this run (`run`) did. */
export async function summarizeIngestion(
  store: Store,
  { mapping, dataset, from, to }: { mapping: string; dataset: string; from: string; to: string },
  run: DayResult[],
): Promise<IngestionSummary> {
  const ledger = await store.ledger({ ingestion: mapping, from, to });
  const rows = await store.query<{ rule: string; column: string; n: number; example: string; days: string }>(
    `SELECT rule, min("column") AS "column", count(*) AS n, min(reason) AS example, string_agg(DISTINCT CAST("date" AS VARCHAR), ',') AS days
     FROM ${TABLES.rejects} WHERE ingestion = $1 AND "date" BETWEEN CAST($2 AS DATE) AND CAST($3 AS DATE) GROUP BY rule ORDER BY rule`,
    [mapping, from, to],
  );
  const count = (status: string) => ledger.filter((e) => e.status === status).length;
  return {
    mapping,
    dataset,
    from,
    to,
    days: {
      total: run.length,
      succeeded: count('succeeded'),
      noData: count('no_data'),
      failed: count('failed'),
      loadedThisRun: run.filter((r) => r.status === 'succeeded' || r.status === 'no_data').length,
      skipped: run.filter((r) => r.status === 'skipped').length,
    },
    rowsLoaded: ledger.filter((e) => e.status !== 'failed').reduce((n, e) => n + e.rowsLoaded, 0),
    rowsRejected: ledger.filter((e) => e.status !== 'failed').reduce((n, e) => n + e.rowsRejected, 0),
    duplicatesThisRun: run.reduce((n, r) => n + r.duplicates, 0),
    rejects: rows.map((r) => ({
      rule: r.rule,
      column: r.column,
      count: Number(r.n),
      example: r.example,
      days: r.days.split(',').sort(),
    })),
    failures: ledger.filter((e) => e.status === 'failed').map(failure),
  };
}
