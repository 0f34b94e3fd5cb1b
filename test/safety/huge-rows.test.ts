/**
 * One huge or deeply nested value is a reject of its row, never a failed day, from a real
 * PostgreSQL source: a 5 MB metric_name on the columnar path (PostgreSQL → DuckDB) and on
 * the row path, a 3 MB unit_id that is valid and loads, and event metadata and a user object
 * nested 100,000 levels deep. A valid event too long for the bulk reader loads, and a later
 * event with its timeuuid is dropped as a repeat of it; sent after an event with its timeuuid,
 * it is the one dropped, as the row path drops it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventsMapping, MetricsMapping } from '../../framework/config/types.js';
import { ingestDay } from '../../framework/engine/ingest-day.js';
import type { EngineContext } from '../../framework/engine/types.js';
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
const DEEP = `repeat('{"a":', 100000) || '1' || repeat('}', 100000)`;
const metrics: MetricsMapping = {
  name: 'm',
  dataset: 'metrics',
  source: 'src',
  sql: './m.sql',
  schedule: 'daily',
  startDate: '2026-10-01',
  columns: { unit_id: 'u', id_type: { constant: 'user_id' }, date: 'd', metric_name: 'name', metric_value: 'v' },
};
const events: EventsMapping = {
  name: 'e',
  dataset: 'events',
  source: 'src',
  sql: './e.sql',
  schedule: 'daily',
  startDate: '2026-10-01',
  columns: { timestamp: 'ts', event_name: { constant: 'click' }, event_metadata: 'meta', user: 'usr', timeuuid: 'id' },
};
/** Events whose first is a valid row of over 1 MB (OVERSIZE_ROW_BYTES), its timeuuid sent again by the last. */
const repeatedBig = { ...events, name: 'r' };
/** The same events in reverse: the long event comes last, after a short one with its timeuuid. */
const lateBig = { ...events, name: 'o' };

describe.each([
  ['duckdb', true],
  ['duckdb', false],
  ['postgres', true],
  ['postgres', false],
] as [StoreKind, boolean][])('huge values (%s store, columnar path allowed: %s)', (storeKind, columnar) => {
  let ctx: EngineContext;

  beforeAll(async () => {
    const source = await seededSource('postgres', [
      'CREATE TABLE m (u text, d date, name text, v double precision)',
      `INSERT INTO m SELECT 'u' || g, DATE '${DAY}', 'revenue', g FROM generate_series(1, 200) AS g`,
      `INSERT INTO m VALUES ('huge-name', DATE '${DAY}', repeat('x', 5 * 1024 * 1024), 1), (repeat('u', 3 * 1024 * 1024), DATE '${DAY}', 'revenue', 2)`,
      'CREATE TABLE e (id text, ts timestamp, meta text, usr text)',
      `INSERT INTO e SELECT 'e' || g, TIMESTAMP '${DAY} 12:00:00', '{"k":"v"}', '{"userID":"u' || g || '"}' FROM generate_series(1, 100) AS g`,
      `INSERT INTO e VALUES ('deep-meta', TIMESTAMP '${DAY} 12:00:00', '{"k":' || ${DEEP} || '}', '{"userID":"x"}')`,
      `INSERT INTO e VALUES ('deep-user', TIMESTAMP '${DAY} 12:00:00', NULL, '{"userID":"y","extra":' || ${DEEP} || '}')`,
      'CREATE TABLE r (n int, id text, ts timestamp, meta text, usr text)',
      `INSERT INTO r SELECT g, 'r' || g, TIMESTAMP '${DAY} 12:00:00', '{"k":"v"}', '{"userID":"u' || g || '"}'
         FROM generate_series(1, 100) AS g`,
      `INSERT INTO r VALUES (0, 'big', TIMESTAMP '${DAY} 12:00:00', '{"k":"' || repeat('x', 1200000) || '"}',
         '{"userID":"first"}'), (101, 'big', TIMESTAMP '${DAY} 12:00:00', '{"k":"v"}', '{"userID":"again"}')`,
    ]);
    const project = makeProject(
      tempDir(),
      [source],
      [
        loadedMapping(metrics, 'SELECT u, d, name, v FROM m'),
        loadedMapping(events, 'SELECT id, ts, meta, usr FROM e'),
        loadedMapping(repeatedBig, 'SELECT id, ts, meta, usr FROM r ORDER BY n'),
        loadedMapping(lateBig, 'SELECT id, ts, meta, usr FROM r ORDER BY n DESC'),
      ],
    );
    ctx = { ...engineContext(project, await freshStore(storeKind)), columnar, batchSize: 50 };
  }, 60_000);
  afterAll(async () => {
    await ctx.connectors.closeAll();
    await ctx.store.close();
  });

  it(
    'rejects a 5 MB metric_name as metric_name.too_long and loads the rest, the 3 MB unit_id included',
    { timeout: 60_000 },
    async () => {
      const result = await ingestDay(ctx, 'm', DAY);
      expect(result, result.errorMessage ?? '').toMatchObject({
        status: 'succeeded',
        rowsRead: 202,
        rowsLoaded: 201,
        rowsRejected: 1,
        rejectReasons: { 'metric_name.too_long': 1 },
      });
      expect(result.path).toBe(columnar ? 'columnar' : 'rows');
      const [{ n, longest }] = await ctx.store.query<{ n: number; longest: number }>(
        `SELECT count(*) AS n, max(length(unit_id)) AS longest FROM metrics WHERE ingestion = 'm'`,
      );
      expect([Number(n), Number(longest)]).toEqual([201, 3 * 1024 * 1024]);
      const [reject] = await ctx.store.query<{ rule: string; u: string }>(
        `SELECT rule, "row" AS u FROM rejects WHERE ingestion = 'm'`,
      );
      expect(reject.rule).toBe('metric_name.too_long');
      expect(reject.u).toContain('huge-name');
    },
  );

  it('rejects metadata and a user nested 100,000 levels deep, one reject each', { timeout: 60_000 }, async () => {
    const result = await ingestDay(ctx, 'e', DAY);
    expect(result, result.errorMessage ?? '').toMatchObject({
      status: 'succeeded',
      rowsLoaded: 100,
      rowsRejected: 2,
      rejectReasons: { 'event_metadata.not_string_values': 1, 'user.too_deep': 1 },
    });
  });

  // Mapping, which row of timeuuid 'big' is kept: its user and the length of its metadata.
  it.each([
    [
      'loads a valid event of over 1 MB and drops a later event with its timeuuid',
      'r',
      '{"userID":"first"}',
      1_200_008,
    ],
    ['drops a valid event of over 1 MB sent after an event with its timeuuid', 'o', '{"userID":"again"}', 9],
  ])('%s', { timeout: 60_000 }, async (_title, mapping, user, metadataLength) => {
    const result = await ingestDay(ctx, mapping, DAY);
    expect(result, result.errorMessage ?? '').toMatchObject({
      status: 'succeeded',
      rowsRead: 102,
      rowsLoaded: 101,
      rowsRejected: 0,
      duplicates: 1,
    });
    const kept = await ctx.store.query<{ usr: string; meta: number }>(
      `SELECT "user" AS usr, length(event_metadata) AS meta FROM events WHERE ingestion = $1 AND timeuuid = 'big'`,
      [mapping],
    );
    expect(kept.map((r) => [r.usr, Number(r.meta)])).toEqual([[user, metadataLength]]);
  });
});
