/**
 * How Wharf's bookkeeping tables (experiment state, job history) are spelled where they live,
 * and how the artifact tables are named when results are read back: all of it follows the
 * experiment dialect of the engine the SQL runs on — its string type (Redshift's plain VARCHAR
 * holds only 256 bytes; Databricks and BigQuery have STRING), identifier quoting (Databricks
 * and BigQuery use backticks; Snowflake stores unquoted names upper-case) and string literals
 * (all four warehouses read backslash escapes). BigQuery enforces no keys and has no
 * current_schema(): its INFORMATION_SCHEMA views are qualified with the dataset.
 *
 * The engine is read from the executor: a PipelineExecutor and the transactions it hands out
 * name their `kind` and `location`; a store connection names its `kind`.
 */
import type { SqlExecutor } from '../store/types.js';
import { dialectFor } from './dialect.js';
import type { PipelineLocation } from './executor.js';

/** The spellings that differ between engines. */
export interface BookkeepingSql {
  /** A quoted table or column name (reading the artifact tables too: results, lift history). */
  ident(name: string): string;
  /** The text column type. */
  string: string;
  /** The `rows` column, quoted (a reserved word in PostgreSQL and Snowflake). */
  rows: string;
  literal(value: string): string;
  /** What follows the state table's key column: a primary key where the engine takes one (NOT NULL for Databricks). */
  key: string;
  /** `FROM … WHERE …` of the tables (`table_name`) in the schema the SQL runs in; callers append `AND …`. */
  tables: string;
}

/** An executor that may name its engine (see the module comment). */
type Described = SqlExecutor & { readonly kind?: string; readonly location?: PipelineLocation };

/** The spelling for SQL run on `sql` (see the module comment). */
export function bookkeepingSql(sql: SqlExecutor): BookkeepingSql {
  const { kind, location } = sql as Described;
  const d = dialectFor(kind ?? 'duckdb');
  const bigquery = d.name === 'bigquery';
  const dataset = bigquery && location?.kind === 'warehouse' ? location.schema : null;
  return {
    ident: (name) => d.ident(name),
    string: d.types.string,
    rows: d.ident('rows'),
    literal: (value) => d.literal(value),
    key: bigquery ? '' : ' NOT NULL PRIMARY KEY',
    tables:
      dataset === null
        ? 'information_schema.tables WHERE table_schema = current_schema()'
        : `${d.ident(dataset)}.INFORMATION_SCHEMA.TABLES WHERE TRUE`,
  };
}
