/**
 * Failures mid-load, with the fault-injecting fake source, against both stores: a failure
 * after N rows leaves the previous version of the day and its ledger row; transient
 * failures are retried; an interrupted backfill, restarted, loads every day exactly once.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MetricsMapping } from '../../framework/config/types.js';
import { FakeConnector } from '../../framework/connectors/fake/connector.js';
import type { Row } from '../../framework/connectors/types.js';
import { backfill } from '../../framework/engine/backfill.js';
import { ingestDay } from '../../framework/engine/ingest-day.js';
import { summarizeIngestion } from '../../framework/engine/run-summary.js';
import type { EngineContext } from '../../framework/engine/types.js';
import { dayRange } from '../../framework/util/time.js';
import {
  engineContext,
  freshStore,
  loadedMapping,
  makeProject,
  tempDir,
  type StoreKind,
} from '../support/engine-fixture.js';

const mapping: MetricsMapping = {
  name: 'fake_metrics',
  dataset: 'metrics',
  source: 'fake',
  sql: './f.sql',
  schedule: 'daily',
  startDate: '2026-10-01',
  columns: {
    unit_id: 'u',
    id_type: { constant: 'user_id' },
    date: 'ds',
    metric_name: { constant: 'revenue' },
    metric_value: 'v',
  },
};

function rows(days: string[], perDay: number, value: number): Row[] {
  return days.flatMap((ds) => Array.from({ length: perDay }, (_, i) => ({ u: `u${i}`, ds, v: value })));
}

const columns = [
  { name: 'u', type: 'string' as const, nativeType: 'VARCHAR' },
  { name: 'ds', type: 'date' as const, nativeType: 'DATE' },
  { name: 'v', type: 'double' as const, nativeType: 'DOUBLE' },
];

describe.each(['duckdb', 'postgres'] as StoreKind[])('faults with a %s store', (storeKind) => {
  let ctx: EngineContext;
  let fake: FakeConnector;
  // The pool's opener hands out the fake, so the declared kind is never used to connect.
  const source = { kind: 'postgres' as const, name: 'fake' };

  async function setup(data: Row[]) {
    fake = new FakeConnector({ name: 'fake', columns, rows: data });
    ctx = engineContext(
      makeProject(tempDir(), [source], [loadedMapping(mapping, 'SELECT 1')]),
      await freshStore(storeKind),
      async () => fake,
    );
  }
  const values = async (day: string) =>
    (
      await ctx.store.query<{ v: number }>(`SELECT metric_value AS v FROM metrics WHERE "date" = CAST($1 AS DATE)`, [
        day,
      ])
    ).map((r) => r.v);

  beforeEach(async () => setup(rows(['2026-10-01'], 20, 1)));
  afterEach(async () => ctx.store.close());

  it('keeps the previous version and ledger row when the source fails after N rows', async () => {
    expect((await ingestDay(ctx, 'fake_metrics', '2026-10-01')).status).toBe('succeeded');
    const [ledgerBefore] = await ctx.store.ledger();
    fake.setRows(rows(['2026-10-01'], 25, 2));
    fake.setFaults({ failAfterRows: 15 });
    const failed = await ingestDay(ctx, 'fake_metrics', '2026-10-01');
    expect(failed).toMatchObject({ status: 'failed', errorClass: 'query' });
    expect(failed.errorMessage).toContain('injected failure after 15 rows');
    expect(await values('2026-10-01')).toEqual(Array(20).fill(1));
    expect(await ctx.store.ledger()).toEqual([ledgerBefore]);
    const attempts = await ctx.store.attempts();
    expect(attempts.map((a) => a.status)).toEqual(['succeeded', 'failed']);
  });

  it('records a failed day that never succeeded as failed', async () => {
    fake.setFaults({ failAfterRows: 3 });
    await ingestDay(ctx, 'fake_metrics', '2026-10-01');
    const [entry] = await ctx.store.ledger();
    expect(entry).toMatchObject({ status: 'failed', errorClass: 'query', rowsLoaded: 0 });
    expect(await values('2026-10-01')).toEqual([]);
    const summary = await summarizeIngestion(
      ctx.store,
      { mapping: 'fake_metrics', dataset: 'metrics', from: '2026-10-01', to: '2026-10-01' },
      [],
    );
    expect(summary.failures).toEqual([
      { day: '2026-10-01', errorClass: 'query', message: expect.stringContaining('injected failure after 3 rows') },
    ]);
  });

  it('retries transient failures and then loads the day once', async () => {
    fake.setFaults({ failAfterRows: 10, failures: 2, transient: true });
    const result = await ingestDay(ctx, 'fake_metrics', '2026-10-01');
    expect(result).toMatchObject({ status: 'succeeded', rowsLoaded: 20 });
    expect(fake.streams).toBe(3);
    expect(await values('2026-10-01')).toHaveLength(20);
  });

  it('loads every day exactly once when an interrupted backfill is restarted', async () => {
    const days = dayRange('2026-10-01', '2026-10-10');
    await setup(rows(days, 5, 3));
    const controller = new AbortController();
    let finished = 0;
    ctx.onProgress = (e) => {
      if (e.kind === 'day-finished' && ++finished === 4) controller.abort();
    };
    const first = await backfill(ctx, 'fake_metrics', {
      from: days[0],
      to: days.at(-1)!,
      concurrency: 2,
      signal: controller.signal,
    });
    const loadedFirst = first.days.filter((d) => d.status === 'succeeded').length;
    expect(loadedFirst).toBeGreaterThanOrEqual(4);
    expect(loadedFirst).toBeLessThan(days.length);
    ctx.onProgress = undefined;
    const second = await backfill(ctx, 'fake_metrics', { from: days[0], to: days.at(-1)!, concurrency: 2 });
    expect(second.days.filter((d) => d.status === 'skipped')).toHaveLength(loadedFirst);
    const attempts = await ctx.store.attempts();
    expect(attempts.map((a) => a.date).sort()).toEqual(days);
    const perDay = await ctx.store.query<{ d: string; n: number }>(
      `SELECT CAST("date" AS VARCHAR) AS d, count(*) AS n FROM metrics GROUP BY 1 ORDER BY 1`,
    );
    expect(perDay.map((r) => [r.d, Number(r.n)])).toEqual(days.map((d) => [d, 5]));
    const summary = await summarizeIngestion(
      ctx.store,
      { mapping: 'fake_metrics', dataset: 'metrics', from: days[0], to: days.at(-1)! },
      second.days,
    );
    expect(summary).toMatchObject({
      rowsLoaded: 50,
      rowsRejected: 0,
      rejects: [],
      days: { succeeded: 10, skipped: loadedFirst },
    });
  });

  it('with allowEmpty, records a day without rows as succeeded with no data, replacing what was there', async () => {
    await ingestDay(ctx, 'fake_metrics', '2026-10-01');
    fake.setRows([]);
    const result = await ingestDay({ ...ctx, allowEmpty: true }, 'fake_metrics', '2026-10-01');
    expect(result.status).toBe('no_data');
    expect(await values('2026-10-01')).toEqual([]);
  });
});
