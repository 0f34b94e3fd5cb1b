/**
 * The columnar metrics path against the row path: the same messy PostgreSQL day loaded both
 * ways into two DuckDB stores must leave identical metrics, rejects (row, column, rule,
 * reason), ledger counts and reject examples. The day holds every metrics rule, values the
 * vectorized checks hand back to the row path (odd number text, multibyte names), a ratio
 * metric revealed before and after its value-only rows, and text that needs CSV quoting or
 * escapes in COPY's text format.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricsMapping, SourceConfig } from '../../framework/config/types.js';
import { ingestDay } from '../../framework/engine/ingest-day.js';
import type { DayResult, EngineContext } from '../../framework/engine/types.js';
import { engineContext, freshStore, loadedMapping, makeProject, seededSource, tempDir } from '../support/engine-fixture.js';

const DAY = '2026-10-02';
const q = (v: string | null) => (v === null ? 'NULL' : `'${v.replace(/'/g, "''")}'`);

/** unit, id_type, date, metric, value, num, den — all as text. */
const TEXT_ROWS: (string | null)[][] = [
  ['u1', 'user_id', DAY, 'revenue', '1.5', null, null],
  ['u2', 'stable_id', `${DAY} 13:00:00`, 'revenue', '-2e3', null, null],
  [null, 'user_id', DAY, 'revenue', '1', null, null],
  ['', 'user_id', DAY, 'revenue', '1', null, null],
  ['u3', 'User_ID', DAY, 'revenue', '1', null, null],
  ['u4', null, DAY, 'revenue', '1', null, null],
  ['u5', '', DAY, 'revenue', '1', null, null],
  ['u6', 'user_id', DAY, null, '1', null, null],
  ['u7', 'user_id', DAY, '', '1', null, null],
  ['u8', 'user_id', DAY, 'm'.repeat(127), '1', null, null],
  ['u9', 'user_id', DAY, 'm'.repeat(128), '1', null, null],
  ['u10', 'user_id', DAY, 'é'.repeat(100), '1', null, null],
  ['u11', 'user_id', DAY, 'abc', 'abc', null, null],
  ['u12', 'user_id', DAY, 'abc', 'NaN', null, null],
  ['u13', 'user_id', DAY, 'abc', '1e400', null, null],
  ['u14', 'user_id', DAY, 'abc', ' 5 ', null, null],
  ['u15', 'user_id', DAY, 'abc', '+5', null, null],
  ['u16', 'user_id', DAY, 'abc', '0x10', null, null],
  ['u17', 'user_id', DAY, 'abc', '', null, null],
  ['u18', 'user_id', DAY, 'abc', null, null, null],
  ['u19', 'user_id', DAY, 'abc', null, null, '3'],
  ['u20', 'user_id', DAY, 'abc', '7', null, '3'],
  ['u21', 'user_id', DAY, 'late', '5', null, null],
  ['u22', 'user_id', DAY, 'late', '6', null, null],
  ['u23', 'user_id', DAY, 'late', null, '1', '2'],
  ['u24', 'user_id', DAY, 'late', '5', null, null],
  ['u25', 'user_id', DAY, 'late', null, '3', null],
  ['u26', 'user_id', DAY, 'early', null, '1', '4'],
  ['u27', 'user_id', DAY, 'early', '9', null, null],
  ['u,"28"\nx', 'user_id', DAY, 'quo"ted, name', '1', null, null],
  ['u29', 'user_id', DAY, 'other', '4', 'x', '2'],
  ['u30', 'user_id', DAY, 'other', '1', '2', 'Infinity'],
  // Escaped in COPY's text format: tab, backslash, carriage return, newline, and the text \N (not NULL).
  ['u\t31', 'user_id', DAY, 'back\\slash', '1', null, null],
  ['\\N', 'user_id', DAY, 'nul', '2', null, null],
  ['u32\r', 'user_id', DAY, 'cr\n', '3', null, null],
];

function statements(): string[] {
  const text = TEXT_ROWS.map((r, i) => `(${i}, ${r.map(q).join(', ')}, '{"k": [1, 2]}', ${i % 2 === 0}, 9007199254740993)`);
  const typed = TEXT_ROWS.filter((r) => r.slice(4).every((v) => v === null || (/^-?[0-9.e]+$/.test(v) && Number.isFinite(Number(v))))).map(
    (r, i) => `(${i}, ${q(r[0])}, ${q(r[1])}, DATE '${DAY}', ${q(r[3])}, ${r[4] ?? 'NULL'}, ${r[5] ?? 'NULL'}, ${r[6] ?? 'NULL'})`,
  );
  return [
    'CREATE TABLE messy_text (seq INT, unit_id TEXT, id_type TEXT, ds TEXT, metric TEXT, value TEXT, num TEXT, den TEXT, extra JSONB, flag BOOLEAN, big BIGINT)',
    `INSERT INTO messy_text VALUES ${text.join(',\n')}`,
    'CREATE TABLE messy_typed (seq INT, unit_id TEXT, id_type TEXT, ds DATE, metric TEXT, value DOUBLE PRECISION, num NUMERIC, den INT)',
    'CREATE TABLE ctl (on_ INT)',
    'INSERT INTO ctl VALUES (1)',
    `INSERT INTO messy_typed VALUES ${typed.join(',\n')}, (900, '42', 'user_id', DATE '${DAY}', 'n', 'NaN', 1, NULL), (901, 'u', 'user_id', DATE '${DAY}', 'n', 'Infinity', NULL, NULL)`,
  ];
}

const columns = { unit_id: 'unit_id', id_type: 'id_type', date: 'ds', metric_name: 'metric', metric_value: 'value', numerator: 'num', denominator: 'den' };
const mappings: MetricsMapping[] = [
  { name: 'text_in', dataset: 'metrics', source: 'src', sql: './t.sql', schedule: 'daily', startDate: DAY, columns },
  { name: 'typed_in', dataset: 'metrics', source: 'src', sql: './y.sql', schedule: 'daily', startDate: DAY, columns },
  { name: 'ratio_in', dataset: 'metrics', source: 'src', sql: './r.sql', schedule: 'daily', startDate: DAY, columns: { ...columns, metric_value: undefined, metric_name: { constant: 'fixed' } } },
];
const SQL = ['SELECT * FROM messy_text ORDER BY seq', 'SELECT * FROM messy_typed ORDER BY seq', 'SELECT * FROM messy_text ORDER BY seq'];
/** Fails while the rows stream (division by zero) once `ctl` is emptied. */
const fragile: MetricsMapping = { ...mappings[0], name: 'fragile_in', sql: './f.sql' };
const FRAGILE_SQL = 'SELECT m.* FROM messy_text m WHERE 1 / (SELECT count(*) FROM ctl) > 0 ORDER BY seq';

describe('columnar metrics path vs row path (PostgreSQL → DuckDB)', () => {
  const contexts: Record<'columnar' | 'rows', EngineContext> = {} as never;
  let source: SourceConfig;

  beforeAll(async () => {
    source = await seededSource('postgres', statements());
    for (const path of ['columnar', 'rows'] as const) {
      const project = makeProject(tempDir(), [source], [...mappings.map((m, i) => loadedMapping(m, SQL[i], 1)), loadedMapping(fragile, FRAGILE_SQL, 1)]);
      contexts[path] = { ...engineContext(project, await freshStore('duckdb')), columnar: path === 'columnar' };
    }
  });
  afterAll(async () => {
    for (const ctx of Object.values(contexts)) {
      await ctx.connectors.closeAll();
      await ctx.store.close();
    }
  });

  const contents = async (ctx: EngineContext, ingestion: string) => ({
    metrics: await ctx.store.query(
      `SELECT unit_id, id_type, CAST("date" AS VARCHAR) AS d, metric_name, metric_value, numerator, denominator FROM metrics WHERE ingestion = $1 ORDER BY ALL`,
      [ingestion],
    ),
    rejects: await ctx.store.query(`SELECT CAST("date" AS VARCHAR) AS d, "row", "column", rule, reason FROM rejects WHERE ingestion = $1 ORDER BY ALL`, [ingestion]),
    ledger: (await ctx.store.ledger({ ingestion })).map((e) => [e.status, e.rowsLoaded, e.rowsRejected, e.rejectReasons, e.sourceRowCount, e.sourceFingerprint]),
  });
  const comparable = (r: DayResult) => ({ ...r, durationMs: 0, loadId: null, path: null });

  it.each(mappings.map((m) => m.name))('%s: identical store contents, rejects, counts and examples', async (name) => {
    const results: Record<string, DayResult> = {};
    for (const path of ['columnar', 'rows'] as const) {
      results[path] = await ingestDay(contexts[path], name, DAY);
      expect(results[path].path).toBe(path);
      // Loading twice leaves the same contents as loading once.
      await ingestDay(contexts[path], name, DAY);
    }
    expect(results.rows.rowsRejected).toBeGreaterThan(0);
    expect(results.rows.rowsLoaded).toBeGreaterThan(0);
    expect(comparable(results.columnar)).toEqual(comparable(results.rows));
    expect(Object.keys(results.columnar.rejectExamples)).toEqual(Object.keys(results.rows.rejectExamples));
    const [columnar, rows] = [await contents(contexts.columnar, name), await contents(contexts.rows, name)];
    expect(columnar.rejects.length).toBe(results.rows.rowsRejected);
    expect(columnar).toEqual(rows);
  });

  it('keeps the previous version of a day when a columnar load fails (reject rate, query error)', async () => {
    const ctx = contexts.columnar;
    expect((await ingestDay(ctx, 'fragile_in', DAY)).status).toBe('succeeded');
    const before = await contents(ctx, 'fragile_in');
    const mapping = ctx.project.mappings.get('fragile_in')!;
    mapping.validation.maxRejectRate = 0.01;
    const overThreshold = await ingestDay(ctx, 'fragile_in', DAY);
    mapping.validation.maxRejectRate = 1;
    expect(overThreshold).toMatchObject({ status: 'failed', errorClass: 'validation', path: 'columnar' });
    expect(await contents(ctx, 'fragile_in')).toEqual(before);

    const client = new pg.Client({ connectionString: process.env[(source as { url: { env: string } }).url.env] });
    await client.connect();
    await client.query('DELETE FROM ctl');
    await client.end();
    const broken = await ingestDay({ ...ctx, retry: { attempts: 1, baseDelayMs: 1 } }, 'fragile_in', DAY);
    expect(broken).toMatchObject({ status: 'failed', errorClass: 'query' });
    expect(broken.errorMessage).toContain('division by zero');
    expect(await contents(ctx, 'fragile_in')).toEqual(before);
  });

  it('records an empty day as no_data on both paths, with the same ledger counts', async () => {
    const empty = '2026-10-03';
    for (const path of ['columnar', 'rows'] as const) {
      const result = await ingestDay(contexts[path], 'typed_in', empty);
      expect(result).toMatchObject({ status: 'no_data', rowsRead: 0, rowsLoaded: 0, sourceRowCount: 0, path });
    }
    const ledger = async (ctx: EngineContext) => (await ctx.store.ledger({ ingestion: 'typed_in', from: empty, to: empty })).map((e) => [e.status, e.sourceRowCount, e.sourceFingerprint]);
    expect(await ledger(contexts.columnar)).toEqual(await ledger(contexts.rows));
  });
});
