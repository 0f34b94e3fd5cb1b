/**
 * The dialects the experiment pipeline runs on: the stores (DuckDB, PostgreSQL) and the
 * warehouses (Snowflake, BigQuery, Redshift, Databricks). One file per engine under
 * dialects/; the interface and what it covers is in dialects/types.ts.
 */
import { WharfError } from '../diagnostics/errors.js';
import { bigqueryDialect } from './dialects/bigquery.js';
import { databricksDialect } from './dialects/databricks.js';
import { duckdbDialect } from './dialects/duckdb.js';
import { postgresDialect } from './dialects/postgres.js';
import { redshiftDialect } from './dialects/redshift.js';
import { snowflakeDialect } from './dialects/snowflake.js';
import type { ExperimentDialect } from './dialects/types.js';

export type { ColumnTypes, ExperimentDialect } from './dialects/types.js';

/** The engines with a dialect. */
export type DialectName = 'duckdb' | 'postgres' | 'snowflake' | 'bigquery' | 'redshift' | 'databricks';

/** Dialects by engine (a store kind or a warehouse connector kind). */
export const DIALECTS: Record<DialectName, ExperimentDialect> = {
  duckdb: duckdbDialect,
  postgres: postgresDialect,
  snowflake: snowflakeDialect,
  bigquery: bigqueryDialect,
  redshift: redshiftDialect,
  databricks: databricksDialect,
};

/** The dialect of an engine; an engine without one is refused with a clear error. */
export function dialectFor(kind: string): ExperimentDialect {
  const dialect = (DIALECTS as Record<string, ExperimentDialect>)[kind];
  if (!dialect) {
    throw new WharfError(`The experiment pipeline does not run on '${kind}' yet.`, {
      code: 'experiment.dialect-unsupported',
      errorClass: 'config',
      hint: `Supported: ${Object.keys(DIALECTS).join(', ')}.`,
    });
  }
  return dialect;
}
