import { afterEach, describe, expect, it } from 'vitest';
import {
  insertEvents,
  insertMetrics,
  openDuckDBStore,
  openPostgresStore,
  type TestEvent,
} from '../../test/support/experiment-store.js';
import type { ExperimentConfig } from '../config/types.js';
import type { StoreConnection } from '../store/types.js';
import { lastJobRun } from './job-history.js';
import { runExperiment } from './pipeline.js';
import { readExperimentResults } from './results.js';

const backends: Record<string, () => Promise<StoreConnection>> = {
  duckdb: openDuckDBStore,
  postgres: openPostgresStore,
};

const ev = (
  user: string,
  at: string,
  name: string,
  value: string | null = null,
  extra: Partial<TestEvent> = {},
): TestEvent => ({
  ingestion: 'app',
  day: at.slice(0, 10),
  timestamp: at,
  event_name: name,
  event_value: value,
  event_metadata: null,
  user_id: user,
  ...extra,
});

const groups = [
  { name: 'control', split: 1, control: true },
  { name: 'test', split: 1 },
];

describe.each(Object.keys(backends))('metric sources and exposure sources on %s', (kind) => {
  let store: StoreConnection | undefined;
  afterEach(async () => store?.close());

  it('event sums ignore non-numeric values; funnels count steps in order after exposure', async () => {
    store = await backends[kind]();
    await insertEvents(store, [
      ev('a', '2026-05-01 10:00:00', 'exposure', 'control'),
      ev('b', '2026-05-01 12:00:00', 'exposure', 'test'),
      ev('a', '2026-05-01 09:00:00', 'view'), // before exposure: not a funnel start
      ev('a', '2026-05-01 11:00:00', 'view'),
      ev('a', '2026-05-01 11:30:00', 'purchase', '12.5'),
      ev('a', '2026-05-02 11:30:00', 'purchase', 'abc'),
      ev('b', '2026-05-01 13:00:00', 'purchase', '3'), // before b's view: does not complete b's funnel
      ev('b', '2026-05-02 10:00:00', 'view'),
    ]);
    const config: ExperimentConfig = {
      name: 'src',
      exposure: { kind: 'events', ingestion: 'app', eventName: 'exposure' },
      idType: 'user_id',
      groups,
      startDate: '2026-05-01',
      metrics: [
        { name: 'spend', source: 'events', ingestion: 'app', eventName: 'purchase', aggregation: 'sum' },
        { name: 'view_to_purchase', source: 'funnel', ingestion: 'app', steps: ['view', 'purchase'] },
      ],
      cuped: false,
    };
    await runExperiment(store, { config }, { type: 'full' });
    const staging = await store.query<{
      metric_name: string;
      unit_id: string;
      day: string;
      numerator: number;
      denominator: number;
    }>(
      'SELECT metric_name, unit_id, day, numerator, denominator FROM src_user_level_aggregations ORDER BY metric_name, unit_id, day',
    );
    expect(staging).toEqual([
      { metric_name: 'spend', unit_id: 'a', day: '2026-05-01', numerator: 12.5, denominator: 1 },
      { metric_name: 'spend', unit_id: 'a', day: '2026-05-02', numerator: 0, denominator: 1 },
      { metric_name: 'spend', unit_id: 'b', day: '2026-05-01', numerator: 3, denominator: 1 },
      { metric_name: 'view_to_purchase', unit_id: 'a', day: '2026-05-01', numerator: 1, denominator: 1 },
      { metric_name: 'view_to_purchase', unit_id: 'b', day: '2026-05-02', numerator: 0, denominator: 1 },
    ]);
    const funnel = await store.query<{ unit_id: string; step: number; reached_at: Date }>(
      'SELECT unit_id, step, reached_at FROM src_funnel_events ORDER BY unit_id, step',
    );
    expect(funnel.map((r) => [r.unit_id, r.step, r.reached_at.toISOString()])).toEqual([
      ['a', 1, '2026-05-01T11:00:00.000Z'],
      ['a', 2, '2026-05-01T11:30:00.000Z'],
      ['b', 1, '2026-05-02T10:00:00.000Z'],
    ]);
  });

  it('exposures from a SQL file, a custom id type from customIDs, and excluded double exposures', async () => {
    store = await backends[kind]();
    await store.exec('CREATE TABLE assignments (device VARCHAR, variant VARCHAR, seen_at TIMESTAMP)');
    await store.exec(`INSERT INTO assignments VALUES ('d1', 'control', CAST('2026-05-01 10:00:00' AS TIMESTAMP)), ('d2', 'test', CAST('2026-05-01 11:00:00' AS TIMESTAMP)),
      ('d3', 'test', CAST('2026-05-01 11:00:00' AS TIMESTAMP)), ('d3', 'control', CAST('2026-05-01 15:00:00' AS TIMESTAMP)), ('d2', 'test', CAST('2026-05-01 09:00:00' AS TIMESTAMP))`);
    await insertEvents(store, [
      ev('u1', '2026-05-01 12:00:00', 'click', null, { custom_ids: { stable_id: 'd1' } }),
      ev('u1', '2026-05-01 12:05:00', 'click', null, { custom_ids: { stable_id: 'd1' } }),
      ev('u2', '2026-05-01 12:00:00', 'click', null, { custom_ids: { stable_id: 'd3' } }),
    ]);
    await insertMetrics(store, [
      {
        ingestion: 'm',
        date: '2026-05-01',
        unit_id: 'd2',
        id_type: 'stable_id',
        metric_name: 'minutes',
        metric_value: 7,
      },
      {
        ingestion: 'm',
        date: '2026-05-01',
        unit_id: 'd1',
        id_type: 'user_id',
        metric_name: 'minutes',
        metric_value: 99,
      },
    ]);
    const config: ExperimentConfig = {
      name: 'sqlexp',
      exposure: { kind: 'sql', sql: './assignments.sql' },
      idType: 'stable_id',
      groups,
      startDate: '2026-05-01',
      metrics: [
        { name: 'clicks', source: 'events', ingestion: 'app', eventName: 'click', aggregation: 'count' },
        { name: 'minutes', source: 'metrics', ingestion: 'm', aggregation: 'sum' },
      ],
      cuped: false,
    };
    const sql =
      "SELECT device AS unit_id, variant AS group_name, seen_at AS exposure_time, CAST(seen_at - INTERVAL '8 hours' AS DATE) AS exposure_day FROM assignments;";
    const run = await runExperiment(store, { config, exposureSqlText: sql }, { type: 'full' });
    expect(run.through).toBe('2026-05-01');
    const exposures = await store.query<{
      unit_id: string;
      group_name: string;
      exposure_count: number;
      multiple_groups: boolean;
    }>('SELECT unit_id, group_name, exposure_count, multiple_groups FROM sqlexp_first_exposures ORDER BY unit_id');
    expect(exposures).toEqual([
      { unit_id: 'd1', group_name: 'control', exposure_count: 1, multiple_groups: false },
      { unit_id: 'd2', group_name: 'test', exposure_count: 2, multiple_groups: false },
      { unit_id: 'd3', group_name: 'test', exposure_count: 2, multiple_groups: true },
    ]);
    const staging = await store.query<{ metric_name: string; unit_id: string; numerator: number }>(
      'SELECT metric_name, unit_id, numerator FROM sqlexp_user_level_aggregations ORDER BY metric_name, unit_id',
    );
    // d3 is excluded (two groups); the user_id-typed metric row of d1 does not count for stable_id.
    expect(staging).toEqual([
      { metric_name: 'clicks', unit_id: 'd1', numerator: 2 },
      { metric_name: 'minutes', unit_id: 'd2', numerator: 7 },
    ]);
  });

  it('a failed run leaves the previous artifacts untouched and records the failed step', async () => {
    store = await backends[kind]();
    await store.exec('CREATE TABLE assignments (device VARCHAR, variant VARCHAR, seen_at TIMESTAMP)');
    await store.exec(
      `INSERT INTO assignments VALUES ('d1', 'control', CAST('2026-05-01 10:00:00' AS TIMESTAMP)), ('d2', 'test', CAST('2026-05-01 11:00:00' AS TIMESTAMP))`,
    );
    await insertMetrics(store, [
      {
        ingestion: 'm',
        date: '2026-05-01',
        unit_id: 'd2',
        id_type: 'stable_id',
        metric_name: 'minutes',
        metric_value: 7,
      },
    ]);
    const config: ExperimentConfig = {
      name: 'fails',
      exposure: { kind: 'sql', sql: './assignments.sql' },
      idType: 'stable_id',
      groups,
      startDate: '2026-05-01',
      metrics: [{ name: 'minutes', source: 'metrics', ingestion: 'm', aggregation: 'sum' }],
      cuped: false,
    };
    const good =
      "SELECT device AS unit_id, variant AS group_name, seen_at AS exposure_time, DATE '2026-05-01' AS exposure_day FROM assignments";
    await runExperiment(store, { config, exposureSqlText: good }, { type: 'full' });
    const before = await store.query('SELECT * FROM fails_results_cumulative ORDER BY group_name');
    expect(before).toHaveLength(2);
    const bad = 'SELECT no_such_column AS unit_id FROM assignments';
    await expect(runExperiment(store, { config, exposureSqlText: bad }, { type: 'full' })).rejects.toThrow(
      /Experiment 'fails', step 'first exposures' failed/,
    );
    expect(await store.query('SELECT * FROM fails_results_cumulative ORDER BY group_name')).toEqual(before);
    const history = await lastJobRun(store, 'fails');
    expect(history?.steps.map((s) => [s.step, s.status])).toEqual([
      ['plan (full 2026-05-01 → 2026-05-01)', 'succeeded'],
      ['reset artifact tables', 'succeeded'],
      ['first exposures', 'failed'],
    ]);
    expect(history?.steps[2].error).toMatch(/no_such_column/);
  });

  it('compares every test group with the control when there are three groups', async () => {
    store = await backends[kind]();
    const events: TestEvent[] = [];
    const metrics = [];
    for (let i = 0; i < 30; i++) {
      const group = ['control', 'b', 'c'][i % 3];
      events.push(ev(`u${i}`, '2026-05-01 10:00:00', 'exposure', group));
      metrics.push({
        ingestion: 'm',
        date: '2026-05-01',
        unit_id: `u${i}`,
        metric_name: 'score',
        metric_value: (i % 7) + (group === 'c' ? 5 : 0),
      });
    }
    await insertEvents(store, events);
    await insertMetrics(store, metrics);
    const config: ExperimentConfig = {
      name: 'three',
      exposure: { kind: 'events', ingestion: 'app', eventName: 'exposure' },
      idType: 'user_id',
      groups: [
        { name: 'control', split: 1, control: true },
        { name: 'b', split: 1 },
        { name: 'c', split: 1 },
      ],
      startDate: '2026-05-01',
      metrics: [{ name: 'score', source: 'metrics', ingestion: 'm', aggregation: 'sum' }],
      cuped: false,
    };
    await runExperiment(store, { config }, { type: 'full' });
    const rows = await store.query<{
      group_name: string;
      is_control: boolean;
      mean: number;
      control_mean: number;
      abs_lift: number | null;
    }>('SELECT group_name, is_control, mean, control_mean, abs_lift FROM three_results_cumulative ORDER BY group_name');
    expect(rows.map((r) => [r.group_name, r.is_control])).toEqual([
      ['b', false],
      ['c', false],
      ['control', true],
    ]);
    const control = rows.find((r) => r.is_control)!;
    for (const r of rows.filter((x) => !x.is_control)) {
      expect(r.control_mean).toBe(control.mean);
      expect(r.abs_lift).toBeCloseTo(r.mean - control.mean, 12);
    }
    expect(rows.find((r) => r.group_name === 'c')!.abs_lift!).toBeGreaterThan(3);
  });

  it('reading results of an experiment that never ran fails clearly and creates nothing', async () => {
    store = await backends[kind]();
    const config: ExperimentConfig = {
      name: 'never',
      exposure: { kind: 'events', ingestion: 'app', eventName: 'exposure' },
      idType: 'user_id',
      groups,
      startDate: '2026-05-01',
      metrics: [{ name: 'score', source: 'metrics', ingestion: 'm', aggregation: 'sum' }],
    };
    await expect(readExperimentResults(store, { config })).rejects.toThrow(/Experiment 'never' has no results yet/);
    const tables = await store.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name LIKE 'experiment%'",
    );
    expect(tables).toEqual([]);
  });
});
