/**
 * A day of events with repeated timeuuids, within files and across them, into a DuckDB store
 * file: the repeats are dropped (the first row of each timeuuid in load order stays, as the
 * row path keeps it), and without a delete of the day's own new rows. DuckDB writes a bulk
 * insert's rows to the file as they come, and at commit moves them into the table as they are
 * only when the transaction deleted none of its new rows; otherwise it discards what it wrote
 * and appends every row again, through its write-ahead log: with no checkpoint to empty the
 * log, its size tells. The reference is the day's construction.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingestDay } from '../../framework/engine/ingest-day.js';
import { openStore } from '../../framework/store/open-store.js';
import { plainEventsDay, tempDir } from '../support/engine-fixture.js';

const DAY = '2026-10-05';
const ROWS = 400_000;
/** Rows that repeat the timeuuid of the row before (within a file). */
const NEXT_TO = (i: number) => i % 100 === 1;
/** Rows that repeat the timeuuid of a row 250,000 earlier (in an earlier file of the day). */
const FAR = (i: number) => i >= 300_000 && i % 1_000 === 7;
/** Rows rejected (no user), whose timeuuid the next row repeats: that next row is the first stored. */
const REJECTED = (i: number) => i % 10_000 === 500;
const SEED = [
  `CREATE TABLE e AS SELECT i, TIMESTAMPTZ '${DAY} 09:00:00+00' + i * INTERVAL '1 millisecond' AS t, 'e' || i AS n,
     CASE WHEN i % 10000 = 500 THEN NULL ELSE '{"userID":"u' || i || '"}' END AS usr,
     CASE WHEN i % 100 = 1 THEN 't-' || (i - 1) WHEN i >= 300000 AND i % 1000 = 7 THEN 't-' || (i - 250000)
          WHEN i % 10000 = 501 THEN 't-' || (i - 1) ELSE 't-' || i END AS tu
     FROM range(${ROWS}) AS r(i)`,
];

describe('repeated timeuuids into a DuckDB store', () => {
  it('are dropped without writing the day twice', async () => {
    const storePath = join(tempDir(), 'store.duckdb');
    const store = await openStore({ kind: 'duckdb', path: storePath }, '/');
    // No checkpoint at commit, which would empty the log: what the commit wrote stays there to be read.
    await store.exec(`SET checkpoint_threshold = '1GB'`);
    const { ctx } = await plainEventsDay('repeats', DAY, SEED, store);
    // The reference, from the construction: which rows stay.
    const rejected = new Set<number>();
    const dropped = new Set<number>();
    for (let i = 0; i < ROWS; i++) {
      if (REJECTED(i)) rejected.add(i);
      // i % 10,000 = 501 repeats a rejected row: it stays. Rows i % 100 = 1 otherwise repeat a stored row.
      else if (NEXT_TO(i) && !REJECTED(i - 1)) dropped.add(i);
      else if (FAR(i) && !REJECTED(i - 250_000)) dropped.add(i);
    }
    try {
      const result = await ingestDay(ctx, 'repeats', DAY);
      expect(result.errorMessage).toBeNull();
      expect(result).toMatchObject({
        status: 'succeeded',
        path: 'columnar',
        rowsRejected: rejected.size,
        duplicates: dropped.size,
        rowsLoaded: ROWS - rejected.size - dropped.size,
      });
      const names = await store.query<{ n: string }>(`SELECT event_name AS n FROM events`);
      const stored = new Set(names.map((r) => Number(r.n.slice(1))));
      const expected = [...Array(ROWS).keys()].filter((i) => !rejected.has(i) && !dropped.has(i));
      expect(stored.size).toBe(expected.length);
      expect(expected.filter((i) => !stored.has(i))).toEqual([]);
      // The rows take about 15 MB; the log of a commit that moved them in holds only where they are (17 KB here),
      // one of a commit that appended them again holds them all (28 MB before this load wrote only rows it keeps).
      expect(statSync(`${storePath}.wal`).size).toBeLessThan(1_000_000);
    } finally {
      await ctx.connectors.closeAll();
      await store.close();
    }
  }, 120_000);
});
