/**
 * A DuckDB source whose mapping SQL reads a CSV file (`read_csv`): each open stream pins the
 * CSV reader's 30.5 MiB buffer, so under the source's starting cap of 64 MB such days failed,
 * two loads at once or even one. The cap grows as the reads need it, so every day loads, two
 * or four at a time on the row path, with no retry to hide a failure. A cap set by the variable stays
 * as set: what runs out of it fails the day with an error naming the variable. The reference
 * for the stored rows is the source's construction: 50 units on each day.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MetricsMapping } from '../../framework/config/types.js';
import { backfill } from '../../framework/engine/backfill.js';
import type { EngineContext } from '../../framework/engine/types.js';
import type { Store } from '../../framework/store/types.js';
import {
  engineContext,
  freshStore,
  loadedMapping,
  makeProject,
  seededSource,
  tempDir,
} from '../support/engine-fixture.js';

const FROM = '2026-10-01';
const TO = '2026-10-08';
const UNITS = 50;
const DAYS = 8;

const mapping: MetricsMapping = {
  name: 'gated',
  dataset: 'metrics',
  source: 'src',
  sql: './gated.sql',
  schedule: 'daily',
  startDate: FROM,
  columns: { unit_id: 'u', id_type: { constant: 'user_id' }, date: 'd', metric_name: 'name', metric_value: 'v' },
};

/** A store and a row-path context over a source whose SQL reads a gate CSV (the last day it may return). */
async function gatedDays(): Promise<{ ctx: EngineContext; store: Store }> {
  const dir = tempDir();
  const gate = join(dir, 'gate.csv');
  writeFileSync(gate, `d\n${TO}\n`);
  const source = await seededSource('duckdb', [
    `CREATE TABLE m AS SELECT 'u' || (i % ${UNITS}) AS u, DATE '${FROM}' + CAST(i // ${UNITS} AS INTEGER) AS d,
       'x' AS name, i AS v FROM range(${UNITS * DAYS}) r(i)`,
  ]);
  const sql = `SELECT u, d, name, v FROM m WHERE d <= (SELECT MAX(d) FROM read_csv('${gate}', columns = {'d': 'DATE'}, header = true))`;
  const store = await freshStore('duckdb');
  const project = makeProject(dir, [source], [loadedMapping(mapping, sql)]);
  return { ctx: { ...engineContext(project, store), columnar: false, retry: { attempts: 1, baseDelayMs: 1 } }, store };
}

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

describe('a DuckDB source whose SQL reads a CSV', () => {
  it('loads every day, two at a time on the row path, without a retry', async () => {
    const { ctx, store } = await gatedDays();
    try {
      const result = await backfill(ctx, 'gated', { from: FROM, to: TO, concurrency: 2 });
      expect(result.days.map((d) => [d.day, d.status, d.errorMessage])).toEqual(
        result.days.map((d) => [d.day, 'succeeded', null]),
      );
      expect(result.days).toHaveLength(DAYS);
      const stored = await store.query<{ d: string; n: bigint }>(
        `SELECT CAST("date" AS VARCHAR) AS d, count(DISTINCT unit_id) AS n FROM metrics WHERE ingestion = 'gated' GROUP BY ALL ORDER BY d`,
      );
      expect(stored.map((r) => [r.d, Number(r.n)])).toEqual(result.days.map((d) => [d.day, UNITS]));
    } finally {
      await ctx.connectors.closeAll();
      await store.close();
    }
  }, 60_000);

  // Four streams at once fill the cap while it grows: raising it then needs memory itself, and
  // without waiting for the reads to free some, about one day in seventy failed (12 of 864
  // days over nine runs of ten backfills, 0 of 960 with the wait). Four backfills of the eight
  // days here: at that rate, about one run in three fails without the wait.
  it('loads every day four at a time, four times over, without a retry', async () => {
    for (let run = 0; run < 4; run++) {
      const { ctx, store } = await gatedDays();
      try {
        const result = await backfill(ctx, 'gated', { from: FROM, to: TO, concurrency: 4 });
        expect(result.days.filter((d) => d.status !== 'succeeded').map((d) => [d.day, d.errorMessage])).toEqual([]);
      } finally {
        await ctx.connectors.closeAll();
        await store.close();
      }
    }
  }, 120_000);

  it('with the cap set by WHARF_SOURCE_DUCKDB_MEMORY_LIMIT, fails the day naming the variable and keeps no row', async () => {
    vi.stubEnv('WHARF_SOURCE_DUCKDB_MEMORY_LIMIT', '64MB');
    vi.resetModules();
    // Imported again, so the source reads the variable as a process started with it would.
    const fresh = (await import('../../framework/engine/backfill.js')).backfill;
    const { ctx, store } = await gatedDays();
    try {
      const result = await fresh(ctx, 'gated', { from: FROM, to: FROM });
      const [day] = result.days;
      expect(day.status).toBe('failed');
      expect(day.errorClass).toBe('query');
      expect(day.errorMessage).toMatch(
        /^duckdb source 'src', mapping 'gated' \(mappings\/gated\.sql\): the query failed: it ran out of the source's DuckDB memory cap \(64MB, set by WHARF_SOURCE_DUCKDB_MEMORY_LIMIT\)/,
      );
      expect(day.errorMessage).not.toContain('SET memory_limit');
      const [{ n }] = await store.query<{ n: bigint }>(`SELECT count(*) AS n FROM metrics`);
      expect(Number(n)).toBe(0);
    } finally {
      await ctx.connectors.closeAll();
      await store.close();
    }
  }, 60_000);
});
