/**
 * A DuckDB store that runs out of its memory cap during a day's load: the day fails with a
 * `store.out-of-memory` error that names the cap and WHARF_DUCKDB_MEMORY_LIMIT (not DuckDB's
 * advice to `SET memory_limit`, which a Wharf user cannot follow), keeps DuckDB's text, and
 * leaves the previous version of the day in the store. The reference is the store itself:
 * the day's first load, read back before and after the failed one.
 */
import { describe, expect, it } from 'vitest';
import { WharfError } from '../../framework/diagnostics/errors.js';
import { ingestDay } from '../../framework/engine/ingest-day.js';
import { withStoreMemory } from '../../framework/store/duckdb/out-of-memory.js';
import { openDuckDB } from '../../framework/util/duckdb.js';
import { freshStore, plainEventsDay } from '../support/engine-fixture.js';

const DAY = '2026-10-05';
const FIRST_ROWS = 1_000;
/** The second version of the day: rows in pairs of one timeuuid, too many for the tiny cap. */
const PAIRED = 440_000;
const rowsOf = (count: number, name: string) =>
  `CREATE OR REPLACE TABLE e AS SELECT i, TIMESTAMPTZ '${DAY} 09:00:00+00' + i * INTERVAL '1 millisecond' AS t,
     '${name}' AS n, '{"userID":"u' || i || '"}' AS usr, 'p-' || (i // 2) AS tu FROM range(${count}) AS r(i)`;

describe('a DuckDB store out of its memory cap', () => {
  it('fails the day with store.out-of-memory naming WHARF_DUCKDB_MEMORY_LIMIT, the previous version kept', async () => {
    const store = await freshStore('duckdb');
    await store.exec('SET threads = 1');
    const { source, ctx } = await plainEventsDay('capped', DAY, [rowsOf(FIRST_ROWS, 'first')], store);
    const storedDay = () =>
      store.query<{ n: string; rows: bigint }>(`SELECT event_name AS n, count(*) AS rows FROM events GROUP BY ALL`);
    try {
      const first = await ingestDay(ctx, 'capped', DAY);
      expect(first).toMatchObject({ status: 'succeeded', path: 'columnar', rowsLoaded: FIRST_ROWS / 2 });
      await ctx.connectors.closeAll();

      const db = await openDuckDB((source as { path: string }).path);
      await db.connection.run(rowsOf(PAIRED, 'second'));
      db.close();
      await store.exec(`SET memory_limit = '8MB'`);
      const second = await ingestDay(ctx, 'capped', DAY);

      expect(second.status).toBe('failed');
      expect(second.errorClass).toBe('config');
      expect(second.errorMessage).toMatch(/^The DuckDB store ran out of its memory cap \(7\.\d MiB\)/);
      expect(second.errorMessage).toContain('WHARF_DUCKDB_MEMORY_LIMIT');
      expect(second.errorMessage).not.toContain('SET memory_limit');
      expect((await storedDay()).map((r) => [r.n, Number(r.rows)])).toEqual([['first', FIRST_ROWS / 2]]);
      const [ledger] = await store.query<{ load_id: string; status: string }>(
        `SELECT load_id, status FROM ledger WHERE ingestion = 'capped' AND "date" = DATE '${DAY}'`,
      );
      expect(ledger).toEqual({ load_id: first.loadId, status: 'succeeded' });
    } finally {
      await ctx.connectors.closeAll();
      await store.close();
    }
  }, 120_000);

  it('turns a statement DuckDB could not give memory into a WharfError keeping its text', async () => {
    const db = await openDuckDB(':memory:');
    try {
      await db.connection.run(`SET memory_limit = '4MB'`);
      await db.connection.run('SET threads = 1');
      // Rows deleted inside a transaction keep version entries that do not spill (docs/engine-measurements.md).
      const statement = async () => {
        await db.connection.run('BEGIN');
        await db.connection.run(`CREATE TABLE big AS SELECT i, repeat('x', 100) || i AS s FROM range(2000000) AS r(i)`);
        await db.connection.run('DELETE FROM big WHERE i % 2 = 0');
      };
      const err: unknown = await withStoreMemory(db.instance, statement).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WharfError);
      const wharf = err as WharfError;
      expect(wharf.code).toBe('store.out-of-memory');
      expect(wharf.message).toMatch(
        /memory cap \(3\.\d MiB\); raise it with the environment variable WHARF_DUCKDB_MEMORY_LIMIT/,
      );
      expect(wharf.hint).toContain('WHARF_DUCKDB_MEMORY_LIMIT=');
      expect(wharf.details.duckdbMessage).toMatch(/^Out of Memory Error: .*SET memory_limit/s);
      expect((wharf.cause as Error).message).toBe(wharf.details.duckdbMessage);
    } finally {
      db.close();
    }
  });
});
