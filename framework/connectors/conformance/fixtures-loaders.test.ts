/**
 * The fixture loaders store every edge value exactly: read back in the backend's own text
 * form, independently of any connector.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/support/postgres.js';
import { openDuckDB, type DuckDBHandle } from '../../util/duckdb.js';
import { createDuckDBSeries, loadDuckDBTable } from './duckdb-fixtures.js';
import { VALUE_COLUMNS, VALUE_ROWS } from './fixtures.js';
import { createPostgresSeries, loadPostgresTable } from './postgres-fixtures.js';

/** Row 1..3 of VALUE_ROWS as each backend prints them (id, big, d, ts, tstz in UTC, doc). */
const EXPECTED = [
  ['1', '9007199254740993', '1.5', '2024-03-01 12:34:56.789', '2024-03-01 12:34:56.789', { a: 1, b: [1, 2] }],
  ['2', '-9223372036854775807', 'NaN', '1999-12-31 23:59:59', '2000-01-01 07:59:59.001', [1, 'x', null]],
  ['3', '9223372036854775807', 'Infinity', '2038-01-19 03:14:08', '1970-01-01 00:00:00', { nested: { deep: 'yes' } }],
];

describe('PostgreSQL fixture loader', () => {
  let client: pg.Client;
  beforeAll(async () => {
    client = new pg.Client({ connectionString: await createTestDatabase() });
    await client.connect();
  });
  afterAll(() => client.end());

  it('stores the value fixture exactly', async () => {
    await loadPostgresTable(client, 'wharf_values', VALUE_COLUMNS, VALUE_ROWS);
    const { rows } = await client.query(
      `SELECT id::text, big::text, d::text, to_char(ts, 'YYYY-MM-DD HH24:MI:SS.MS') AS ts,
              to_char(tstz AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS') AS tstz, doc::text, s, flag::text
       FROM wharf_values ORDER BY id`,
    );
    expect(rows).toHaveLength(VALUE_ROWS.length);
    EXPECTED.forEach(([id, big, d, ts, tstz, doc], index) => {
      const row = rows[index];
      expect([row.id, row.big, row.d, JSON.parse(row.doc)]).toEqual([id, big, d, doc]);
      expect(row.ts.replace(/\.000$/, '')).toBe(ts);
      expect(row.tstz.replace(/\.000$/, '')).toBe(tstz);
    });
    expect(rows[1].s).toBe(VALUE_ROWS[1]![1]);
    expect(rows[4]).toMatchObject({ big: null, d: null, doc: null, s: null, flag: null });
  });

  it('generates the streaming series inside the server', async () => {
    await createPostgresSeries(client, 'wharf_series', 1000, '2024-05-01');
    const { rows } = await client.query(
      `SELECT COUNT(*)::int AS n, SUM(id)::text AS s, MIN(day)::text AS day, MAX(label) AS label FROM wharf_series`,
    );
    expect(rows[0]).toEqual({ n: 1000, s: '499500', day: '2024-05-01', label: 'row-999' });
  });
});

describe('DuckDB fixture loader', () => {
  let duck: DuckDBHandle;
  beforeAll(async () => {
    duck = await openDuckDB(':memory:');
    await duck.connection.run("SET TimeZone = 'UTC'");
  });
  afterAll(() => duck.close());

  it('stores the value fixture exactly', async () => {
    await loadDuckDBTable(duck.connection, 'wharf_values', VALUE_COLUMNS, VALUE_ROWS);
    const reader = await duck.connection.runAndReadAll(
      `SELECT id::VARCHAR, big::VARCHAR, d::VARCHAR, strftime(ts, '%Y-%m-%d %H:%M:%S.%g'), strftime(tstz, '%Y-%m-%d %H:%M:%S.%g'), doc::VARCHAR
       FROM wharf_values ORDER BY id`,
    );
    const rows = reader.getRows();
    EXPECTED.forEach(([id, big, d, ts, tstz, doc], index) => {
      const [gotId, gotBig, gotD, gotTs, gotTstz, gotDoc] = rows[index]!.map((value) =>
        value === null ? null : String(value),
      );
      expect([gotId, gotBig, gotD === 'nan' ? 'NaN' : gotD === 'inf' ? 'Infinity' : gotD, JSON.parse(gotDoc!)]).toEqual(
        [id, big, d, doc],
      );
      expect(gotTs!.replace(/\.000$/, '')).toBe(ts);
      expect(gotTstz!.replace(/\.000$/, '')).toBe(tstz);
    });
    expect(rows[4]!.slice(1)).toEqual([null, null, null, null, null]);
  });

  it('generates the streaming series inside DuckDB', async () => {
    await createDuckDBSeries(duck.connection, 'wharf_series', 1000, '2024-05-01');
    const reader = await duck.connection.runAndReadAll(
      `SELECT COUNT(*)::INT, SUM(id)::VARCHAR, MIN(day)::VARCHAR, MAX(label) FROM wharf_series`,
    );
    expect(reader.getRows()[0]).toEqual([1000, '499500', '2024-05-01', 'row-999']);
  });
});
