/**
 * The parquet hand-over of a DuckDB source into the DuckDB store (ColumnarExport.parquetDays)
 * over several days at once: each day's rows reach their own day, a 5 MB metric_name is a
 * reject of its row and a 3 MB unit_id loads (no line limit as with text), a 64-bit integer
 * beyond 2^53 is read as its text reads, and a timestamp and an unmapped column travel as the
 * row path reads them — the same store contents as the row path.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { MetricsMapping } from '../../framework/config/types.js';
import { backfill } from '../../framework/engine/backfill.js';
import type { EngineContext } from '../../framework/engine/types.js';
import { DuckDBMetricsCsvLoad } from '../../framework/store/duckdb/metric-csv-load.js';
import {
  engineContext,
  freshStore,
  loadedMapping,
  makeProject,
  seededSource,
  tempDir,
} from '../support/engine-fixture.js';

const FROM = '2026-10-04';
const TO = '2026-10-06';
const mapping: MetricsMapping = {
  name: 'm',
  dataset: 'metrics',
  source: 'src',
  sql: './m.sql',
  schedule: 'daily',
  startDate: '2026-10-01',
  columns: { unit_id: 'u', id_type: { constant: 'user_id' }, date: 'd', metric_name: 'name', metric_value: 'v' },
};
const SQL = 'SELECT u, d, name, v, seen, big FROM m ORDER BY seq';

describe('parquet days from a DuckDB source into the DuckDB store', () => {
  const contexts: Record<'columnar' | 'rows', EngineContext> = {} as never;

  beforeAll(async () => {
    const source = await seededSource('duckdb', [
      `CREATE TABLE m (seq INT, u VARCHAR, d DATE, name VARCHAR, v BIGINT, seen TIMESTAMP, big HUGEINT)`,
      `INSERT INTO m SELECT i, 'u' || i, DATE '${FROM}' + CAST(i % 3 AS INTEGER), 'revenue', i,
         TIMESTAMP '2026-10-05 01:02:03.456789', CAST(i AS HUGEINT) * 1000000000000 FROM range(300) AS r(i)`,
      `INSERT INTO m VALUES (1000, 'huge-name', DATE '2026-10-05', repeat('x', 5 * 1024 * 1024), 1,
           TIMESTAMP '2026-10-05 01:02:03.456789', 170141183460469231731687303715884105727),
         (1001, repeat('u', 3 * 1024 * 1024), DATE '2026-10-05', 'revenue', 2, NULL, NULL),
         (1002, 'big', DATE '2026-10-06', 'revenue', 9007199254740993, NULL, NULL),
         (1003, 'tab' || chr(9) || 'bed', DATE '2026-10-06', 'revenue', 3, NULL, NULL)`,
    ]);
    for (const path of ['columnar', 'rows'] as const) {
      const project = makeProject(tempDir(), [source], [loadedMapping(mapping, SQL)]);
      contexts[path] = { ...engineContext(project, await freshStore('duckdb')), columnar: path === 'columnar' };
    }
  }, 60_000);
  afterAll(async () => {
    for (const ctx of Object.values(contexts)) {
      await ctx.connectors.closeAll();
      await ctx.store.close();
    }
  });

  it('loads each day as the row path does, huge values included', { timeout: 60_000 }, async () => {
    const parquet = vi.spyOn(DuckDBMetricsCsvLoad.prototype, 'appendParquet');
    const stored: Record<string, unknown> = {};
    for (const path of ['columnar', 'rows'] as const) {
      const run = await backfill(contexts[path], 'm', { from: FROM, to: TO });
      expect(run.days.map((d) => [d.day, d.status, d.path])).toEqual(
        [FROM, '2026-10-05', TO].map((day) => [day, 'succeeded', path]),
      );
      expect(run.days.map((d) => d.rowsLoaded)).toEqual([100, 101, 102]);
      stored[path] = {
        metrics: await contexts[path].store.query(
          `SELECT CAST("date" AS VARCHAR) AS d, unit_id, metric_name, metric_value FROM metrics ORDER BY 1, 2, 3, 4`,
        ),
        rejects: await contexts[path].store.query(`SELECT "date", "row", "column", rule, reason FROM rejects`),
      };
    }
    // Three days, one parquet file each, on the columnar run only.
    expect(parquet).toHaveBeenCalledTimes(3);
    parquet.mockRestore();
    expect(stored.columnar).toEqual(stored.rows);
    const { metrics, rejects } = stored.columnar as { metrics: { unit_id: string }[]; rejects: { rule: string }[] };
    expect(rejects.map((r) => r.rule)).toEqual(['metric_name.too_long']);
    expect(metrics.some((m) => m.unit_id.length === 3 * 1024 * 1024)).toBe(true);
    expect(metrics.some((m) => m.unit_id === 'tab\tbed')).toBe(true);
  });
});
