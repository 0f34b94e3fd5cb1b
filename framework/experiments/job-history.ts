/**
 * The job history of seed 004's "Visibility": one row per step of every run — the step, its
 * duration, the rows it produced, bytes scanned — and one row per statement the step ran
 * (`experiment_job_queries`): the engine's query or job id, duration, rows written, and bytes
 * scanned and billed where the engine reports them (BigQuery's job statistics, Snowflake's
 * query history; DuckDB and PostgreSQL report no scan volume, so those columns are NULL
 * there). Both tables live where the run happened: the store, or the experiment's warehouse
 * schema next to its artifacts.
 */
import type { SqlExecutor } from '../store/types.js';
import { bookkeepingSql, type BookkeepingSql } from './bookkeeping-sql.js';
import type { PipelineJob } from './executor.js';
import { JOB_HISTORY_TABLE, JOB_QUERIES_TABLE } from './names.js';
import { tableExists } from './state.js';

/** One step of a run as the job history records it. */
export interface JobStep {
  step: string;
  startedAt: Date;
  durationMs: number;
  /** Rows the step wrote (or the artifact's row count after it), when known. */
  rows: number | null;
  /** Bytes the step's statements scanned, when the engine reports them. */
  bytesScanned: number | null;
  status: 'succeeded' | 'failed';
  error: string | null;
  /** The statements the step ran (absent in histories written before they were kept). */
  jobs?: PipelineJob[];
}

/** One run of an experiment's pipeline: its refresh type and steps. */
export interface JobRun {
  runId: string;
  experiment: string;
  refresh: string;
  steps: JobStep[];
}

/** DDL of the job history table, shared by every experiment. */
export function createJobHistorySql(b: BookkeepingSql): string {
  const s = b.string;
  return `CREATE TABLE IF NOT EXISTS ${JOB_HISTORY_TABLE} (run_seq BIGINT, run_id ${s}, experiment ${s}, refresh ${s}, step_index INTEGER, step ${s}, started_at TIMESTAMP, duration_ms BIGINT, ${b.rows} BIGINT, bytes_scanned BIGINT, status ${s}, error ${s})`;
}

/** DDL of the per-statement table. */
export function createJobQueriesSql(b: BookkeepingSql): string {
  const s = b.string;
  return `CREATE TABLE IF NOT EXISTS ${JOB_QUERIES_TABLE} (run_seq BIGINT, run_id ${s}, experiment ${s}, step_index INTEGER, query_index INTEGER, query_id ${s}, statement ${s}, started_at TIMESTAMP, duration_ms BIGINT, ${b.rows} BIGINT, bytes_scanned BIGINT, bytes_billed BIGINT)`;
}

const ts = (d: Date) => `CAST('${d.toISOString().replace('T', ' ').replace('Z', '')}' AS TIMESTAMP)`;
const n = (v: number | null) => (v === null ? 'NULL' : String(Math.round(v)));
const text = (b: BookkeepingSql, v: string | null) => (v === null ? 'NULL' : b.literal(v.slice(0, 2000)));

/** Sum of the jobs' `field`, or null when no job reported it. */
export function jobTotal(
  jobs: PipelineJob[] | undefined,
  field: 'bytesScanned' | 'bytesBilled' | 'rows',
): number | null {
  const known = (jobs ?? []).map((j) => j[field]).filter((v): v is number => v !== null);
  return known.length ? known.reduce((a, b) => a + b, 0) : null;
}

/**
 * Appends a run's steps and their statements to the job history (outside the run's transaction, so failed runs are
 * kept), spelled for the engine `sql` runs on (bookkeeping-sql.ts).
 */
export async function recordJobRun(sql: SqlExecutor, run: JobRun): Promise<void> {
  const b = bookkeepingSql(sql);
  const literal = b.literal;
  await sql.exec(createJobHistorySql(b));
  await sql.exec(createJobQueriesSql(b));
  if (run.steps.length === 0) return;
  // A sequence number orders runs even when two start within the same millisecond.
  const [last] = await sql.query<{ seq: number | null }>(`SELECT MAX(run_seq) AS seq FROM ${JOB_HISTORY_TABLE}`);
  const seq = Number(last?.seq ?? 0) + 1;
  const head = `${seq}, ${literal(run.runId)}, ${literal(run.experiment)}`;
  const values = run.steps.map(
    (s, i) =>
      `(${head}, ${literal(run.refresh)}, ${i + 1}, ${literal(s.step)}, ${ts(s.startedAt)}, ${n(s.durationMs)}, ${n(s.rows)}, ${n(s.bytesScanned)}, ${literal(s.status)}, ${text(b, s.error)})`,
  );
  await sql.exec(`INSERT INTO ${JOB_HISTORY_TABLE} VALUES ${values.join(',\n')}`);
  const queries = run.steps.flatMap((s, i) =>
    (s.jobs ?? []).map(
      (j, k) =>
        `(${head}, ${i + 1}, ${k + 1}, ${text(b, j.queryId)}, ${text(b, j.statement)}, ${ts(j.startedAt)}, ${n(j.durationMs)}, ${n(j.rows)}, ${n(j.bytesScanned)}, ${n(j.bytesBilled)})`,
    ),
  );
  if (queries.length) await sql.exec(`INSERT INTO ${JOB_QUERIES_TABLE} VALUES ${queries.join(',\n')}`);
}

type StepRow = {
  run_seq: number;
  run_id: string;
  refresh: string;
  step_index: number;
  step: string;
  started_at: Date;
  duration_ms: number;
  rows: number | null;
  bytes_scanned: number | null;
  status: string;
  error: string | null;
};
type QueryRow = {
  run_seq: number;
  step_index: number;
  query_id: string | null;
  statement: string;
  started_at: Date;
  duration_ms: number;
  rows: number | null;
  bytes_scanned: number | null;
  bytes_billed: number | null;
};

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/** The experiment's most recent runs, newest first, each with its steps and their statements. */
export async function jobRuns(sql: SqlExecutor, experiment: string, limit = 10): Promise<JobRun[]> {
  if (!(await tableExists(sql, JOB_HISTORY_TABLE))) return [];
  const { rows } = bookkeepingSql(sql);
  const seqs = await sql.query<{ run_seq: number }>(
    `SELECT DISTINCT run_seq FROM ${JOB_HISTORY_TABLE} WHERE experiment = $1 ORDER BY run_seq DESC LIMIT ${Math.max(1, Math.floor(limit))}`,
    [experiment],
  );
  if (seqs.length === 0) return [];
  const inList = seqs.map((s) => Number(s.run_seq)).join(', ');
  const steps = await sql.query<StepRow>(
    `SELECT run_seq, run_id, refresh, step_index, step, started_at, duration_ms, ${rows}, bytes_scanned, status, error FROM ${JOB_HISTORY_TABLE} WHERE run_seq IN (${inList}) ORDER BY run_seq DESC, step_index`,
  );
  const queries = (await tableExists(sql, JOB_QUERIES_TABLE))
    ? await sql.query<QueryRow>(
        `SELECT run_seq, step_index, query_id, statement, started_at, duration_ms, ${rows}, bytes_scanned, bytes_billed FROM ${JOB_QUERIES_TABLE} WHERE run_seq IN (${inList}) ORDER BY run_seq, step_index, query_index`,
      )
    : [];
  const jobsOf = (seq: number, step: number): PipelineJob[] =>
    queries
      .filter((q) => Number(q.run_seq) === seq && Number(q.step_index) === step)
      .map((q) => ({
        queryId: q.query_id,
        statement: q.statement,
        startedAt: q.started_at,
        durationMs: Number(q.duration_ms),
        rows: num(q.rows),
        bytesScanned: num(q.bytes_scanned),
        bytesBilled: num(q.bytes_billed),
      }));
  const runs = new Map<number, JobRun>();
  for (const r of steps) {
    const seq = Number(r.run_seq);
    if (!runs.has(seq)) runs.set(seq, { runId: r.run_id, experiment, refresh: r.refresh, steps: [] });
    runs.get(seq)?.steps.push({
      step: r.step,
      startedAt: r.started_at,
      durationMs: Number(r.duration_ms),
      rows: num(r.rows),
      bytesScanned: num(r.bytes_scanned),
      status: r.status as JobStep['status'],
      error: r.error,
      jobs: jobsOf(seq, Number(r.step_index)),
    });
  }
  return [...runs.values()];
}

/** The steps of an experiment's most recent run. */
export async function lastJobRun(sql: SqlExecutor, experiment: string): Promise<JobRun | null> {
  return (await jobRuns(sql, experiment, 1))[0] ?? null;
}
