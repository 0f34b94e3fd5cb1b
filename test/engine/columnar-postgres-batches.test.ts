/**
 * The PostgreSQL store's columnar metrics load sends each checked file's rows to PostgreSQL
 * while the export runs: a day of several files must still end exactly as on the row path —
 * ratio metrics revealed in a later file than their value-only rows (one of them first seen
 * only in that file), revealed in another order than first seen, value-only rows only the row
 * path's checks accept (sent at the end of the day), and rejects in both files.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricsMapping } from '../../framework/config/types.js';
import { ingestDay } from '../../framework/engine/ingest-day.js';
import { FIRST_FILE_ROWS } from '../../framework/engine/metrics-columnar.js';
import type { DayResult, EngineContext } from '../../framework/engine/types.js';
import {
  engineContext,
  freshStore,
  loadedMapping,
  makeProject,
  seededSource,
  tempDir,
} from '../support/engine-fixture.js';
import { comparable, contents } from '../support/messy-metrics-day.js';

const DAY = '2026-10-02';
const ROWS = 40_000;
/** Row i has seq 10 i; the ratio rows' seqs put them between, the first before every other. */
const SEED = [
  'CREATE TABLE many (seq INT, unit_id TEXT, id_type TEXT, ds DATE, metric TEXT, value TEXT, num DOUBLE PRECISION, den DOUBLE PRECISION)',
  `INSERT INTO many SELECT 10 * i, CASE WHEN i % 997 = 0 THEN NULL ELSE 'u' || i END, 'user_id', DATE '${DAY}',
     CASE WHEN i >= 31000 AND i % 4 = 3 THEN 'beta' ELSE (ARRAY['plain', 'early', 'late', 'zeta'])[1 + i % 4] END,
     CASE WHEN i % 1009 = 2 THEN ' 7 ' ELSE CAST(i * 0.25 AS TEXT) END, NULL, NULL
   FROM generate_series(0, ${ROWS - 1}) AS s(i)`,
  `INSERT INTO many VALUES (-1, 'r1', 'user_id', DATE '${DAY}', 'early', NULL, 1, 4),
     (300005, 'r2', 'user_id', DATE '${DAY}', 'zeta', NULL, 2, 5),
     (300015, 'r3', 'user_id', DATE '${DAY}', 'late', NULL, 3, 6),
     (390005, 'r4', 'user_id', DATE '${DAY}', 'beta', NULL, 4, 7)`,
];
const mapping: MetricsMapping = {
  name: 'many_in',
  dataset: 'metrics',
  source: 'src',
  sql: './m.sql',
  schedule: 'daily',
  startDate: DAY,
  columns: {
    unit_id: 'unit_id',
    id_type: 'id_type',
    date: 'ds',
    metric_name: 'metric',
    metric_value: 'value',
    numerator: 'num',
    denominator: 'den',
  },
};

describe('columnar metrics into the PostgreSQL store, a day of several files', () => {
  const contexts: Record<'columnar' | 'rows', EngineContext> = {} as never;

  beforeAll(async () => {
    const source = await seededSource('postgres', SEED);
    for (const path of ['columnar', 'rows'] as const) {
      const project = makeProject(tempDir(), [source], [loadedMapping(mapping, 'SELECT * FROM many ORDER BY seq', 1)]);
      const ctx = engineContext(project, await freshStore('postgres'));
      contexts[path] = { ...ctx, columnar: path === 'columnar', batchSize: 2000 };
    }
  }, 60_000);
  afterAll(async () => {
    for (const ctx of Object.values(contexts)) {
      await ctx.connectors.closeAll();
      await ctx.store.close();
    }
  });

  it('leaves the same metrics, rejects, counts and examples as the row path', async () => {
    expect(ROWS).toBeGreaterThan(2 * FIRST_FILE_ROWS);
    const results: Record<string, DayResult> = {};
    for (const path of ['columnar', 'rows'] as const) {
      results[path] = await ingestDay(contexts[path], 'many_in', DAY);
      expect(results[path]).toMatchObject({ status: 'succeeded', path });
    }
    // Every value-only row of the four ratio metrics is rejected, the plain ones load.
    expect(Object.keys(results.rows.rejectReasons).sort()).toEqual(['denominator.null_in_ratio', 'unit_id.missing']);
    expect(results.rows.rowsLoaded).toBeGreaterThan(ROWS / 5);
    expect(results.rows.rejectExamples['denominator.null_in_ratio']).toContain("'early'");
    expect(comparable(results.columnar)).toEqual(comparable(results.rows));
    expect(await contents(contexts.columnar, 'many_in')).toEqual(await contents(contexts.rows, 'many_in'));
  }, 120_000);
});
