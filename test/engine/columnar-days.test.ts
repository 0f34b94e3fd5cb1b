/**
 * Groups of metrics days sharing one columnar export (PostgreSQL source → DuckDB store):
 * rows interleaved across days (row i belongs to day i % N) reach exactly their day, for a
 * DATE and a text day column; a day larger than one file; gaps in the days asked for; a day
 * over its reject threshold failing alone while the rest of its group commits; a query error
 * in the middle of the export failing the whole group and keeping every day's previous
 * version; a day whose commit fails after the export keeping the others' commits, its retry
 * loading that day alone; reloads; the store's `threads` setting restored after the loads; and when days
 * can share an export at all.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricsMapping, SourceConfig } from '../../framework/config/types.js';
import { backfill } from '../../framework/engine/backfill.js';
import { COLUMNAR_GROUP_DAYS } from '../../framework/engine/day/plan-stage.js';
import { columnarGroupSize, ingestDays } from '../../framework/engine/ingest-day.js';
import { FIRST_FILE_ROWS, ROWS_PER_FILE } from '../../framework/engine/metrics-columnar.js';
import type { DayResult, EngineContext, ProgressEvent } from '../../framework/engine/types.js';
import { WharfError } from '../../framework/diagnostics/errors.js';
import type { DayLoad, Store } from '../../framework/store/types.js';
import { dayFilter, querySpec } from '../../framework/engine/query-stage.js';
import { addDays, dayRange, zoneOrThrow } from '../../framework/util/time.js';
import {
  engineContext,
  freshStore,
  loadedMapping,
  makeProject,
  seededSource,
  tempDir,
} from '../support/engine-fixture.js';

/**
 * The small tables: 33 days from SMALL_FROM (two groups of a backfill), 8 rows a day, interleaved; plus a day either
 * side.
 */
const SMALL_FROM = '2026-03-01';
const SMALL_DAYS = 33;
const SMALL_TO = addDays(SMALL_FROM, SMALL_DAYS - 1);
/** The big table: 300,000 rows over 3 days, 85% of them on the first (three files), interleaved. */
const BIG_FROM = '2026-05-01';
const BIG_TO = '2026-05-03';
const BIG_ROWS = 300_000;
/** The reject-threshold table: 3 days of 100 rows. */
const REJ_FROM = '2026-06-01';
const REJ_TO = '2026-06-03';

function statements(): string[] {
  const n = SMALL_DAYS * 8;
  return [
    'CREATE TABLE small (seq INT, unit_id TEXT, id_type TEXT, ds DATE, metric TEXT, value DOUBLE PRECISION)',
    // Row i belongs to day i % 33; some unit ids need CSV quoting; one row a day is rejected (empty metric name).
    `INSERT INTO small SELECT i, CASE WHEN i % 11 = 0 THEN 'u "q",' || i ELSE 'u' || i END, CASE WHEN i % 4 = 0 THEN 'stable_id' ELSE 'user_id' END,
       DATE '${SMALL_FROM}' + (i % ${SMALL_DAYS}), CASE WHEN i / ${SMALL_DAYS} = 5 THEN '' WHEN i % 3 = 0 THEN 'revenue' ELSE 'clicks' END, (i % 17) * 1.5
       FROM generate_series(0, ${n - 1}) i`,
    // Days just outside the 33: never asked for, never loaded.
    `INSERT INTO small VALUES (${n}, 'out1', 'user_id', DATE '${SMALL_FROM}' - 1, 'clicks', 1), (${n + 1}, 'out2', 'user_id', DATE '${SMALL_TO}' + 1, 'clicks', 2)`,
    'CREATE TABLE small_text AS SELECT seq, unit_id, id_type, CAST(ds AS TEXT) AS ds, metric, value FROM small',
    // Noon UTC: the same day in the project's zone (PST) as in UTC.
    `CREATE TABLE small_ts AS SELECT seq, unit_id, id_type, CAST(ds AS TIMESTAMP) + INTERVAL '12 hours' AS ds, metric, value FROM small`,
    'CREATE TABLE big (seq INT, unit_id TEXT, id_type TEXT, ds DATE, metric TEXT, value DOUBLE PRECISION)',
    `INSERT INTO big SELECT i, 'u' || i, 'user_id', DATE '${BIG_FROM}' + CASE WHEN i % 20 < 17 THEN 0 WHEN i % 20 < 19 THEN 1 ELSE 2 END,
       CASE WHEN i % 2 = 0 THEN 'revenue' ELSE 'clicks' END, i % 1000 FROM generate_series(1, ${BIG_ROWS}) i`,
    'CREATE TABLE rej (seq INT, unit_id TEXT, id_type TEXT, ds DATE, metric TEXT, value DOUBLE PRECISION)',
    `INSERT INTO rej SELECT i, 'r' || i, 'user_id', DATE '${REJ_FROM}' + (i % 3), 'clicks', i FROM generate_series(0, 299) i`,
    'CREATE TABLE ctl (on_ INT)',
    'INSERT INTO ctl VALUES (1)',
  ];
}

const columns = { unit_id: 'unit_id', id_type: 'id_type', date: 'ds', metric_name: 'metric', metric_value: 'value' };
const metrics = (name: string, startDate: string): MetricsMapping => ({
  name,
  dataset: 'metrics',
  source: 'src',
  sql: `./${name}.sql`,
  schedule: 'daily',
  startDate,
  columns,
});
/** name, source query, maxRejectRate. */
const MAPPINGS: [string, string, string, number][] = [
  ['small_date', SMALL_FROM, 'SELECT * FROM small ORDER BY seq', 0.5],
  ['small_text', SMALL_FROM, 'SELECT * FROM small_text ORDER BY seq', 0.5],
  ['gap_date', SMALL_FROM, 'SELECT * FROM small ORDER BY seq', 0.5],
  ['gap_text', SMALL_FROM, 'SELECT * FROM small_text ORDER BY seq', 0.5],
  ['fp_date', SMALL_FROM, 'SELECT * FROM small ORDER BY seq', 0.5],
  ['fp_text', SMALL_FROM, 'SELECT * FROM small_text ORDER BY seq', 0.5],
  ['small_ts', SMALL_FROM, 'SELECT * FROM small_ts ORDER BY seq', 0.5],
  ['big_in', BIG_FROM, 'SELECT * FROM big ORDER BY seq', 0.05],
  // No ORDER BY: rows stream in table order, and once `ctl` is emptied the row with seq 290,000
  // fails (division by zero) after most of the export has arrived.
  [
    'big_fragile',
    BIG_FROM,
    'SELECT b.* FROM big b WHERE 1 / (CASE WHEN b.seq = 290000 THEN (SELECT count(*) FROM ctl) ELSE 1 END) > 0',
    0.05,
  ],
  ['rej_in', REJ_FROM, 'SELECT * FROM rej ORDER BY seq', 0.1],
  ['commit_fault', SMALL_FROM, 'SELECT * FROM small ORDER BY seq', 0.5],
];

type MetricRow = [string, string, string, string, number | null];
const sortRows = (rows: MetricRow[]) => rows.map((r) => JSON.stringify(r)).sort();

describe('columnar groups of days (PostgreSQL → DuckDB)', () => {
  let ctx: EngineContext;
  let source: SourceConfig;
  let warehouse: pg.Client;

  beforeAll(async () => {
    source = await seededSource('postgres', statements());
    const loaded = MAPPINGS.map(([name, start, sql, rate]) => loadedMapping(metrics(name, start), sql, rate));
    for (const m of loaded) if (m.config.name.startsWith('fp_')) m.recheck.reloadOnFingerprintChange = true;
    const project = makeProject(tempDir(), [source], loaded);
    ctx = engineContext(project, await freshStore('duckdb'));
    warehouse = new pg.Client({ connectionString: process.env[(source as { url: { env: string } }).url.env] });
    await warehouse.connect();
    await warehouse.query('SET DateStyle TO ISO');
  });
  afterAll(async () => {
    await warehouse?.end();
    await ctx?.connectors.closeAll();
    await ctx?.store.close();
  });

  /** The source's rows of each day of [from, to] (days without rows left out), from `table`. */
  async function sourceDays(table: string, from: string, to: string): Promise<Map<string, string[]>> {
    const { rows } = await warehouse.query<{
      d: string;
      unit_id: string;
      id_type: string;
      metric: string;
      value: number | null;
    }>(
      `SELECT CAST(ds AS DATE)::text AS d, unit_id, id_type, metric, value FROM ${table} WHERE CAST(ds AS DATE) BETWEEN $1 AND $2 AND metric <> ''`,
      [from, to],
    );
    return byDay(rows.map((r) => [r.d, r.unit_id, r.id_type, r.metric, r.value]));
  }

  /** The store's metrics rows of an ingestion, per day. */
  async function storeDays(ingestion: string): Promise<Map<string, string[]>> {
    const rows = await ctx.store.query<{
      d: string;
      unit_id: string;
      id_type: string;
      metric_name: string;
      metric_value: number | null;
    }>(
      `SELECT CAST("date" AS VARCHAR) AS d, unit_id, id_type, metric_name, metric_value FROM metrics WHERE ingestion = $1`,
      [ingestion],
    );
    return byDay(rows.map((r) => [r.d, r.unit_id, r.id_type, r.metric_name, r.metric_value]));
  }

  function byDay(rows: MetricRow[]): Map<string, string[]> {
    const days = new Map<string, MetricRow[]>();
    for (const r of rows) days.set(r[0], [...(days.get(r[0]) ?? []), r]);
    return new Map([...days.keys()].sort().map((d) => [d, sortRows(days.get(d)!)]));
  }

  const pick = (days: Map<string, string[]>, keep: string[]) => new Map([...days].filter(([d]) => keep.includes(d)));

  /** Everything the store holds for the ingestion: metrics and rejects per day (as digests), and the ledger. */
  async function snapshot(ingestion: string) {
    const metricsDigest = await ctx.store.query(
      `SELECT CAST("date" AS VARCHAR) AS d, count(*) AS n, sum(metric_value) AS total,
         md5(string_agg(unit_id || '|' || id_type || '|' || metric_name || '|' || CAST(metric_value AS VARCHAR), ',' ORDER BY unit_id, metric_name)) AS digest
       FROM metrics WHERE ingestion = $1 GROUP BY ALL ORDER BY ALL`,
      [ingestion],
    );
    const rejects = await ctx.store.query(
      `SELECT CAST("date" AS VARCHAR) AS d, "row", rule, load_id FROM rejects WHERE ingestion = $1 ORDER BY ALL`,
      [ingestion],
    );
    const ledger = await ctx.store.ledger({ ingestion });
    return { metrics: metricsDigest, rejects, ledger };
  }

  const statuses = (days: DayResult[]) => Object.fromEntries(days.map((d) => [d.day, d.status]));

  it('backfill: every day of the range gets exactly its own source rows (DATE and text day columns), all on the columnar path', async () => {
    for (const [name, table] of [
      ['small_date', 'small'],
      ['small_text', 'small_text'],
    ]) {
      const result = await backfill(ctx, name, { from: SMALL_FROM, to: SMALL_TO });
      expect(result.days.map((d) => d.day)).toEqual(dayRange(SMALL_FROM, SMALL_TO));
      for (const day of result.days) {
        expect(day, `${name} ${day.day}`).toMatchObject({
          status: 'succeeded',
          path: 'columnar',
          rowsRead: 8,
          rowsLoaded: 7,
        });
      }
      // One row of each day is rejected (an empty metric name): the 6th row of the day.
      expect(result.days.map((d) => d.rowsRejected)).toEqual(result.days.map(() => 1));
      const expected = await sourceDays(table, SMALL_FROM, SMALL_TO);
      expect(expected.size).toBe(SMALL_DAYS);
      expect(await storeDays(name)).toEqual(expected);
      const ledger = await ctx.store.ledger({ ingestion: name });
      expect(ledger.map((e) => [e.date, e.status, e.rowsLoaded, e.rowsRejected, e.sourceRowCount])).toEqual(
        dayRange(SMALL_FROM, SMALL_TO).map((d) => [d, 'succeeded', 7, 1, 8]),
      );
      // The rejects are the rows with the empty metric name, one per day, stored under that day.
      const rejects = await ctx.store.query<{ d: string; row: string; rule: string }>(
        `SELECT CAST("date" AS VARCHAR) AS d, "row", rule FROM rejects WHERE ingestion = $1 ORDER BY d`,
        [name],
      );
      expect(rejects.length).toBe(SMALL_DAYS);
      for (const r of rejects) expect(JSON.parse(r.row)).toMatchObject({ ds: r.d, metric: '' });
    }
  });

  it('a day larger than one file: 300,000 rows over 3 days, the first in three files, each day exactly its rows', async () => {
    const files: Record<string, number[]> = {};
    const run = await backfill(
      { ...ctx, onProgress: (e) => e.kind === 'rows' && (files[e.day] ??= []).push(e.rows) },
      'big_in',
      { from: BIG_FROM, to: BIG_TO },
    );
    expect(run.days.map((d) => [d.day, d.status, d.path, d.rowsRead, d.rowsLoaded, d.rowsRejected])).toEqual([
      [BIG_FROM, 'succeeded', 'columnar', 255_000, 255_000, 0],
      ['2026-05-02', 'succeeded', 'columnar', 30_000, 30_000, 0],
      [BIG_TO, 'succeeded', 'columnar', 15_000, 15_000, 0],
    ]);
    // A smaller first file, then files of at most a row group (cut early only while a lane waits).
    for (const [day, rows] of [
      [BIG_FROM, 255_000],
      ['2026-05-02', 30_000],
    ] as const) {
      expect(files[day][0], day).toBe(FIRST_FILE_ROWS);
      expect(
        files[day].reduce((a, b) => a + b),
        day,
      ).toBe(rows);
      expect(Math.max(...files[day]), day).toBeLessThanOrEqual(ROWS_PER_FILE);
    }
    expect(files[BIG_FROM].length).toBeGreaterThanOrEqual(3);
    await expectBigMatchesSource('big_in');
  });

  /** Per day: count, sum and an ordered digest of the store's rows equal the source's. */
  async function expectBigMatchesSource(ingestion: string) {
    const stored = await ctx.store.query<{ d: string; n: number; total: number; digest: string }>(
      `SELECT CAST("date" AS VARCHAR) AS d, CAST(count(*) AS INTEGER) AS n, CAST(sum(metric_value) AS BIGINT) AS total,
         md5(string_agg(unit_id || ':' || id_type || ':' || metric_name || ':' || CAST(CAST(metric_value AS BIGINT) AS VARCHAR), ',' ORDER BY CAST(substr(unit_id, 2) AS INTEGER))) AS digest
       FROM metrics WHERE ingestion = $1 GROUP BY ALL ORDER BY d`,
      [ingestion],
    );
    const { rows: expected } = await warehouse.query(
      `SELECT CAST(ds AS TEXT) AS d, CAST(count(*) AS INTEGER) AS n, CAST(sum(value) AS BIGINT) AS total,
         md5(string_agg(unit_id || ':' || id_type || ':' || metric || ':' || CAST(CAST(value AS BIGINT) AS TEXT), ',' ORDER BY seq)) AS digest
       FROM big GROUP BY ds ORDER BY ds`,
    );
    expect(stored.map((r) => ({ ...r, total: Number(r.total) }))).toEqual(
      expected.map((r) => ({ ...r, total: Number(r.total) })),
    );
  }

  it('days with gaps: ingestDays of non-consecutive days and a backfill after some days are loaded load only the days asked for', async () => {
    const d = (k: number) => addDays(SMALL_FROM, k);
    for (const [name, table] of [
      ['gap_date', 'small'],
      ['gap_text', 'small_text'],
    ]) {
      const first = [d(1), d(3), d(6)];
      const results = await ingestDays(ctx, name, first);
      expect(results.map((r) => [r.day, r.status, r.path, r.rowsRead])).toEqual(
        first.map((day) => [day, 'succeeded', 'columnar', 8]),
      );
      const source = await sourceDays(table, d(0), d(9));
      expect(await storeDays(name)).toEqual(pick(source, first));
      expect((await ctx.store.ledger({ ingestion: name })).map((e) => e.date)).toEqual(first);

      // d2, d4, d5, d7, d8 are still pending: one export for days that do not follow one another.
      const run = await backfill(ctx, name, { from: d(1), to: d(8) });
      expect(statuses(run.days)).toEqual({
        [d(1)]: 'skipped',
        [d(2)]: 'succeeded',
        [d(3)]: 'skipped',
        [d(4)]: 'succeeded',
        [d(5)]: 'succeeded',
        [d(6)]: 'skipped',
        [d(7)]: 'succeeded',
        [d(8)]: 'succeeded',
      });
      for (const r of run.days.filter((x) => x.status === 'succeeded'))
        expect(r).toMatchObject({ path: 'columnar', rowsRead: 8 });
      const loaded = dayRange(d(1), d(8));
      expect(await storeDays(name)).toEqual(pick(source, loaded));
      expect((await ctx.store.ledger({ ingestion: name })).map((e) => e.date)).toEqual(loaded);
      // The first three days kept their first load.
      const ledger = new Map((await ctx.store.ledger({ ingestion: name })).map((e) => [e.date, e.loadId]));
      for (const r of results) expect(ledger.get(r.day)).toBe(r.loadId);
    }
  });

  it('one day over the reject threshold fails alone and keeps its previous version; the other days of the group commit', async () => {
    const first = await backfill(ctx, 'rej_in', { from: REJ_FROM, to: REJ_TO });
    expect(first.days.map((d) => d.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    const bad = '2026-06-02';
    const before = await snapshot('rej_in');
    const dayOf = <T extends { d?: string; date?: string }>(rows: T[], day: string) =>
      rows.filter((r) => (r.d ?? r.date) === day);

    // Half of the bad day's rows get an undeclared id_type; the other days change value.
    await warehouse.query(`UPDATE rej SET id_type = 'bogus_type' WHERE ds = DATE '${bad}' AND seq % 2 = 0`);
    await warehouse.query(`UPDATE rej SET value = value + 1000 WHERE ds <> DATE '${bad}'`);
    const run = await backfill(ctx, 'rej_in', { from: REJ_FROM, to: REJ_TO, force: true });
    const [d1, d2, d3] = run.days;
    expect(d1).toMatchObject({ status: 'succeeded', path: 'columnar', rowsLoaded: 100 });
    expect(d3).toMatchObject({ status: 'succeeded', path: 'columnar', rowsLoaded: 100 });
    expect(d2).toMatchObject({
      status: 'failed',
      errorClass: 'validation',
      path: 'columnar',
      rowsRead: 100,
      rowsRejected: 50,
    });
    expect(d2.errorMessage).toContain('maxRejectRate');

    const after = await snapshot('rej_in');
    // The bad day: rows, rejects and ledger row exactly as before.
    expect(dayOf(after.metrics as { d: string }[], bad)).toEqual(dayOf(before.metrics as { d: string }[], bad));
    expect(dayOf(after.rejects as { d: string }[], bad)).toEqual(dayOf(before.rejects as { d: string }[], bad));
    expect(dayOf(after.ledger, bad)).toEqual(dayOf(before.ledger, bad));
    // The other days: the new source rows, under the new loads.
    const source = await sourceDays('rej', REJ_FROM, REJ_TO);
    const stored = await storeDays('rej_in');
    for (const day of [REJ_FROM, REJ_TO]) expect(stored.get(day)).toEqual(source.get(day));
    const ledger = new Map(after.ledger.map((e) => [e.date, e]));
    expect(ledger.get(REJ_FROM)!.loadId).toBe(d1.loadId);
    expect(ledger.get(REJ_TO)!.loadId).toBe(d3.loadId);
    expect(ledger.get(bad)!.loadId).toBe(first.days[1].loadId);
    // The failure is in the attempt history.
    const attempts = await ctx.store.attempts({ ingestion: 'rej_in', from: bad, to: bad });
    expect(attempts.map((a) => [a.status, a.errorClass])).toEqual([
      ['succeeded', null],
      ['failed', 'validation'],
    ]);
  });

  it('a query error in the middle of the export fails every day of the group and keeps each day’s previous rows and ledger row', async () => {
    const days = dayRange(BIG_FROM, BIG_TO);
    const ok = await ingestDays(ctx, 'big_fragile', days);
    expect(ok.map((d) => [d.status, d.path])).toEqual(days.map(() => ['succeeded', 'columnar']));
    await expectBigMatchesSource('big_fragile');
    const before = await snapshot('big_fragile');

    await warehouse.query('DELETE FROM ctl');
    const rows: ProgressEvent[] = [];
    const broken = await ingestDays(
      { ...ctx, retry: { attempts: 1, baseDelayMs: 1 }, onProgress: (e) => e.kind === 'rows' && rows.push(e) },
      'big_fragile',
      days,
    );
    await warehouse.query('INSERT INTO ctl VALUES (1)');
    for (const result of broken) {
      expect(result).toMatchObject({ status: 'failed', errorClass: 'query', rowsLoaded: 0, path: 'columnar' });
      expect(result.errorMessage).toContain('division by zero');
    }
    // The failure came mid-export: files of the first day had already gone into its open load.
    expect(rows.length).toBeGreaterThan(0);
    for (const day of days) {
      const attempts = await ctx.store.attempts({ ingestion: 'big_fragile', from: day, to: day });
      expect(attempts.map((a) => [a.status, a.errorClass])).toEqual([
        ['succeeded', null],
        ['failed', 'query'],
      ]);
    }
    expect(await snapshot('big_fragile')).toEqual(before);
    await expectBigMatchesSource('big_fragile');
  });

  it('a day whose commit fails after the export keeps the other days committed; the retry loads that day alone', async () => {
    const days = dayRange(SMALL_FROM, addDays(SMALL_FROM, 2));
    const attempts = async () =>
      (await ctx.store.attempts({ ingestion: 'commit_fault', from: days[0], to: days[2] })).map((a) => a.date);
    const faulty = days[1];
    let failed = 0;
    // The store, but the first commit of `faulty` fails as a lost connection would (transient).
    const store = new Proxy(ctx.store, {
      get(target, key) {
        if (key !== 'beginDayLoad') return Reflect.get(target, key, target);
        return async (...args: Parameters<Store['beginDayLoad']>) => {
          const load = await target.beginDayLoad(...args);
          if (args[0].date !== faulty || failed > 0) return load;
          return new Proxy(load, {
            get(l, k) {
              if (k !== 'commit') return Reflect.get(l, k, l);
              return async () => {
                failed += 1;
                await l.rollback();
                throw new WharfError('store timed out', {
                  code: 'store.timeout',
                  errorClass: 'connection',
                  transient: true,
                });
              };
            },
          }) as DayLoad;
        };
      },
    }) as Store;
    const run = await ingestDays({ ...ctx, store, retry: { attempts: 2, baseDelayMs: 1 } }, 'commit_fault', days);
    expect(run.map((d) => [d.day, d.status, d.path, d.rowsLoaded])).toEqual(
      days.map((d) => [d, 'succeeded', 'columnar', 7]),
    );
    expect(failed).toBe(1);
    // One committed load per day: the other days were not loaded again by the retry.
    expect((await attempts()).sort()).toEqual(days);
    expect(pick(await storeDays('commit_fault'), days)).toEqual(
      pick(await sourceDays('small', days[0], days[2]), days),
    );
  });

  it('the same backfill run twice with force leaves exactly the rows of one load', async () => {
    const once = await snapshot('small_date');
    const again = await backfill(ctx, 'small_date', { from: SMALL_FROM, to: SMALL_TO, force: true });
    expect(again.days.every((d) => d.status === 'succeeded' && d.path === 'columnar')).toBe(true);
    const twice = await snapshot('small_date');
    const strip = (s: typeof once) => ({
      metrics: s.metrics,
      rejects: s.rejects.map((r) => ({ ...r, load_id: null })),
      ledger: s.ledger.map((e) => [e.date, e.status, e.rowsLoaded, e.rowsRejected, e.sourceRowCount]),
    });
    expect(strip(twice)).toEqual(strip(once));
    // The rejects and ledger rows are the new loads' only.
    const loadIds = new Map(again.days.map((d) => [d.day, d.loadId]));
    for (const r of twice.rejects as { d: string; load_id: string }[]) expect(r.load_id).toBe(loadIds.get(r.d));
    for (const e of twice.ledger) expect(e.loadId).toBe(loadIds.get(e.date));
    expect((await ctx.store.attempts({ ingestion: 'small_date' })).length).toBe(2 * SMALL_DAYS);
    expect(await storeDays('small_date')).toEqual(await sourceDays('small', SMALL_FROM, SMALL_TO));

    // And the days of several files.
    const files: number[] = [];
    const big = await backfill(
      { ...ctx, onProgress: (e) => e.kind === 'rows' && e.day === BIG_FROM && files.push(e.rows) },
      'big_in',
      { from: BIG_FROM, to: BIG_TO, force: true },
    );
    expect(big.days.map((d) => [d.status, d.rowsLoaded])).toEqual([
      ['succeeded', 255_000],
      ['succeeded', 30_000],
      ['succeeded', 15_000],
    ]);
    expect(files.length).toBeGreaterThanOrEqual(3);
    expect(files.reduce((a, b) => a + b)).toBe(255_000);
    await expectBigMatchesSource('big_in');
  });

  it('records per day the same source row count and fingerprint the connector computes for the day (rechecks compare them)', async () => {
    const connector = await ctx.connectors.get('src');
    const zone = zoneOrThrow(ctx.project.settings.timeZone);
    for (const name of ['fp_date', 'fp_text']) {
      const run = await backfill(ctx, name, { from: SMALL_FROM, to: SMALL_TO });
      expect(run.days.every((d) => d.status === 'succeeded' && d.path === 'columnar')).toBe(true);
      const mapping = ctx.project.mappings.get(name)!;
      const query = querySpec(mapping);
      const described = await connector.describe(query);
      const stats = await connector.dayStats(
        query,
        dayRange(SMALL_FROM, SMALL_TO).map((day) => dayFilter(mapping, described, day, zone)),
      );
      const ledger = await ctx.store.ledger({ ingestion: name });
      expect(ledger.every((e) => e.sourceFingerprint?.startsWith('postgres:'))).toBe(true);
      expect(new Set(ledger.map((e) => e.sourceFingerprint)).size).toBe(SMALL_DAYS);
      expect(ledger.map((e) => [e.date, e.sourceRowCount, e.sourceFingerprint])).toEqual(
        stats.map((s) => [s.day, s.rowCount, s.fingerprint]),
      );
    }
  });

  it("restores the store's threads setting after a columnar load (1 while it runs)", async () => {
    const threads = async () =>
      String((await ctx.store.query<{ t: unknown }>(`SELECT current_setting('threads') AS t`))[0].t);
    // A value the load would not land on by chance.
    await ctx.store.query('SET threads = 3');
    expect(await threads()).toBe('3');
    const during: Promise<string>[] = [];
    const run = await backfill({ ...ctx, onProgress: (e) => e.kind === 'rows' && during.push(threads()) }, 'big_in', {
      from: BIG_FROM,
      to: BIG_TO,
      force: true,
    });
    expect(run.days.every((d) => d.status === 'succeeded' && d.path === 'columnar')).toBe(true);
    // Asked while the first day still had files to load.
    expect(await during[0]).toBe('1');
    // The restore is queued after the last load ends.
    const deadline = Date.now() + 5000;
    while ((await threads()) !== '3' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await threads()).toBe('3');
    // Two groups loading at once (31 + 2 days): restored once both are done.
    const two = await backfill(ctx, 'small_date', { from: SMALL_FROM, to: SMALL_TO, force: true });
    expect(two.days.every((d) => d.status === 'succeeded' && d.path === 'columnar')).toBe(true);
    const deadline2 = Date.now() + 5000;
    while ((await threads()) !== '3' && Date.now() < deadline2) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await threads()).toBe('3');
    await ctx.store.query('RESET threads');
  });

  it('columnarGroupSize: a month for PostgreSQL → DuckDB metrics with a DATE or text day column; 1 with columnar off or a TIMESTAMP day column', async () => {
    expect(COLUMNAR_GROUP_DAYS).toBe(31);
    expect(await columnarGroupSize(ctx, 'small_date')).toBe(31);
    expect(await columnarGroupSize(ctx, 'small_text')).toBe(31);
    expect(await columnarGroupSize({ ...ctx, columnar: false }, 'small_date')).toBe(1);
    expect(await columnarGroupSize(ctx, 'small_ts')).toBe(1);
    // The TIMESTAMP day column still loads each day on the columnar path, one export per day.
    const run = await backfill(ctx, 'small_ts', { from: SMALL_FROM, to: addDays(SMALL_FROM, 2) });
    expect(run.days.map((d) => [d.status, d.path, d.rowsRead])).toEqual(
      [0, 1, 2].map(() => ['succeeded', 'columnar', 8]),
    );
    expect(await storeDays('small_ts')).toEqual(await sourceDays('small', SMALL_FROM, addDays(SMALL_FROM, 2)));
  });
});
