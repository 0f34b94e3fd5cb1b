/**
 * A metrics mapping whose `date` column is a TIMESTAMP: the query's day filter takes the
 * day's instants in the day-boundary zone (PST, UTC-8), and the row check must agree, so a
 * row at 07:59:59 UTC belongs to the previous day and one at 08:00:00 UTC to its own, on the
 * row path and the columnar path, from PostgreSQL and DuckDB sources, with single days and a
 * group of days alike. Every source row is loaded exactly once, none rejected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricsMapping } from '../../framework/config/types.js';
import { backfill } from '../../framework/engine/backfill.js';
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

/** unit, UTC instant, the PST day it belongs to. */
const ROWS: [string, string, string][] = [
  ['a', '2026-10-02 07:59:59', '2026-10-01'],
  ['b', '2026-10-02 08:00:00', '2026-10-02'],
  ['c', '2026-10-02 00:30:00', '2026-10-01'],
  ['d', '2026-10-02 23:59:59', '2026-10-02'],
  ['e', '2026-10-03 07:59:59', '2026-10-02'],
  ['f', '2026-10-01 08:00:00', '2026-10-01'],
  ['g', '2026-10-01 07:59:59', '2026-09-30'],
];

const statements = (kind: SourceKind) => [
  `CREATE TABLE ts_metrics (unit_id TEXT, id_type TEXT, ts ${kind === 'postgres' ? 'TIMESTAMP WITHOUT TIME ZONE' : 'TIMESTAMP'}, metric TEXT, value DOUBLE PRECISION)`,
  `INSERT INTO ts_metrics VALUES ${ROWS.map(([u, at], i) => `('${u}', 'user_id', TIMESTAMP '${at}', 'm', ${i + 1})`).join(', ')}`,
];

const mapping = (name: string): MetricsMapping => ({
  name,
  dataset: 'metrics',
  source: 'src',
  sql: './q.sql',
  schedule: 'daily',
  startDate: '2026-09-30',
  columns: { unit_id: 'unit_id', id_type: 'id_type', date: 'ts', metric_name: 'metric', metric_value: 'value' },
});

const expected = (days: string[]) =>
  ROWS.filter(([, , day]) => days.includes(day))
    .map(([u, , day]) => `${day} ${u}`)
    .sort();

describe.each(['postgres', 'duckdb'] as const)('a TIMESTAMP metrics date column (%s source → DuckDB store)', (kind) => {
  let ctx: EngineContext;

  beforeAll(async () => {
    const source = await seededSource(kind, statements(kind));
    const sql = 'SELECT unit_id, id_type, ts, metric, value FROM ts_metrics';
    const project = makeProject(
      tempDir(),
      [source],
      ['ts_rows', 'ts_columnar', 'ts_group'].map((name) => loadedMapping(mapping(name), sql)),
    );
    ctx = engineContext(project, await freshStore('duckdb'));
  });
  afterAll(async () => {
    await ctx?.connectors.closeAll();
    await ctx?.store.close();
  });

  const stored = async (ingestion: string) =>
    (
      await ctx.store.query<{ d: string; unit_id: string }>(
        `SELECT CAST("date" AS VARCHAR) AS d, unit_id FROM metrics WHERE ingestion = $1`,
        [ingestion],
      )
    )
      .map((r) => `${r.d} ${r.unit_id}`)
      .sort();

  it.each([
    ['ts_rows', false],
    ['ts_columnar', true],
  ] as const)('%s: each row lands on its PST day, one day at a time', async (name, columnar) => {
    const days = ['2026-09-30', '2026-10-01', '2026-10-02'];
    for (const day of days) {
      const result = await ingestDay({ ...ctx, columnar }, name, day);
      // Both sources have the bulk export the columnar path needs.
      expect(result, day).toMatchObject({ status: 'succeeded', rowsRejected: 0, path: columnar ? 'columnar' : 'rows' });
      expect(result.rowsLoaded, day).toBe(expected([day]).length);
    }
    expect(await stored(name)).toEqual(expected(days));
  });

  it('a backfill over the days loads every row once, on its PST day', async () => {
    const run = await backfill(ctx, 'ts_group', { from: '2026-09-30', to: '2026-10-03' });
    expect(run.days.map((d) => [d.day, d.status, d.rowsRejected])).toEqual([
      ['2026-09-30', 'succeeded', 0],
      ['2026-10-01', 'succeeded', 0],
      ['2026-10-02', 'succeeded', 0],
      ['2026-10-03', 'no_data', 0],
    ]);
    if (kind === 'postgres')
      expect(run.days.filter((d) => d.status === 'succeeded').every((d) => d.path === 'columnar')).toBe(true);
    expect(await stored('ts_group')).toEqual(expected(['2026-09-30', '2026-10-01', '2026-10-02']));
  });
});
