/**
 * What every SQL builder of the pipeline needs: the resolved experiment, the dialect and the
 * artifact table names, plus small helpers. Builders return SQL text; only the pipeline runs
 * it. Identifiers and string literals always go through the dialect (quoting and escaping
 * differ between engines).
 */
import type { ColumnTypes, ExperimentDialect } from './dialect.js';
import type { ResolvedExperiment } from './model.js';
import { artifactNames, type ArtifactNames } from './names.js';
import { internalError } from '../diagnostics/errors.js';
import { STORE_INPUTS, type PipelineInputs } from './warehouse-inputs.js';

/** The inputs every SQL builder shares. */
export interface SqlContext {
  experiment: ResolvedExperiment;
  dialect: ExperimentDialect;
  tables: ArtifactNames;
  /** The `events` and `metrics` relations read: the store's tables, or the ingestions' SQL in a warehouse. */
  inputs: PipelineInputs;
}

/** Builds the SQL context of an experiment on a dialect. */
export function sqlContext(
  experiment: ResolvedExperiment,
  dialect: ExperimentDialect,
  inputs: PipelineInputs = STORE_INPUTS,
): SqlContext {
  return { experiment, dialect, tables: artifactNames(experiment.name), inputs };
}

/** A DATE literal from an ISO day (already validated); the same on every engine. */
export function dateLit(day: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw internalError(`not an ISO day: ${day}`);
  return `DATE '${day}'`;
}

/** The unit id of an `events` row (alias `e`) for the experiment's id type. */
export function eventUnit(ctx: SqlContext): string {
  const { idType } = ctx.experiment;
  return idType === 'user_id' ? 'e.user_id' : ctx.dialect.jsonText('e.custom_ids', idType);
}

/** The metric names as a relation `mn(metric_name)` (a UNION ALL: not every engine has VALUES in FROM). */
export function metricNames(ctx: SqlContext, names: string[]): string {
  const rows = names.map((n, i) => `SELECT ${ctx.dialect.literal(n)}${i === 0 ? ' AS metric_name' : ''}`);
  return `(${rows.join(' UNION ALL ')}) AS mn`;
}

/** A step's statement deleting one metric's rows from an artifact table. */
export function deleteMetricRowsSql(ctx: SqlContext, table: string, metrics: string[], where = ''): string {
  const names = metrics.map((m) => ctx.dialect.literal(m)).join(', ');
  return `DELETE FROM ${ctx.dialect.ident(table)} WHERE metric_name IN (${names})${where ? ` AND ${where}` : ''}`;
}

/** A step's row count of an artifact table. */
export function countRowsSql(ctx: SqlContext, table: string): string {
  return `SELECT COUNT(*) AS n FROM ${ctx.dialect.ident(table)}`;
}

/** A column type of an artifact table: one of the dialect's types, or DATE/TIMESTAMP (the same everywhere). */
export type ColumnType = keyof ColumnTypes | 'date' | 'timestamp';

/** `CREATE TABLE` of an artifact table with the dialect's column types. */
export function createTableSql(ctx: SqlContext, table: string, columns: Array<[string, ColumnType]>): string {
  const typeName = (t: ColumnType) => (t === 'date' ? 'DATE' : t === 'timestamp' ? 'TIMESTAMP' : ctx.dialect.types[t]);
  const list = columns.map(([name, type]) => `${name} ${typeName(type)}`).join(', ');
  return `CREATE TABLE ${ctx.dialect.ident(table)} (${list})`;
}
