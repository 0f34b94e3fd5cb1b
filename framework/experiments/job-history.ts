/**
 * The job history of seed 004's "Visibility": one row per step of every run — the step, its
 * duration, the rows it produced, and bytes scanned where the engine reports them (DuckDB
 * and PostgreSQL report no per-statement scan volume, so the column is NULL there; a
 * warehouse dialect that reports it, e.g. from its query history, fills it in).
 */
import type { SqlExecutor } from '../store/types.js';
import { literal } from './dialect.js';
import { JOB_HISTORY_TABLE } from './names.js';
import { tableExists } from './state.js';

/** One step of a run as the job history records it. */
export interface JobStep {
  step: string;
  startedAt: Date;
  durationMs: number;
  /** Rows the step wrote (or the artifact's row count after it), when known. */
  rows: number | null;
  bytesScanned: number | null;
  status: 'succeeded' | 'failed';
  error: string | null;
}

/** One run of an experiment's pipeline: its refresh type and steps. */
export interface JobRun {
  runId: string;
  experiment: string;
  refresh: string;
  steps: JobStep[];
}

/** DDL of the job history table, shared by every experiment. */
export function createJobHistorySql(): string {
  return `CREATE TABLE IF NOT EXISTS ${JOB_HISTORY_TABLE} (run_seq BIGINT, run_id VARCHAR, experiment VARCHAR, refresh VARCHAR, step_index INTEGER, step VARCHAR, started_at TIMESTAMP, duration_ms BIGINT, "rows" BIGINT, bytes_scanned BIGINT, status VARCHAR, error VARCHAR)`;
}

const ts = (d: Date) => `CAST('${d.toISOString().replace('T', ' ').replace('Z', '')}' AS TIMESTAMP)`;
const n = (v: number | null) => (v === null ? 'NULL' : String(Math.round(v)));

/** Appends a run's steps to the job history (outside the run's transaction, so failed runs are kept). */
export async function recordJobRun(sql: SqlExecutor, run: JobRun): Promise<void> {
  await sql.exec(createJobHistorySql());
  if (run.steps.length === 0) return;
  // A sequence number orders runs even when two start within the same millisecond.
  const [last] = await sql.query<{ seq: number | null }>(`SELECT MAX(run_seq) AS seq FROM ${JOB_HISTORY_TABLE}`);
  const seq = Number(last?.seq ?? 0) + 1;
  const values = run.steps.map(
    (s, i) =>
      `(${seq}, ${literal(run.runId)}, ${literal(run.experiment)}, ${literal(run.refresh)}, ${i + 1}, ${literal(s.step)}, ${ts(s.startedAt)}, ${n(s.durationMs)}, ${n(s.rows)}, ${n(s.bytesScanned)}, ${literal(s.status)}, ${s.error === null ? 'NULL' : literal(s.error.slice(0, 2000))})`,
  );
  await sql.exec(`INSERT INTO ${JOB_HISTORY_TABLE} VALUES ${values.join(',\n')}`);
}

/** The steps of an experiment's most recent run. */
export async function lastJobRun(sql: SqlExecutor, experiment: string): Promise<JobRun | null> {
  if (!(await tableExists(sql, JOB_HISTORY_TABLE))) return null;
  const rows = await sql.query<{ run_id: string; refresh: string; step: string; started_at: Date; duration_ms: number; rows: number | null; bytes_scanned: number | null; status: string; error: string | null }>(
    `SELECT run_id, refresh, step, started_at, duration_ms, "rows", bytes_scanned, status, error FROM ${JOB_HISTORY_TABLE}
     WHERE run_seq = (SELECT MAX(run_seq) FROM ${JOB_HISTORY_TABLE} WHERE experiment = $1) ORDER BY step_index`,
    [experiment],
  );
  if (rows.length === 0) return null;
  return {
    runId: rows[0].run_id,
    experiment,
    refresh: rows[0].refresh,
    steps: rows.map((r) => ({ step: r.step, startedAt: r.started_at, durationMs: Number(r.duration_ms), rows: r.rows === null ? null : Number(r.rows), bytesScanned: r.bytes_scanned === null ? null : Number(r.bytes_scanned), status: r.status as JobStep['status'], error: r.error })),
  };
}
