/**
 * Day columns given as ISO text select and load the same rows as typed columns, on a real
 * PostgreSQL and a real DuckDB source: events timestamps as `...T...Z`, as zone-less
 * `YYYY-MM-DD HH:MI:SS` (UTC) and with an offset, around the PST day's edges; metrics dates
 * as `YYYY-MM-DD` text. A day column that cannot hold a day (an integer date, garbage text) is
 * an error naming the mapping and the column, and the loaded day stays.
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
  type SourceKind,
} from '../support/engine-fixture.js';

const DAY = '2026-10-05';
// PST: 2026-10-05 is [2026-10-05T08:00Z, 2026-10-06T08:00Z).
const INSTANTS = [
  '2026-10-05 07:59:59',
  '2026-10-05 08:00:00',
  '2026-10-05 20:30:15',
  '2026-10-06 07:59:59',
  '2026-10-06 08:00:00',
];

/** Per source: the text spellings of the timestamp column `ts` (a TIMESTAMP holding UTC). */
const SPELLINGS: Record<SourceKind, Record<string, string>> = {
  postgres: {
    typed: 'ts',
    iso_z: `to_char(ts, 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`,
    plain: `to_char(ts, 'YYYY-MM-DD HH24:MI:SS')`,
    offset: `to_char(ts - interval '2 hours', 'YYYY-MM-DD"T"HH24:MI:SS') || '-02:00'`,
    pg_tz: `CAST(CAST(ts AS TIMESTAMPTZ) AS TEXT)`,
  },
  duckdb: {
    typed: 'ts',
    iso_z: `strftime(ts, '%Y-%m-%dT%H:%M:%SZ')`,
    plain: `strftime(ts, '%Y-%m-%d %H:%M:%S')`,
    offset: `strftime(ts - INTERVAL 2 HOUR, '%Y-%m-%dT%H:%M:%S') || '-02:00'`,
    pg_tz: `strftime(ts, '%Y-%m-%d %H:%M:%S') || '+00'`,
  },
};

const events = (name: string): EventsMapping => ({
  name,
  dataset: 'events',
  source: 'src',
  sql: `./${name}.sql`,
  schedule: 'daily',
  startDate: '2026-10-01',
  columns: { timestamp: 't', event_name: { constant: 'click' }, timeuuid: 'id', userID: 'id' },
});
const metrics = (name: string): MetricsMapping => ({
  name,
  dataset: 'metrics',
  source: 'src',
  sql: `./${name}.sql`,
  schedule: 'daily',
  startDate: '2026-10-01',
  columns: {
    unit_id: 'u',
    id_type: { constant: 'user_id' },
    date: 'd',
    metric_name: { constant: 'm' },
    metric_value: 'v',
  },
});

describe.each(['postgres', 'duckdb'] as SourceKind[])('text day columns from a %s source', (kind) => {
  let ctx: EngineContext;
  const spellings = SPELLINGS[kind];

  beforeAll(async () => {
    const ts = kind === 'postgres' ? 'timestamp' : 'TIMESTAMP';
    const source = await seededSource(kind, [
      `CREATE TABLE e (id VARCHAR, ts ${ts})`,
      `INSERT INTO e VALUES ${INSTANTS.map((t, i) => `('e${i}', CAST('${t}' AS ${ts}))`).join(', ')}`,
      'CREATE TABLE m (u VARCHAR, d DATE, v DOUBLE PRECISION, garbage VARCHAR, n INTEGER)',
      `INSERT INTO m VALUES ('u1', DATE '${DAY}', 1, 'yesterday', 20261005), ('u2', DATE '${DAY}', 2, 'soon', 20261005), ('u3', DATE '2026-10-06', 3, 'n/a', 20261006)`,
    ]);
    const mappings = [
      ...Object.entries(spellings).map(([name, expr]) =>
        loadedMapping(events(`ev_${name}`), `SELECT id, ${expr} AS t FROM e`),
      ),
      loadedMapping(metrics('m_date'), 'SELECT u, d, v FROM m'),
      loadedMapping(metrics('m_text'), `SELECT u, CAST(d AS VARCHAR) AS d, v FROM m`),
      loadedMapping(metrics('m_text_time'), `SELECT u, CAST(d AS VARCHAR) || ' 00:00:00' AS d, v FROM m`),
      loadedMapping(metrics('m_int'), 'SELECT u, n AS d, v FROM m'),
      loadedMapping(metrics('m_garbage'), 'SELECT u, garbage AS d, v FROM m'),
    ];
    ctx = engineContext(makeProject(tempDir(), [source], mappings), await freshStore('duckdb'));
  });
  afterAll(async () => {
    await ctx.connectors.closeAll();
    await ctx.store.close();
  });

  const loadedEvents = async (ingestion: string) =>
    (
      await ctx.store.query<{ timeuuid: string; timestamp: Date }>(
        `SELECT timeuuid, "timestamp" FROM events WHERE ingestion = $1 AND day = CAST($2 AS DATE) ORDER BY timeuuid`,
        [ingestion, DAY],
      )
    ).map((r) => [r.timeuuid, r.timestamp.toISOString()]);

  it('loads the typed timestamp column on the PST day', async () => {
    expect(await ingestDay(ctx, 'ev_typed', DAY)).toMatchObject({
      status: 'succeeded',
      rowsLoaded: 3,
      rowsRejected: 0,
    });
    expect(await loadedEvents('ev_typed')).toEqual([
      ['e1', '2026-10-05T08:00:00.000Z'],
      ['e2', '2026-10-05T20:30:15.000Z'],
      ['e3', '2026-10-06T07:59:59.000Z'],
    ]);
  });

  it.each(Object.keys(SPELLINGS.postgres).filter((n) => n !== 'typed'))(
    'loads ISO text timestamps (%s) as the same instants',
    async (name) => {
      expect(await ingestDay(ctx, `ev_${name}`, DAY)).toMatchObject({
        status: 'succeeded',
        rowsLoaded: 3,
        rowsRejected: 0,
      });
      expect(await loadedEvents(`ev_${name}`)).toEqual(await loadedEvents('ev_typed'));
    },
  );

  it.each(['m_date', 'm_text', 'm_text_time'])('loads the metrics day of a date column given as %s', async (name) => {
    expect(await ingestDay(ctx, name, DAY)).toMatchObject({ status: 'succeeded', rowsLoaded: 2, rowsRejected: 0 });
  });

  it('refuses an integer date column, naming the mapping and the column, and keeps nothing half-done', async () => {
    const result = await ingestDay(ctx, 'm_int', DAY);
    expect(result).toMatchObject({ status: 'failed', errorClass: 'query' });
    expect(result.errorMessage).toMatch(
      /Mapping 'm_int' maps date to column 'd', which is of type \w+, so no row can be on a day/,
    );
  });

  it('reports garbage date text instead of an empty day, and keeps the loaded rows', async () => {
    // The day was loaded from a good column first (same ingestion name, the SQL changed since).
    const good = ctx.project.mappings.get('m_garbage')!;
    const sql = good.sqlText;
    good.sqlText = 'SELECT u, d, v FROM m';
    ctx.connectors.described.delete('m_garbage');
    expect((await ingestDay(ctx, 'm_garbage', DAY)).status).toBe('succeeded');
    good.sqlText = sql;
    ctx.connectors.described.delete('m_garbage');
    const result = await ingestDay(ctx, 'm_garbage', DAY);
    expect(result).toMatchObject({ status: 'failed', errorClass: 'query' });
    expect(result.errorMessage).toContain(
      `Mapping 'm_garbage' maps date to column 'd', which holds text that is not an ISO date (e.g. "yesterday")`,
    );
    const [{ n }] = await ctx.store.query<{ n: number }>(
      `SELECT count(*) AS n FROM metrics WHERE ingestion = 'm_garbage'`,
    );
    expect(Number(n)).toBe(2);
  });
});
