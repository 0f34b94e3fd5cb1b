import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDB, type DuckDBHandle } from '../../util/duckdb.js';
import { ANSI_DIALECT } from './sql-dialect.js';
import { sampleQuery } from './wrapped-queries.js';

// DuckDB runs the wrapped query: a terminator left inside the subquery is a syntax error there.
describe('a SQL file ending in semicolons and comments', () => {
  let db: DuckDBHandle;
  beforeAll(async () => {
    db = await openDuckDB(':memory:');
  });
  afterAll(() => db.close());

  const ends = [
    'SELECT 1 AS d;;; -- comment',
    'SELECT 1 AS d;\n-- done\n\n',
    'SELECT 1 AS d ; ; -- a; b\n-- c',
    "SELECT 1 AS d -- it's fine\n;",
  ];
  for (const sql of ends) {
    it(`runs inside the wrapper: ${JSON.stringify(sql)}`, async () => {
      const reader = await db.connection.runAndReadAll(sampleQuery(sql, 5, ANSI_DIALECT));
      expect(reader.getRowObjects()).toEqual([{ d: 1 }]);
    });
  }

  it('keeps a semicolon that is inside the query', async () => {
    const reader = await db.connection.runAndReadAll(sampleQuery("SELECT ';' AS d;", 5, ANSI_DIALECT));
    expect(reader.getRowObjects()).toEqual([{ d: ';' }]);
  });
});
