import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDB, type DuckDBHandle } from '../../util/duckdb.js';
import { dayBounds, zoneOrThrow } from '../../util/time.js';
import { ANSI_DIALECT } from './sql-dialect.js';
import { sqlDayQueries } from './wrapped-queries.js';
import type { DayFilter, LogicalType, QuerySpec } from '../types.js';

let db: DuckDBHandle;
const query: QuerySpec = { mapping: 'm', sqlFile: 'mappings/m.sql', sql: 'SELECT * FROM t; \n', dataset: 'metrics' };
const filter = (column: string, columnType: LogicalType, day = '2024-05-01'): DayFilter => ({
  column,
  columnType,
  day,
  ...dayBounds(day, zoneOrThrow('PST')),
});

async function ids(sql: string): Promise<number[]> {
  const reader = await db.connection.runAndReadAll(sql);
  return reader
    .getRowObjectsJS()
    .map((r) => Number(r.id))
    .sort((a, b) => a - b);
}

beforeAll(async () => {
  db = await openDuckDB(':memory:');
  await db.connection.run(`CREATE TABLE t AS SELECT * FROM (VALUES
    (1, '2024-05-01', TIMESTAMP '2024-05-01 07:59:59', 1714550399),
    (2, '2024-05-01T23:00:00Z', TIMESTAMP '2024-05-01 08:00:00', 1714550400000),
    (3, '2024-05-02', TIMESTAMP '2024-05-02 07:59:59.999', 1714636799),
    (4, '2024-04-30', TIMESTAMP '2024-05-02 08:00:00', 1714636800)
  ) v(id, s, ts, epoch)`);
});

afterAll(() => db.close());

describe('sqlDayQueries (ANSI dialect, run in DuckDB)', () => {
  const q = sqlDayQueries(ANSI_DIALECT, query);

  it('selects a day by ISO string prefix, PST timestamp bounds and UNIX seconds or milliseconds', async () => {
    expect(await ids(q.day(filter('s', 'string')))).toEqual([1, 2]);
    expect(await ids(q.day(filter('ts', 'timestamp')))).toEqual([2, 3]);
    expect(await ids(q.day(filter('epoch', 'integer')))).toEqual([2, 3]);
  });

  it('counts, checks presence, describes without rows and samples', async () => {
    expect((await db.connection.runAndReadAll(q.count(filter('ts', 'timestamp')))).getRowObjectsJS()).toEqual([
      { row_count: 2n },
    ]);
    expect(
      (await db.connection.runAndReadAll(q.exists(filter('ts', 'timestamp', '2023-01-01')))).getRowObjectsJS(),
    ).toEqual([{ has_data: 0 }]);
    expect((await db.connection.runAndReadAll(q.describe())).columnNames()).toEqual(['id', 's', 'ts', 'epoch']);
    expect(await ids(q.sample(3))).toHaveLength(3);
  });

  it('refuses a day column of a type that cannot select a day', () => {
    expect(() => q.day(filter('x', 'boolean'))).toThrow(/cannot select a day/);
  });
});
