/**
 * The columnar metrics path against the row path: the same messy PostgreSQL day loaded both
 * ways into two stores (DuckDB, and PostgreSQL) must leave identical metrics, rejects (row, column, rule,
 * reason), ledger counts and reject examples. The day holds every metrics rule, values the
 * vectorized checks hand back to the row path (odd number text, multibyte names), a ratio
 * metric revealed before and after its value-only rows, and text that needs CSV quoting or
 * escapes in COPY's text format. The same day is also read as a `redshift` source (the same
 * server: Redshift speaks its protocol), whose bulk export is a plain query's rows, not COPY.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricsMapping, SourceConfig } from '../../framework/config/types.js';
import { closeBothPaths } from '../support/both-paths.js';
import { ingestDay } from '../../framework/engine/ingest-day.js';
import type { DayResult, EngineContext } from '../../framework/engine/types.js';
import {
  engineContext,
  freshStore,
  loadedMapping,
  makeProject,
  seededSource,
  tempDir,
} from '../support/engine-fixture.js';
import { comparable, contents, DAY, mappings, SQL, statements } from '../support/messy-metrics-day.js';

/** Fails while the rows stream (division by zero) once `ctl` is emptied. */
const fragile: MetricsMapping = { ...mappings[0], name: 'fragile_in', sql: './f.sql' };
const FRAGILE_SQL = 'SELECT m.* FROM messy_text m WHERE 1 / (SELECT count(*) FROM ctl) > 0 ORDER BY seq';
/** Unit ids of PostgreSQL's UUID type (as text in upper case or braces, which it writes canonical), one NULL. */
const uuidUnits: MetricsMapping = { ...mappings[1], name: 'uuid_in', sql: './u.sql' };
/**
 * Text-valued types pg hands over as their text: unit ids of type inet (one NULL), id types of
 * an enum type (one label not an id type, one NULL), metric names of type time.
 */
const textTypes: MetricsMapping = { ...mappings[1], name: 'text_types_in', sql: './x.sql' };
const LOADED = [...mappings.map((m) => m.name), uuidUnits.name, textTypes.name];
const ENUM_TYPE = `CREATE TYPE id_kind AS ENUM ('user_id', 'stable id', 'company_id')`;
const TEXT_TYPES_SQL = `SELECT seq, CASE WHEN seq % 5 > 0 THEN inet '10.0.0.0' + seq END AS unit_id,
    CAST(CASE seq % 4 WHEN 0 THEN 'user_id' WHEN 1 THEN 'stable id' WHEN 3 THEN 'company_id' END AS id_kind) AS id_type,
    ds, time '00:00:00' + seq * interval '61.5 seconds' AS metric, value, num, den FROM messy_typed ORDER BY seq`;
const UUID_SQL = `SELECT seq, CASE seq % 3 WHEN 0 THEN CAST(upper(md5(metric || seq)) AS UUID)
    WHEN 1 THEN CAST('{' || md5(metric || seq) || '}' AS UUID) ELSE CAST(md5(metric) AS UUID) END AS unit_id,
    id_type, ds, metric, value, num, den FROM messy_typed UNION ALL
  SELECT 1000, NULL, 'user_id', ds, 'm', 1, NULL, NULL FROM messy_typed WHERE seq = 0 ORDER BY seq`;

const CASES = [
  ['postgres', 'duckdb'],
  ['postgres', 'postgres'],
  ['redshift', 'duckdb'],
] as const;

describe.each(CASES)('columnar metrics path vs row path (%s source → %s store)', (sourceKind, storeKind) => {
  const contexts: Record<'columnar' | 'rows', EngineContext> = {} as never;
  let source: SourceConfig;

  beforeAll(async () => {
    source = { ...(await seededSource('postgres', [...statements(), ENUM_TYPE])), kind: sourceKind } as SourceConfig;
    for (const path of ['columnar', 'rows'] as const) {
      const project = makeProject(
        tempDir(),
        [source],
        [
          ...mappings.map((m, i) => loadedMapping(m, SQL[i], 1)),
          loadedMapping(fragile, FRAGILE_SQL, 1),
          loadedMapping(uuidUnits, UUID_SQL, 1),
          loadedMapping(textTypes, TEXT_TYPES_SQL, 1),
        ],
      );
      contexts[path] = { ...engineContext(project, await freshStore(storeKind)), columnar: path === 'columnar' };
    }
  });
  afterAll(() => closeBothPaths(contexts));

  it.each(LOADED)('%s: identical store contents, rejects, counts and examples', async (name) => {
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
    if (name === textTypes.name) {
      // PostgreSQL's own text of the inet and time values, as stored from both paths.
      const stored = rows.metrics as { unit_id: string; metric_name: string }[];
      expect(stored.length).toBeGreaterThan(0);
      expect(stored.filter((m) => !/^10\.0\.\d+\.\d+$/.test(m.unit_id))).toEqual([]);
      expect(stored.filter((m) => !/^\d\d:\d\d:\d\d(\.\d+)?$/.test(m.metric_name))).toEqual([]);
    }
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
    const ledger = async (ctx: EngineContext) =>
      (await ctx.store.ledger({ ingestion: 'typed_in', from: empty, to: empty })).map((e) => [
        e.status,
        e.sourceRowCount,
        e.sourceFingerprint,
      ]);
    expect(await ledger(contexts.columnar)).toEqual(await ledger(contexts.rows));
  });
});
