/**
 * What the pipeline remembers between runs, per experiment: the last day its artifacts
 * cover and the configuration they were computed with. An incremental refresh appends the
 * days after `through`; it refuses when the configuration changed since (a metric refresh
 * or a full refresh restates what the change affects).
 */
import type { SqlExecutor } from '../store/types.js';
import { bookkeepingSql, type BookkeepingSql } from './bookkeeping-sql.js';
import { EXPERIMENT_STATE_TABLE } from './names.js';

/** What the last successful run of an experiment covered. */
export interface ExperimentState {
  experiment: string;
  /** Last day included in the artifacts. */
  through: string;
  /** The experiment config (JSON) the artifacts were computed with. */
  config: string;
  updatedAt: Date;
}

/** The state table in the engine's spelling (its string type; a key where the engine has one). */
const ddl = (b: BookkeepingSql) =>
  `CREATE TABLE IF NOT EXISTS ${EXPERIMENT_STATE_TABLE} (experiment ${b.string}${b.key}, through_day DATE NOT NULL, config ${b.string} NOT NULL, updated_at TIMESTAMP NOT NULL)`;

/**
 * Whether a table exists in the current schema; reading never creates tables, so it needs no write access. The
 * name is matched regardless of case: Snowflake keeps unquoted names upper-case.
 */
export async function tableExists(sql: SqlExecutor, name: string): Promise<boolean> {
  const rows = await sql.query(
    `SELECT 1 AS present FROM ${bookkeepingSql(sql).tables} AND UPPER(table_name) = UPPER($1)`,
    [name],
  );
  return rows.length > 0;
}

/** The experiment's state, or null before its first successful run. */
export async function readState(sql: SqlExecutor, experiment: string): Promise<ExperimentState | null> {
  if (!(await tableExists(sql, EXPERIMENT_STATE_TABLE))) return null;
  const rows = await sql.query<{ through_day: string; config: string; updated_at: Date }>(
    `SELECT through_day, config, updated_at FROM ${EXPERIMENT_STATE_TABLE} WHERE experiment = $1`,
    [experiment],
  );
  return rows[0]
    ? { experiment, through: rows[0].through_day, config: rows[0].config, updatedAt: rows[0].updated_at }
    : null;
}

const now = () => new Date().toISOString().replace('T', ' ').replace('Z', '');

/** Replaces the experiment's state (inside the run's transaction). */
export async function writeState(sql: SqlExecutor, state: Omit<ExperimentState, 'updatedAt'>): Promise<void> {
  await sql.exec(ddl(bookkeepingSql(sql)));
  await sql.query(`DELETE FROM ${EXPERIMENT_STATE_TABLE} WHERE experiment = $1`, [state.experiment]);
  await sql.query(`INSERT INTO ${EXPERIMENT_STATE_TABLE} VALUES ($1, CAST($2 AS DATE), $3, CAST($4 AS TIMESTAMP))`, [
    state.experiment,
    state.through,
    state.config,
    now(),
  ]);
}

/**
 * The state write as SQL with literals, for a warehouse that commits it in one atomic request
 * with the artifacts (staged-run.ts): the table's DDL, run before, and the DML of the commit.
 */
export function stateWriteSql(
  sql: SqlExecutor,
  state: Omit<ExperimentState, 'updatedAt'>,
): { ddl: string; dml: string[] } {
  const b = bookkeepingSql(sql);
  const experiment = b.literal(state.experiment);
  return {
    ddl: ddl(b),
    dml: [
      `DELETE FROM ${EXPERIMENT_STATE_TABLE} WHERE experiment = ${experiment}`,
      `INSERT INTO ${EXPERIMENT_STATE_TABLE} VALUES (${experiment}, DATE ${b.literal(state.through)}, ${b.literal(state.config)}, CAST(${b.literal(now())} AS TIMESTAMP))`,
    ],
  };
}
