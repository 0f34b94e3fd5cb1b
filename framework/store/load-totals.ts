/**
 * Per-ingestion totals of the ledger and the attempt history, summed by the database: what
 * the agent's `/metrics` shows, read without fetching a row per day or per attempt (the
 * attempt history only grows). The same SQL runs on DuckDB and PostgreSQL.
 */
import { TABLES } from './schema.js';
import type { DayStatus, SqlExecutor } from './types.js';

export interface LoadTotals {
  /** Attempts by outcome (the attempt history). */
  attempts: Record<DayStatus, number>;
  /** Seconds all attempts took together. */
  attemptSeconds: number;
  /** Rows currently loaded and rejected, summed over the ledger's days. */
  rowsLoaded: number;
  rowsRejected: number;
  /** Ledger days whose status is failed. */
  failedDays: number;
  /** The latest ledger day that did not fail (YYYY-MM-DD), or null. */
  lastSuccessfulDay: string | null;
}

export function emptyTotals(): LoadTotals {
  return {
    attempts: { succeeded: 0, no_data: 0, failed: 0 },
    attemptSeconds: 0,
    rowsLoaded: 0,
    rowsRejected: 0,
    failedDays: 0,
    lastSuccessfulDay: null,
  };
}

const ATTEMPTS_SQL = `SELECT ingestion, status, COUNT(*) AS n,
  SUM(EXTRACT(EPOCH FROM finished_at) - EXTRACT(EPOCH FROM started_at)) AS seconds
FROM ${TABLES.attempts} GROUP BY ingestion, status`;

const LEDGER_SQL = `SELECT ingestion, SUM(rows_loaded) AS rows_loaded, SUM(rows_rejected) AS rows_rejected,
  SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END) AS failed_days,
  CAST(MAX(CASE WHEN status <> 'failed' THEN "date" END) AS VARCHAR) AS last_ok
FROM ${TABLES.ledger} GROUP BY ingestion`;

interface AttemptRow {
  ingestion: string;
  status: DayStatus;
  n: unknown;
  seconds: unknown;
}
interface LedgerRow {
  ingestion: string;
  rows_loaded: unknown;
  rows_rejected: unknown;
  failed_days: unknown;
  last_ok: string | null;
}

/** Totals of every ingestion with a ledger day or an attempt, by ingestion name. */
export async function readLoadTotals(sql: SqlExecutor): Promise<Map<string, LoadTotals>> {
  const [attempts, ledger] = await Promise.all([sql.query<AttemptRow>(ATTEMPTS_SQL), sql.query<LedgerRow>(LEDGER_SQL)]);
  const out = new Map<string, LoadTotals>();
  const of = (ingestion: string) => out.get(ingestion) ?? out.set(ingestion, emptyTotals()).get(ingestion)!;
  for (const r of attempts) {
    const t = of(r.ingestion);
    t.attempts[r.status] = Number(r.n);
    t.attemptSeconds += Number(r.seconds ?? 0);
  }
  for (const r of ledger) {
    Object.assign(of(r.ingestion), {
      rowsLoaded: Number(r.rows_loaded ?? 0),
      rowsRejected: Number(r.rows_rejected ?? 0),
      failedDays: Number(r.failed_days ?? 0),
      lastSuccessfulDay: r.last_ok ?? null,
    });
  }
  return out;
}
