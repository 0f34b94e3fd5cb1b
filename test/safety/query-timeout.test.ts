/**
 * Every source query runs under a timeout and is cancelled in the warehouse when it fires:
 * a PostgreSQL query that would sleep for ten minutes, with `queryTimeout: '1s'` in the
 * mapping module (through the CLI), and a long DuckDB scan with a small timeout. The day
 * fails with `query.timeout`, and nothing keeps running in the warehouse.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricsMapping } from '../../framework/config/types.js';
import { ingestDay } from '../../framework/engine/ingest-day.js';
import { cliProject, ingestIn } from '../support/cli-project.js';
import {
  engineContext,
  freshStore,
  loadedMapping,
  makeProject,
  seededSource,
  tempDir,
} from '../support/engine-fixture.js';

const DAY = '2026-10-05';
const mapping: MetricsMapping = {
  name: 'slow',
  dataset: 'metrics',
  source: 'src',
  sql: './slow.sql',
  schedule: 'daily',
  startDate: '2026-10-01',
  queryTimeout: '1s',
  columns: {
    unit_id: 'u',
    id_type: { constant: 'user_id' },
    date: 'd',
    metric_name: { constant: 'revenue' },
    metric_value: 'v',
  },
};

describe('query timeouts', () => {
  let sourceUrl: string;
  let source: pg.Client;

  beforeAll(async () => {
    const config = await seededSource('postgres', [
      'CREATE TABLE m (u text, d date, v double precision)',
      `INSERT INTO m VALUES ('u1', DATE '${DAY}', 1)`,
    ]);
    sourceUrl = process.env[(config as { url: { env: string } }).url.env] as string;
    source = new pg.Client({ connectionString: sourceUrl });
    await source.connect();
  });
  afterAll(async () => source.end());

  const sleeping = async () =>
    Number(
      (
        await source.query(
          `SELECT count(*) AS n FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%pg_sleep(600)%' AND pid <> pg_backend_pid()`,
        )
      ).rows[0].n,
    );

  it(
    'cancels a PostgreSQL query in the warehouse when the mapping queryTimeout fires, and fails the day',
    { timeout: 120_000 },
    async () => {
      const project = cliProject({
        store: `{ kind: 'duckdb', path: 'store.duckdb' }`,
        mapping,
        sql: 'SELECT u, d, v FROM m WHERE pg_sleep(600) IS NOT NULL',
        env: { SOURCE_URL: sourceUrl },
      });
      const r = await ingestIn(project, ['run', 'slow', '--date', DAY]);
      expect(r.code).toBe(1);
      expect(r.out).toContain(
        "The query of mapping 'slow' (mappings/slow.sql) ran longer than its queryTimeout (1s) and was cancelled in the warehouse.",
      );
      // The server cancelled the statements itself; the process has exited, so none may be left running.
      while ((await sleeping()) > 0) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await sleeping()).toBe(0);
    },
  );

  it('interrupts a DuckDB source query when the timeout fires', { timeout: 60_000 }, async () => {
    const duck = await seededSource('duckdb', ['CREATE TABLE seed (x INTEGER)']);
    const loaded = loadedMapping(
      { ...mapping, name: 'scan' },
      `SELECT CAST(i AS VARCHAR) AS u, DATE '${DAY}' AS d, 1.0 AS v FROM range(100000000000000) t(i) WHERE hash(i) = 7`,
    );
    loaded.queryTimeoutMs = 500;
    const ctx = engineContext(makeProject(tempDir(), [duck], [loaded]), await freshStore('duckdb'));
    try {
      const result = await ingestDay(ctx, 'scan', DAY);
      expect(result).toMatchObject({ status: 'failed', errorClass: 'query' });
      expect(result.errorMessage).toContain(
        "The query of mapping 'scan' (mappings/scan.sql) ran longer than its queryTimeout (500ms) and was cancelled in the warehouse.",
      );
    } finally {
      await ctx.connectors.closeAll();
      await ctx.store.close();
    }
  });
});
