/**
 * A fixture loader for PostgreSQL-protocol backends (PostgreSQL, Redshift), for their
 * conformance setups: native column types and parameterized inserts, so 64-bit integers,
 * NaN/Infinity and instants are stored exactly.
 */
import type { ClientBase } from 'pg';
import type { FixtureColumn, FixtureType, FixtureValue } from './harness.js';

const POSTGRES_TYPES: Record<FixtureType, string> = {
  string: 'TEXT',
  integer: 'BIGINT',
  double: 'DOUBLE PRECISION',
  boolean: 'BOOLEAN',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
  timestamptz: 'TIMESTAMPTZ',
  json: 'JSONB',
};

/** Rows per INSERT statement (keeps parameter counts far below PostgreSQL's limit). */
const ROWS_PER_INSERT = 500;

/** A fixture value as a query parameter; text forms avoid any client-side time-zone shift. */
export function postgresParameter(value: FixtureValue, type: FixtureType): string | boolean | null {
  if (value === null) return null;
  switch (type) {
    case 'boolean':
      return Boolean(value);
    case 'double':
      return Number.isNaN(value) ? 'NaN' : String(value);
    case 'timestamp':
      return (value as Date).toISOString().replace('T', ' ').replace('Z', '');
    case 'timestamptz':
      return (value as Date).toISOString();
    case 'json':
      return JSON.stringify(value);
    default:
      return String(value);
  }
}

/** Creates (or replaces) `table` with the columns and rows given. */
export async function loadPostgresTable(
  client: ClientBase,
  table: string,
  columns: FixtureColumn[],
  rows: FixtureValue[][],
): Promise<void> {
  const definition = columns.map((column) => `"${column.name}" ${POSTGRES_TYPES[column.type]}`).join(', ');
  await client.query(`DROP TABLE IF EXISTS ${table}`);
  await client.query(`CREATE TABLE ${table} (${definition})`);
  for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
    const chunk = rows.slice(start, start + ROWS_PER_INSERT);
    const params: Array<string | boolean | null> = [];
    const tuples = chunk.map((row) => {
      const slots = row.map((value, index) => {
        params.push(postgresParameter(value, columns[index]!.type));
        return `$${params.length}::${POSTGRES_TYPES[columns[index]!.type]}`;
      });
      return `(${slots.join(', ')})`;
    });
    await client.query(`INSERT INTO ${table} VALUES ${tuples.join(', ')}`, params);
  }
}

/** Creates the streaming fixture (`id`, `day`, `label`) with generate_series, inside the server. */
export async function createPostgresSeries(
  client: ClientBase,
  table: string,
  rowCount: number,
  day: string,
): Promise<void> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error(`Not a YYYY-MM-DD day: ${day}`);
  await client.query(`DROP TABLE IF EXISTS ${table}`);
  await client.query(
    `CREATE TABLE ${table} AS SELECT g::BIGINT AS id, DATE '${day}' AS day, 'row-' || g AS label FROM generate_series(0, ${Math.floor(rowCount) - 1}) AS g`,
  );
}
