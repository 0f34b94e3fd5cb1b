/**
 * Sources whose export writes a timestamp column as UNIX milliseconds (the DuckDB-run sources,
 * Snowflake, BigQuery; PostgreSQL writes canonical text) load their events days in bulk: the
 * store's checks read the field as milliseconds, so clean rows never fall back to the row
 * path's one-by-one checks (which gave the same events, at a fraction of the speed). An
 * instant before March 1973 has fewer than 12 digits of milliseconds, which an integer
 * column's rule would read as seconds: it must load at its own instant. The reference is the
 * source DuckDB's own `epoch_ms` of each value.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EventsMapping } from '../../framework/config/types.js';
import { EventsMapper } from '../../framework/engine/map-events.js';
import { ingestDay } from '../../framework/engine/ingest-day.js';
import { openDuckDB } from '../../framework/util/duckdb.js';
import {
  engineContext,
  freshStore,
  loadedMapping,
  makeProject,
  seededSource,
  tempDir,
} from '../support/engine-fixture.js';

const EARLY = '1971-06-01';
const LATE = '2026-10-05';
const mapping: EventsMapping = {
  name: 'e',
  dataset: 'events',
  source: 'src',
  sql: './e.sql',
  schedule: 'daily',
  startDate: EARLY,
  columns: { timestamp: 't', event_name: 'n', user: 'usr', timeuuid: 'tu' },
};
// Instants inside each PST day, microseconds included (the row path keeps milliseconds).
const SEED = [
  `CREATE TABLE e (t TIMESTAMPTZ, n VARCHAR, usr VARCHAR, tu VARCHAR)`,
  `INSERT INTO e VALUES
    (TIMESTAMPTZ '${EARLY} 08:00:00+00', 'first', '{"userID":"u1"}', 'a'),
    (TIMESTAMPTZ '${EARLY} 20:15:30.123456+00', 'mid', '{"userID":"u2","customIDs":{"stableID":"s"}}', 'b'),
    (TIMESTAMPTZ '1971-06-02 07:59:59.999999+00', 'last', '{"userID":"u3"}', 'c'),
    (TIMESTAMPTZ '${LATE} 08:00:00.000001+00', 'first', '{"userID":"u1"}', 'd'),
    (TIMESTAMPTZ '${LATE} 23:59:59.5+00', 'page view', '{"userID":"u2"}', 'e')`,
];

afterEach(() => vi.restoreAllMocks());

describe('events from a DuckDB source (timestamps written as UNIX milliseconds) into the DuckDB store', () => {
  it('load every clean row in bulk, each at its own instant, in 1971 as in 2026', async () => {
    const source = await seededSource('duckdb', SEED);
    const project = makeProject(tempDir(), [source], [loadedMapping(mapping, 'SELECT t, n, usr, tu FROM e', 1)]);
    const ctx = engineContext(project, await freshStore('duckdb'));
    const rowByRow = vi.spyOn(EventsMapper.prototype, 'check');
    try {
      for (const [day, rows] of [
        [EARLY, 3],
        [LATE, 2],
      ] as const) {
        const result = await ingestDay(ctx, 'e', day);
        expect(result).toMatchObject({ status: 'succeeded', rowsLoaded: rows, rowsRejected: 0, path: 'columnar' });
      }
      expect(rowByRow).not.toHaveBeenCalled();
      const stored = await ctx.store.query<{ tu: string; ms: bigint | number }>(
        `SELECT timeuuid AS tu, epoch_ms("timestamp") AS ms FROM events ORDER BY timeuuid`,
      );
      expect(stored.map((r) => [r.tu, Number(r.ms)])).toEqual(
        await sourceMilliseconds((source as { path: string }).path),
      );
    } finally {
      await ctx.connectors.closeAll();
      await ctx.store.close();
    }
  });
});

async function sourceMilliseconds(path: string): Promise<[string, number][]> {
  const db = await openDuckDB(path);
  try {
    const rows = (await db.connection.runAndReadAll('SELECT tu, epoch_ms(t) FROM e ORDER BY tu')).getRowsJS();
    return rows.map(([tu, ms]) => [tu as string, Number(ms)]);
  } finally {
    db.close();
  }
}
