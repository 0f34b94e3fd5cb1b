/**
 * A day of events sent twice, into a DuckDB store under a small memory cap: the day-end
 * timeuuid dedupe drops half the day. Past a number of repeats set by the cap (one per 200
 * bytes), they are not deleted one by one (that holds memory that does not spill, and ran out
 * of the store's 96 MB cap at 2,500,000 repeats: docs/engine-measurements.md) but the day is written again
 * without them. Under 40 MB (a threshold near 200,000), 220,000 repeats take that path: it
 * must keep exactly the first row of each timeuuid in load order and count the rest. The
 * reference is the day's construction: every even row first of its pair, a few rows unrepeated.
 */
import { describe, expect, it } from 'vitest';
import { ingestDay } from '../../framework/engine/ingest-day.js';
import { freshStore, plainEventsDay } from '../support/engine-fixture.js';

const DAY = '2026-10-05';
/** Rows in pairs of one timeuuid, and rows of their own. */
const PAIRED = 440_000;
const SINGLE = 1_000;
const SEED = [
  `CREATE TABLE e AS SELECT i, TIMESTAMPTZ '${DAY} 09:00:00+00' + i * INTERVAL '1 millisecond' AS t,
     CASE WHEN i >= ${PAIRED} THEN 'single' WHEN i % 2 = 0 THEN 'first' ELSE 'second' END AS n,
     '{"userID":"u' || i || '"}' AS usr, CASE WHEN i >= ${PAIRED} THEN 's-' || i ELSE 'p-' || (i // 2) END AS tu
     FROM range(${PAIRED + SINGLE}) AS r(i)`,
];

describe('the day-end timeuuid dedupe of a DuckDB store under a small memory cap', () => {
  it('drops half a day sent twice, keeping the first row of each timeuuid', async () => {
    const store = await freshStore('duckdb');
    await store.exec(`SET memory_limit = '40MB'`);
    await store.exec('SET threads = 1');
    const { ctx } = await plainEventsDay('twice', DAY, SEED, store);
    try {
      const result = await ingestDay(ctx, 'twice', DAY);
      expect(result.errorMessage).toBeNull();
      expect(result).toMatchObject({
        status: 'succeeded',
        path: 'columnar',
        rowsLoaded: PAIRED / 2 + SINGLE,
        duplicates: PAIRED / 2,
      });
      const stored = await store.query<{ n: string; rows: bigint; timeuuids: bigint }>(
        `SELECT event_name AS n, count(*) AS rows, count(DISTINCT timeuuid) AS timeuuids FROM events GROUP BY ALL ORDER BY n`,
      );
      expect(stored.map((r) => [r.n, Number(r.rows), Number(r.timeuuids)])).toEqual([
        ['first', PAIRED / 2, PAIRED / 2],
        ['single', SINGLE, SINGLE],
      ]);
    } finally {
      await ctx.connectors.closeAll();
      await store.close();
    }
  }, 120_000);
});
