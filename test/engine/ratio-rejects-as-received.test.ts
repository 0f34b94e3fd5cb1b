/**
 * Rejects decided at the end of a day (value-only rows of a metric that turned out to be a
 * ratio) are stored exactly as the query returned them, like every other reject: every
 * column, the mapping's or not, under the query's names, with the query's values. The same
 * on the DuckDB and the PostgreSQL store, and on the row and the columnar path.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { MetricsMapping, SourceConfig } from '../../framework/config/types.js';
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
  type StoreKind,
} from '../support/engine-fixture.js';

const DAY = '2026-10-02';
const SQL = 'SELECT seq, uid, kind, d, m, v, num, den, note FROM day_rows ORDER BY seq';
const SEED = [
  'CREATE TABLE day_rows (seq INTEGER, uid TEXT, kind TEXT, d DATE, m TEXT, v DOUBLE PRECISION, num DOUBLE PRECISION, den DOUBLE PRECISION, note TEXT)',
  `INSERT INTO day_rows VALUES
    (1, 'u1', 'user_id', DATE '${DAY}', 'conv', 5, NULL, NULL, 'before the ratio row'),
    (2, 'u2', 'user_id', DATE '${DAY}', 'conv', NULL, 1, 2, 'the ratio row'),
    (3, 'u3', 'user_id', DATE '${DAY}', 'conv', 7.25, NULL, NULL, 'after it'),
    (4, 'u4', 'user_id', DATE '${DAY}', 'plain', 3, NULL, NULL, 'a value metric: kept'),
    (5, 'u5', 'user_id', DATE '${DAY}', 'plain', 'NaN', NULL, NULL, 'not a number')`,
];
const columns = {
  unit_id: 'uid',
  id_type: 'kind',
  date: 'd',
  metric_name: 'm',
  metric_value: 'v',
  numerator: 'num',
  denominator: 'den',
};
const mapping: MetricsMapping = {
  name: 'ratio_in',
  dataset: 'metrics',
  source: 'src',
  sql: './r.sql',
  schedule: 'daily',
  startDate: DAY,
  columns,
};

/** The rejected rows, written out by hand as the query returns them. */
const row = (seq: number, uid: string, m: string, v: number | string, note: string) => ({
  seq,
  uid,
  kind: 'user_id',
  d: DAY,
  m,
  v,
  num: null,
  den: null,
  note,
});
const EXPECTED = [
  ['denominator.null_in_ratio', row(1, 'u1', 'conv', 5, 'before the ratio row')],
  ['denominator.null_in_ratio', row(3, 'u3', 'conv', 7.25, 'after it')],
  ['metric_value.not_finite', row(5, 'u5', 'plain', 'NaN', 'not a number')],
];

const CASES: [StoreKind, SourceKind, 'rows' | 'columnar'][] = [
  ['duckdb', 'postgres', 'columnar'],
  ['duckdb', 'postgres', 'rows'],
  ['duckdb', 'duckdb', 'rows'],
  ['postgres', 'postgres', 'rows'],
];

describe('rejects decided at the end of a day are stored as received', () => {
  const contexts: EngineContext[] = [];
  const sources = new Map<SourceKind, Promise<SourceConfig>>();
  afterAll(async () => {
    for (const ctx of contexts) {
      await ctx.connectors.closeAll();
      await ctx.store.close();
    }
  });

  it.each(CASES)('%s store, %s source, %s path', async (storeKind, sourceKind, path) => {
    if (!sources.has(sourceKind)) sources.set(sourceKind, seededSource(sourceKind, SEED));
    const project = makeProject(tempDir(), [await sources.get(sourceKind)!], [loadedMapping(mapping, SQL, 1)]);
    const ctx: EngineContext = {
      ...engineContext(project, await freshStore(storeKind)),
      columnar: path === 'columnar',
    };
    contexts.push(ctx);
    const result = await ingestDay(ctx, 'ratio_in', DAY);
    expect(result).toMatchObject({ status: 'succeeded', path, rowsRead: 5, rowsLoaded: 2, rowsRejected: 3 });
    const rejects = await ctx.store.query<{ rule: string; row: string }>(
      `SELECT rule, "row" FROM rejects WHERE ingestion = 'ratio_in'`,
    );
    const stored = rejects.map((r) => [r.rule, JSON.parse(r.row)]).sort((a, b) => a[1].seq - b[1].seq);
    expect(stored).toEqual(EXPECTED);
    // Key order too: the row reads as the query returned it.
    for (const r of rejects)
      expect(Object.keys(JSON.parse(r.row))).toEqual(['seq', 'uid', 'kind', 'd', 'm', 'v', 'num', 'den', 'note']);
    const loaded = await ctx.store.query<{ unit_id: string }>(
      `SELECT unit_id FROM metrics WHERE ingestion = 'ratio_in' ORDER BY unit_id`,
    );
    expect(loaded.map((r) => r.unit_id)).toEqual(['u2', 'u4']);
  });
});
