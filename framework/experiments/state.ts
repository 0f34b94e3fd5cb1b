/**
 * What the pipeline remembers between runs, per experiment: the last day its artifacts
 * cover and the configuration they were computed with. An incremental refresh appends the
 * days after `through`; it refuses when the configuration changed since (a metric refresh
 * or a full refresh restates what the change affects).
 */
import type { SqlExecutor } from '../store/types.js';
import type { ExperimentDialect } from './dialect.js';
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

/** The state table in the engine's types (Databricks has no plain VARCHAR; its key columns must be NOT NULL). */
const ddl = (d: ExperimentDialect) =>
  `CREATE TABLE IF NOT EXISTS ${EXPERIMENT_STATE_TABLE} (experiment ${d.types.string} NOT NULL PRIMARY KEY, through_day DATE NOT NULL, config ${d.types.string} NOT NULL, updated_at TIMESTAMP NOT NULL)`;

/**
 * Whether a table exists in the current schema; reading never creates tables, so it needs no write access. The
 * name is matched regardless of case: Snowflake keeps unquoted names upper-case.
 */
export async function tableExists(sql: SqlExecutor, name: string): Promise<boolean> {
  const rows = await sql.query(
    'SELECT 1 AS present FROM information_schema.tables WHERE table_schema = current_schema() AND UPPER(table_name) = UPPER($1)',
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

/** Replaces the experiment's state (inside the run's transaction), in the SQL of the engine's dialect. */
export async function writeState(
  sql: SqlExecutor,
  state: Omit<ExperimentState, 'updatedAt'>,
  dialect: ExperimentDialect,
): Promise<void> {
  await sql.exec(ddl(dialect));
  await sql.query(`DELETE FROM ${EXPERIMENT_STATE_TABLE} WHERE experiment = $1`, [state.experiment]);
  await sql.query(`INSERT INTO ${EXPERIMENT_STATE_TABLE} VALUES ($1, CAST($2 AS DATE), $3, CAST($4 AS TIMESTAMP))`, [
    state.experiment,
    state.through,
    state.config,
    new Date().toISOString().replace('T', ' ').replace('Z', ''),
  ]);
}
