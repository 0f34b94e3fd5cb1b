/**
 * A group of metrics days from a DuckDB file into the DuckDB store travels as one parquet
 * file per day: each day is committed as soon as its file is loaded, while the source still
 * writes the next days, instead of every commit waiting for the whole export. To see it
 * without timing anything, the real export's sink is made to hold a later day's file until
 * an earlier day is committed: with a DATE day column the hold ends, and the load
 * completes; with a text day column (whose days the engine checks for being empty once the
 * export has ended) no day is committed while the export runs. And a query that fails on a
 * later day keeps the days committed before it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricsMapping } from '../../framework/config/types.js';
import type { ColumnarExport, ParquetDaySink } from '../../framework/connectors/types.js';
import { ingestDays } from '../../framework/engine/ingest-day.js';
import type { EngineContext } from '../../framework/engine/types.js';
import { dayRange } from '../../framework/util/time.js';
import {
  engineContext,
  freshStore,
  loadedMapping,
  makeProject,
  seededSource,
  tempDir,
} from '../support/engine-fixture.js';
import { until } from '../support/until.js';

const FROM = '2026-04-01';
const DAYS = dayRange(FROM, '2026-04-04');
const ROWS_PER_DAY = 500;
/** The day whose query fails in `broken_in`. */
const BROKEN_DAY = DAYS[3];

const statements = [
  `CREATE TABLE m AS SELECT 'u' || i AS unit_id, CASE WHEN i % 3 = 0 THEN 'stable_id' ELSE 'user_id' END AS id_type,
     DATE '${FROM}' + CAST(i % ${DAYS.length} AS INTEGER) AS ds, CASE WHEN i % 2 = 0 THEN 'clicks' ELSE 'revenue' END AS metric,
     CAST(i % 97 AS DOUBLE) AS value FROM range(${ROWS_PER_DAY * DAYS.length}) t(i)`,
  'CREATE TABLE m_text AS SELECT unit_id, id_type, CAST(ds AS VARCHAR) AS ds, metric, value FROM m',
];

const metrics = (name: string): MetricsMapping => ({
  name,
  dataset: 'metrics',
  source: 'src',
  sql: `./${name}.sql`,
  schedule: 'daily',
  startDate: FROM,
  columns: { unit_id: 'unit_id', id_type: 'id_type', date: 'ds', metric_name: 'metric', metric_value: 'value' },
});

const MAPPINGS: [string, string][] = [
  ['date_in', 'SELECT * FROM m'],
  ['text_in', 'SELECT * FROM m_text'],
  [
    'broken_in',
    `SELECT unit_id, id_type, ds, metric, CASE WHEN ds = DATE '${BROKEN_DAY}' THEN error('the warehouse lost this day') ELSE value END AS value FROM m`,
  ],
];

describe('metrics days from a DuckDB file into the DuckDB store, one parquet file per day', () => {
  let ctx: EngineContext;
  let exporter: ColumnarExport;
  let parquetDays: NonNullable<ColumnarExport['parquetDays']>;

  beforeAll(async () => {
    const source = await seededSource('duckdb', statements);
    const loaded = MAPPINGS.map(([name, sql]) => loadedMapping(metrics(name), sql, 0.5));
    ctx = engineContext(makeProject(tempDir(), [source], loaded), await freshStore('duckdb'));
    exporter = (await ctx.connectors.get('src')).columnar!;
    parquetDays = exporter.parquetDays!;
  });
  afterAll(async () => {
    if (exporter) exporter.parquetDays = parquetDays;
    await ctx?.connectors.closeAll();
    await ctx?.store.close();
  });

  /** The days of `ingestion` whose load is committed (in the ledger, succeeded). */
  const committedDays = async (ingestion: string) =>
    (await ctx.store.ledger({ ingestion })).filter((e) => e.status === 'succeeded').map((e) => e.date);

  /** The real export, whose sink runs `beforeDay(day index)` before handing each day's file on. */
  function holdDays(beforeDay: (day: number) => Promise<void>): void {
    exporter.parquetDays = (query, filters, options, sink: ParquetDaySink) =>
      parquetDays.call(exporter, query, filters, options, async (day) => {
        await beforeDay(day.day);
        await sink(day);
      });
  }

  /** Each day's count of stored metrics rows. */
  async function storedCounts(ingestion: string): Promise<Record<string, number>> {
    const rows = await ctx.store.query<{ d: string; n: bigint | number }>(
      'SELECT CAST("date" AS VARCHAR) AS d, count(*) AS n FROM metrics WHERE ingestion = $1 GROUP BY ALL',
      [ingestion],
    );
    return Object.fromEntries(rows.map((r) => [r.d, Number(r.n)]));
  }

  it('with a DATE day column, commits the first day while the export still writes the last', async () => {
    const seenBeforeLast: string[][] = [];
    holdDays(async (day) => {
      if (day !== DAYS.length - 1) return;
      await until(
        'the first day committed while the export runs',
        async () => (await committedDays('date_in')).includes(DAYS[0]),
        {
          limitMs: 30_000,
          everyMs: 20,
        },
      );
      seenBeforeLast.push(await committedDays('date_in'));
    });
    const results = await ingestDays(ctx, 'date_in', DAYS);
    expect(results.map((r) => [r.day, r.status, r.path, r.rowsLoaded])).toEqual(
      DAYS.map((d) => [d, 'succeeded', 'columnar', ROWS_PER_DAY]),
    );
    expect(seenBeforeLast).toHaveLength(1);
    expect(seenBeforeLast[0]).toContain(DAYS[0]);
    expect(seenBeforeLast[0]).not.toContain(DAYS[DAYS.length - 1]);
    expect(await storedCounts('date_in')).toEqual(Object.fromEntries(DAYS.map((d) => [d, ROWS_PER_DAY])));
  });

  it('with a text day column, commits no day before the export has ended (empty days are checked first)', async () => {
    const seenBeforeLast: string[][] = [];
    holdDays(async (day) => {
      if (day !== DAYS.length - 1) return;
      // Long enough for a load and commit of the first days, had they been handed on.
      await new Promise((resolve) => setTimeout(resolve, 300));
      seenBeforeLast.push(await committedDays('text_in'));
    });
    const results = await ingestDays(ctx, 'text_in', DAYS);
    expect(results.map((r) => [r.status, r.path, r.rowsLoaded])).toEqual(
      DAYS.map(() => ['succeeded', 'columnar', ROWS_PER_DAY]),
    );
    expect(seenBeforeLast).toEqual([[]]);
  });

  it('a query that fails on a later day keeps the days committed before it; that day and the next fail', async () => {
    holdDays(async (day) => {
      // Before the broken day's export starts, the days before it are committed.
      if (day === 2) {
        await until(
          'the first two days committed while the export runs',
          async () => (await committedDays('broken_in')).length === 2,
          {
            limitMs: 30_000,
            everyMs: 20,
          },
        );
      }
    });
    const results = await ingestDays({ ...ctx, retry: { attempts: 1, baseDelayMs: 1 } }, 'broken_in', DAYS);
    const done = (await committedDays('broken_in')).sort();
    expect(results.filter((r) => r.status === 'succeeded').map((r) => r.day)).toEqual(done);
    expect(done.slice(0, 2)).toEqual(DAYS.slice(0, 2));
    const failed = results.filter((r) => r.status === 'failed');
    expect(failed.map((r) => r.day)).toContain(BROKEN_DAY);
    for (const r of failed) expect(r).toMatchObject({ errorClass: 'query', rowsLoaded: 0 });
    expect(failed.find((r) => r.day === BROKEN_DAY)?.errorMessage).toContain('the warehouse lost this day');
    const counts = await storedCounts('broken_in');
    expect(counts).toEqual(Object.fromEntries(done.map((d) => [d, ROWS_PER_DAY])));
  });
});
