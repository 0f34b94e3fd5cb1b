/**
 * Pipe exports started together (a backfill at --concurrency 4, S3's days in parallel in
 * two groups at once) all finish. They used to wait for each other forever: each export's
 * reader blocked a thread of Node's pool in open() until DuckDB opened the pipe, and DuckDB's
 * COPY needed a thread of the same pool, so four exports starting at once took all four.
 * The rows each sink receives are checked against DuckDB's own count and sum.
 */
import { describe, expect, it } from 'vitest';
import { openDuckDB } from '../../util/duckdb.js';
import { exportThroughPipe } from './duckdb-columnar.js';

const EXPORTS = 8;
const ROWS = 50_000;

describe('exportThroughPipe', () => {
  it('finishes as many exports started at once as the pool has threads, and more', { timeout: 20_000 }, async () => {
    const db = await openDuckDB(':memory:');
    try {
      const [[count, sum]] = (
        await db.connection.runAndReadAll(`SELECT count(*), sum(range) FROM range(${ROWS})`)
      ).getRowsJS();
      const received = await Promise.all(
        Array.from({ length: EXPORTS }, async () => {
          const connection = await db.instance.connect();
          let rows = 0;
          let total = 0n;
          try {
            await exportThroughPipe(
              {
                connection,
                select: `SELECT CAST(range AS VARCHAR) FROM range(${ROWS})`,
                route: 0,
                tokens: null,
                mapping: 'pipe_test',
              },
              {
                row: (_day, buf, start, end) => {
                  rows += 1;
                  total += BigInt(buf.toString('utf8', start, end - 1));
                },
                attach: () => undefined,
              },
            );
          } finally {
            connection.closeSync();
          }
          return { rows, total };
        }),
      );
      expect(received).toEqual(Array.from({ length: EXPORTS }, () => ({ rows: Number(count), total: sum })));
    } finally {
      db.close();
    }
  });
});
