/**
 * A fixture loader for backends whose data lives in DuckDB: the embedded DuckDB source and
 * the protocol fakes (Snowflake, BigQuery) that execute SQL in an in-memory DuckDB.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { FixtureColumn, FixtureType, FixtureValue } from './harness.js';

const DUCKDB_TYPES: Record<FixtureType, string> = {
  string: 'VARCHAR',
  integer: 'BIGINT',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
  timestamptz: 'TIMESTAMPTZ',
  json: 'JSON',
};

function quoteText(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** Renders one fixture value as a DuckDB literal of the column's type. */
export function duckdbLiteral(value: FixtureValue, type: FixtureType): string {
  if (value === null) return `NULL::${DUCKDB_TYPES[type]}`;
  switch (type) {
    case 'double':
      return Number.isFinite(value) ? `${String(value)}::DOUBLE` : `'${String(value)}'::DOUBLE`;
    case 'integer':
      return `${String(value)}::BIGINT`;
    case 'boolean':
      return value ? 'TRUE' : 'FALSE';
    case 'timestamp':
      return `TIMESTAMP ${quoteText((value as Date).toISOString().replace('T', ' ').replace('Z', ''))}`;
    case 'timestamptz':
      return `TIMESTAMPTZ ${quoteText((value as Date).toISOString().replace('T', ' ').replace('Z', '+00'))}`;
    case 'json':
      return `${quoteText(JSON.stringify(value))}::JSON`;
    default:
      return `${quoteText(String(value))}::${DUCKDB_TYPES[type]}`;
  }
}

/** Creates (or replaces) `table` with the columns and rows given. */
export async function loadDuckDBTable(
  connection: DuckDBConnection,
  table: string,
  columns: FixtureColumn[],
  rows: FixtureValue[][],
): Promise<void> {
  const definition = columns.map((column) => `"${column.name}" ${DUCKDB_TYPES[column.type]}`).join(', ');
  await connection.run(`CREATE OR REPLACE TABLE ${table} (${definition})`);
  if (rows.length === 0) return;
  const values = rows.map(
    (row) => `(${row.map((value, index) => duckdbLiteral(value, columns[index]!.type)).join(', ')})`,
  );
  await connection.run(`INSERT INTO ${table} VALUES ${values.join(',\n')}`);
}

/** Creates the streaming fixture: `id`, `day`, `label` for `rowCount` rows, generated in DuckDB. */
export async function createDuckDBSeries(
  connection: DuckDBConnection,
  table: string,
  rowCount: number,
  day: string,
): Promise<void> {
  await connection.run(
    `CREATE OR REPLACE TABLE ${table} AS SELECT range::BIGINT AS id, DATE ${quoteText(day)} AS day, 'row-' || range AS label FROM range(${rowCount})`,
  );
}
