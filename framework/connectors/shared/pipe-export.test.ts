/**
 * Pipe exports started together (a backfill at --concurrency 4, S3's days in parallel in
 * two groups at once) all finish. They used to wait for each other forever: each export's
 * reader blocked a thread of Node's pool in open() until DuckDB opened the pipe, and DuckDB's
 * COPY needed a thread of the same pool, so four exports starting at once took all four.
 * The rows each sink receives are checked against DuckDB's own count and sum. The named pipe
 * an export wrote through is used again by the next one, but not after a failed export.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { openDuckDB } from '../../util/duckdb.js';
import { exportThroughPipe } from './duckdb-columnar.js';
import type { DayRowSink } from '../types.js';

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

  it(
    'writes the next export through the same pipe, and a new one after a failed export',
    { timeout: 20_000 },
    async () => {
      const db = await openDuckDB(':memory:');
      const pipes: string[] = [];
      // The real connection; its COPY statements tell which pipe each export wrote to.
      const connection = await db.instance.connect();
      const watched = new Proxy(connection, {
        get(target, key) {
          if (key !== 'run') return Reflect.get(target, key, target) as unknown;
          return (sql: string) => {
            pipes.push(/ TO '([^']+)'/.exec(sql)?.[1] ?? '');
            return target.run(sql);
          };
        },
      }) as DuckDBConnection;
      const sumOf = async (select: string, sink?: (value: number) => void) => {
        let total = 0;
        const rows: DayRowSink = {
          row: (_day, buf, start, end) => {
            const value = Number(buf.toString('utf8', start, end - 1));
            sink?.(value);
            total += value;
          },
          attach: () => undefined,
        };
        await exportThroughPipe({ connection: watched, select, route: 0, tokens: null, mapping: 'pipe_test' }, rows);
        return total;
      };
      const select = `SELECT CAST(range AS VARCHAR) FROM range(${ROWS})`;
      const expected = (ROWS * (ROWS - 1)) / 2;
      try {
        expect(await sumOf(select)).toBe(expected);
        expect(await sumOf(select)).toBe(expected);
        expect(pipes[1]).toBe(pipes[0]);

        // The sink fails midway: DuckDB is stopped, and the pipe is not used again.
        const failing = sumOf(select, (value) => {
          if (value === 1000) throw new Error('sink failed');
        });
        await expect(failing).rejects.toThrow('sink failed');
        expect(pipes[2]).toBe(pipes[0]);
        expect(await sumOf(select)).toBe(expected);
        expect(pipes[3]).not.toBe(pipes[0]);

        // DuckDB fails before writing a row: the next export still gets every row.
        await expect(sumOf('SELECT CAST(no_such_column AS VARCHAR) FROM range(3)')).rejects.toThrow();
        expect(await sumOf(select)).toBe(expected);
        expect(pipes[5]).not.toBe(pipes[3]);
      } finally {
        connection.closeSync();
        db.close();
      }
    },
  );
});
