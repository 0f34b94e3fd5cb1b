/**
 * A columnar backfill into the PostgreSQL store: each day of a group holds a pooled client
 * until the group ends, so groups are cut to the store's limit, shared by the groups loading
 * at once; twelve days at concurrency 2 and 1 (more day loads than the pool has clients) load
 * every day exactly, none waiting forever.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricsMapping } from '../../framework/config/types.js';
import { backfill } from '../../framework/engine/backfill.js';
import { columnarGroupSize } from '../../framework/engine/ingest-day.js';
import type { EngineContext } from '../../framework/engine/types.js';
import { addDays } from '../../framework/util/time.js';
import {
  engineContext,
  freshStore,
  loadedMapping,
  makeProject,
  seededSource,
  tempDir,
} from '../support/engine-fixture.js';

const FROM = '2026-04-01';
const DAYS = 12;
const mapping: MetricsMapping = {
  name: 'm',
  dataset: 'metrics',
  source: 'src',
  sql: './m.sql',
  schedule: 'daily',
  startDate: FROM,
  columns: { unit_id: 'unit_id', id_type: 'id_type', date: 'ds', metric_name: 'metric', metric_value: 'value' },
};

describe('columnar backfill into the PostgreSQL store', () => {
  let ctx: EngineContext;

  beforeAll(async () => {
    const source = await seededSource('postgres', [
      'CREATE TABLE t (unit_id TEXT, id_type TEXT, ds DATE, metric TEXT, value DOUBLE PRECISION)',
      // Day d (0-based) holds d + 1 rows, interleaved.
      `INSERT INTO t SELECT 'u' || i || '_' || d, 'user_id', DATE '${FROM}' + d, 'revenue', i * 0.5
         FROM generate_series(0, ${DAYS - 1}) d, generate_series(0, ${DAYS - 1}) i WHERE i <= d`,
    ]);
    ctx = engineContext(
      makeProject(tempDir(), [source], [loadedMapping(mapping, 'SELECT * FROM t')]),
      await freshStore('postgres'),
    );
  });
  afterAll(async () => {
    await ctx.connectors.closeAll();
    await ctx.store.close();
  });

  it('loads every day of a long backfill at concurrency 2, in groups the pool can hold', async () => {
    const group = await columnarGroupSize(ctx, 'm', 2);
    expect(group).toBeGreaterThan(1);
    expect(group * 2).toBeLessThan(8);
    // Alone, a group may hold more of the pool.
    expect(await columnarGroupSize(ctx, 'm', 1)).toBe(2 * group);
    const run = await backfill(ctx, 'm', { from: FROM, to: addDays(FROM, DAYS - 1), concurrency: 2 });
    expect(run.days.map((d) => [d.day, d.status, d.path, d.rowsLoaded])).toEqual(
      Array.from({ length: DAYS }, (_, d) => [addDays(FROM, d), 'succeeded', 'columnar', d + 1]),
    );
    const counts = await ctx.store.query<{ d: string; n: string }>(
      `SELECT CAST("date" AS VARCHAR) AS d, count(*) AS n FROM metrics GROUP BY 1 ORDER BY 1`,
    );
    expect(counts.map((r) => Number(r.n))).toEqual(Array.from({ length: DAYS }, (_, d) => d + 1));
  });

  it('loads them again at concurrency 1, in groups of twice the size', async () => {
    const run = await backfill(ctx, 'm', { from: FROM, to: addDays(FROM, DAYS - 1), concurrency: 1, force: true });
    expect(run.days.map((d) => [d.day, d.status, d.path, d.rowsLoaded])).toEqual(
      Array.from({ length: DAYS }, (_, d) => [addDays(FROM, d), 'succeeded', 'columnar', d + 1]),
    );
  });
});
