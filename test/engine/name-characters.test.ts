/**
 * Names are limited in characters (Unicode code points), not UTF-16 units: an event_name or
 * metric_name of 100 emoji (200 UTF-16 units) loads; 128 emoji is rejected as too long. On
 * the row path and the columnar metrics path, into the DuckDB and the PostgreSQL store; the
 * store's own character count of what was loaded is the reference.
 */
import { describe, expect, it } from 'vitest';
import type { EventsMapping, MetricsMapping } from '../../framework/config/types.js';
import { ingestDay } from '../../framework/engine/ingest-day.js';
import {
  engineContext,
  freshStore,
  loadedMapping,
  makeProject,
  seededSource,
  tempDir,
  type StoreKind,
} from '../support/engine-fixture.js';

const DAY = '2026-10-05';
const FITS = '🦆'.repeat(100);
const TOO_LONG = '🦆'.repeat(128);

const metrics: MetricsMapping = {
  name: 'm',
  dataset: 'metrics',
  source: 'src',
  sql: './m.sql',
  schedule: 'daily',
  startDate: '2026-10-01',
  columns: { unit_id: 'u', id_type: { constant: 'user_id' }, date: 'd', metric_name: 'n', metric_value: 'v' },
};
const events: EventsMapping = {
  name: 'e',
  dataset: 'events',
  source: 'src',
  sql: './e.sql',
  schedule: 'daily',
  startDate: '2026-10-01',
  columns: { timestamp: 't', event_name: 'n', user: 'usr' },
};
const SEED = [
  'CREATE TABLE m (u text, d date, n text, v double precision)',
  `INSERT INTO m VALUES ('u1', DATE '${DAY}', '${FITS}', 1), ('u2', DATE '${DAY}', '${TOO_LONG}', 2)`,
  'CREATE TABLE e (t timestamp, n text, usr text)',
  `INSERT INTO e VALUES ('${DAY} 12:00:00', '${FITS}', '{"userID":"u1"}'), ('${DAY} 13:00:00', '${TOO_LONG}', '{"userID":"u2"}')`,
];

// [store, columnar allowed]: metrics take the columnar path into either store unless it is turned off.
const cases: [StoreKind, boolean][] = [
  ['duckdb', true],
  ['duckdb', false],
  ['postgres', true],
];

describe.each(cases)('PostgreSQL source → %s store (columnar allowed: %s)', (storeKind, columnar) => {
  it('loads a 100-emoji name and rejects a 128-emoji one, for metrics and events', { timeout: 60_000 }, async () => {
    const source = await seededSource('postgres', SEED);
    const project = makeProject(
      tempDir(),
      [source],
      [loadedMapping(metrics, 'SELECT u, d, n, v FROM m', 1), loadedMapping(events, 'SELECT t, n, usr FROM e', 1)],
    );
    const ctx = { ...engineContext(project, await freshStore(storeKind)), columnar };
    const length = storeKind === 'duckdb' ? 'length' : 'char_length';
    try {
      const m = await ingestDay(ctx, 'm', DAY);
      expect(m).toMatchObject({
        status: 'succeeded',
        rowsLoaded: 1,
        rowsRejected: 1,
        rejectReasons: { 'metric_name.too_long': 1 },
      });
      expect(m.path).toBe(columnar ? 'columnar' : 'rows');
      const e = await ingestDay(ctx, 'e', DAY);
      expect(e).toMatchObject({
        status: 'succeeded',
        rowsLoaded: 1,
        rowsRejected: 1,
        rejectReasons: { 'event_name.too_long': 1 },
      });

      const names = await ctx.store.query<{ name: string; n: number | bigint }>(
        `SELECT metric_name AS name, ${length}(metric_name) AS n FROM metrics WHERE ingestion = 'm' UNION ALL SELECT event_name, ${length}(event_name) FROM events WHERE ingestion = 'e'`,
      );
      expect(names.map((r) => [r.name, Number(r.n)])).toEqual([
        [FITS, 100],
        [FITS, 100],
      ]);
      const reasons = await ctx.store.query<{ reason: string }>(`SELECT reason FROM rejects ORDER BY rule`);
      expect(reasons.map((r) => r.reason.split(';')[0])).toEqual([
        'event_name is 128 characters',
        'metric_name is 128 characters',
      ]);
    } finally {
      await ctx.connectors.closeAll();
      await ctx.store.close();
    }
  });
});
