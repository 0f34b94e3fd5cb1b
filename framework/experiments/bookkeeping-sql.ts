/**
 * How Wharf's bookkeeping tables (experiment state, job history) are spelled where they live,
 * and how the artifact tables are named when results are read back. The stores and the other
 * warehouses read the same SQL, with the warehouse dialect's text type. BigQuery has no
 * VARCHAR (STRING), reads `"x"` as a string (backticks quote names), escapes quotes in string
 * literals with a backslash, enforces no keys, and has no current_schema(): its
 * INFORMATION_SCHEMA views are qualified with the dataset. The spelling follows the executor
 * the SQL runs on: a pipeline executor in a BigQuery warehouse gets BigQuery's.
 */
import type { SqlExecutor } from '../store/types.js';
import { dialectFor } from './dialect.js';
import { bigqueryDialect } from './dialects/bigquery.js';
import { doubleQuoted, standardLiteral } from './dialects/types.js';
import type { PipelineExecutor } from './executor.js';

/** The spellings that differ between engines. */
export interface BookkeepingSql {
  /** A quoted table or column name (reading the artifact tables too: results, lift history). */
  ident(name: string): string;
  /** The text column type. */
  string: string;
  /** The `rows` column, quoted (a reserved word in PostgreSQL). */
  rows: string;
  literal(value: string): string;
  /** What follows the state table's key column: a primary key where the engine enforces one. */
  key: string;
  /** `FROM … WHERE …` of the tables (`table_name`) in the schema the SQL runs in; callers append `AND …`. */
  tables: string;
}

const STANDARD: BookkeepingSql = {
  ident: doubleQuoted,
  string: 'VARCHAR',
  rows: '"rows"',
  literal: standardLiteral,
  key: ' PRIMARY KEY',
  tables: 'information_schema.tables WHERE table_schema = current_schema()',
};

/** The spelling for SQL run on `sql` (see the module comment). */
export function bookkeepingSql(sql: SqlExecutor): BookkeepingSql {
  const at = (sql as Partial<PipelineExecutor>).location;
  if (at?.kind !== 'warehouse') return STANDARD;
  // The warehouse dialect's text type (Redshift's plain VARCHAR holds only 256 bytes).
  const string = dialectFor(at.sourceKind).types.string;
  if (at.sourceKind !== 'bigquery') return { ...STANDARD, string };
  const { ident, literal } = bigqueryDialect;
  return {
    ident,
    string,
    rows: ident('rows'),
    literal,
    key: '',
    tables: `${ident(at.schema)}.INFORMATION_SCHEMA.TABLES WHERE TRUE`,
  };
}
