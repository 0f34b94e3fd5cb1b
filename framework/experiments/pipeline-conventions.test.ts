import { afterEach, describe, expect, it } from 'vitest';
import { exact, normalTwoSidedP } from '../../test/experiments/high-precision.js';
import { percentileCont } from '../../test/experiments/reference.js';
import {
  insertEvents,
  insertMetrics,
  openDuckDBStore,
  openPostgresStore,
  type TestEvent,
  type TestMetric,
} from '../../test/support/experiment-store.js';
import type { ExperimentConfig } from '../config/types.js';
import type { StoreConnection } from '../store/types.js';
import { addDays } from '../util/time.js';
import { EXPERIMENT_STATE_TABLE } from './names.js';
import { runExperiment } from './pipeline.js';
import type { ResultRow } from './results-table.js';

const backends: Record<string, () => Promise<StoreConnection>> = {
  duckdb: openDuckDBStore,
  postgres: openPostgresStore,
};
const opened: StoreConnection[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
});
async function open(kind: string): Promise<StoreConnection> {
  const store = await backends[kind]();
  opened.push(store);
  return store;
}

const START = '2026-03-01';

function config(
  name: string,
  metrics: ExperimentConfig['metrics'],
  over: Partial<ExperimentConfig> = {},
): ExperimentConfig {
  return {
    name,
    exposure: { kind: 'events', ingestion: 'exp', eventName: 'exposure' },
    idType: 'user_id',
    groups: [
      { name: 'control', split: 0.5, control: true },
      { name: 'test', split: 0.5 },
    ],
    startDate: START,
    cuped: false,
    metrics,
    ...over,
  };
}

/** 200 units exposed on the first three days (alternating groups), in the exposure-only ingestion `exp`. */
function exposures(): TestEvent[] {
  return Array.from({ length: 200 }, (_, i) => {
    const day = addDays(START, i % 3);
    return {
      ingestion: 'exp',
      day,
      timestamp: `${day} 12:00:00`,
      event_name: 'exposure',
      event_value: i % 2 ? 'test' : 'control',
      event_metadata: null,
      user_id: `u${i}`,
    };
  });
}

describe.each(Object.keys(backends))('pipeline conventions on %s', (kind) => {
  it('a metric constant per unit has variance exactly 0 and no test, on every engine', async () => {
    const store = await open(kind);
    await insertEvents(store, exposures());
    // Every row of `price` is 3.7 (a mean metric: y = 3.7·x per unit, so the delta-method
    // variance is 0 exactly), with 1-3 rows per unit and day; `flat` sums to 0.1 per unit.
    const rows: TestMetric[] = [];
    for (let i = 0; i < 200; i++) {
      for (let d = 0; d < 6; d++) {
        const day = addDays(START, d);
        for (let k = 0; k <= (i + d) % 3; k++)
          rows.push({ ingestion: 'm', date: day, unit_id: `u${i}`, metric_name: 'price', metric_value: 3.7 });
      }
      rows.push({ ingestion: 'm', date: addDays(START, 2), unit_id: `u${i}`, metric_name: 'flat', metric_value: 0.1 });
    }
    await insertMetrics(store, rows);
    const metrics: ExperimentConfig['metrics'] = [
      { name: 'price', source: 'metrics', ingestion: 'm', aggregation: 'mean' },
      { name: 'flat', source: 'metrics', ingestion: 'm', aggregation: 'sum' },
    ];
    await runExperiment(store, { config: config('constant', metrics, { cuped: true }) }, { type: 'full' });
    const results = await store.query<ResultRow>(
      `SELECT * FROM constant_results_cumulative WHERE day = DATE '${addDays(START, 2)}' AND metric_name = 'price'`,
    );
    expect(results).toHaveLength(2);
    for (const r of results) {
      expect(Number(r.variance), r.group_name).toBe(0);
      expect(Number(r.std_error), r.group_name).toBe(0);
      expect(r.p_value, r.group_name).toBeNull();
      expect(Number(r.mean)).toBeCloseTo(3.7, 12);
    }
  });

  it('analyses through the last day of metric data (up to endDate), after enrollment has ended', async () => {
    const store = await open(kind);
    await insertEvents(store, exposures());
    // Metric data for 10 days; exposures stopped after day 3.
    const rows: TestMetric[] = [];
    for (let i = 0; i < 200; i++)
      for (let d = 0; d < 10; d++)
        rows.push({
          ingestion: 'm',
          date: addDays(START, d),
          unit_id: `u${i}`,
          metric_name: 'spend',
          metric_value: (i % 7) + d,
        });
    await insertMetrics(store, rows);
    const metrics: ExperimentConfig['metrics'] = [
      { name: 'spend', source: 'metrics', ingestion: 'm', aggregation: 'sum' },
    ];
    const open_ended = await runExperiment(store, { config: config('late', metrics) }, { type: 'full' });
    expect(open_ended.through).toBe(addDays(START, 9));
    // Cumulative mean of the control group on the last day, from the raw rows: each unit's
    // values from its exposure day on.
    const last = addDays(START, 9);
    const unitTotals = Array.from({ length: 200 }, (_, i) => i)
      .filter((i) => i % 2 === 0)
      .map((i) =>
        rows
          .filter((r) => r.unit_id === `u${i}` && r.date >= addDays(START, i % 3))
          .reduce((s, r) => s + (r.metric_value as number), 0),
      );
    const [control] = await store.query<ResultRow>(
      `SELECT * FROM late_results_cumulative WHERE day = DATE '${last}' AND group_name = 'control'`,
    );
    expect(Number(control.units)).toBe(100);
    expect(Number(control.mean)).toBeCloseTo(unitTotals.reduce((s, x) => s + x, 0) / unitTotals.length, 10);
    const capped = await runExperiment(
      store,
      { config: config('late_end', metrics, { endDate: addDays(START, 7) }) },
      { type: 'full' },
    );
    expect(capped.through).toBe(addDays(START, 7));
    // The same data with statisticalTest 'z': no degrees of freedom, the normal two-sided p-value.
    await runExperiment(store, { config: config('late_z', metrics, { statisticalTest: 'z' }) }, { type: 'full' });
    const z = await store.query<ResultRow>(
      `SELECT * FROM late_z_results_cumulative WHERE day = DATE '${last}' ORDER BY group_name`,
    );
    const [c, t] = z;
    expect(t.degrees_of_freedom).toBeNull();
    const se = Math.sqrt(Number(t.std_error) ** 2 + Number(c.std_error) ** 2);
    const expected = normalTwoSidedP(exact(Math.abs(Number(t.abs_lift) / se)));
    expect(Math.abs(Number(t.p_value) - expected) / expected).toBeLessThan(1e-9);
    expect(Number(t.abs_lift_ci_upper) - Number(t.abs_lift)).toBeCloseTo(1.959963984540054 * se, 10);
  });
});

describe.each(Object.keys(backends))('CUPED of a winsorized metric on %s', (kind) => {
  it('caps the pre-exposure covariate too, so one pre-period outlier does not swamp theta', async () => {
    const store = await open(kind);
    await insertEvents(store, exposures());
    const last = addDays(START, 5);
    const rows: TestMetric[] = [];
    for (let i = 0; i < 200; i++) {
      const base = 10 + ((i * 37) % 50);
      for (let d = -7; d <= 5; d++)
        rows.push({
          ingestion: 'm',
          date: addDays(START, d),
          unit_id: `u${i}`,
          metric_name: 'spend',
          metric_value: base + ((i * (d + 8)) % 5) + (d >= 0 && i % 2 ? 2 : 0),
        });
    }
    // One unit spent a million the day before its exposure.
    rows.push({ ingestion: 'm', date: addDays(START, -2), unit_id: 'u0', metric_name: 'spend', metric_value: 1e6 });
    await insertMetrics(store, rows);
    const metrics: ExperimentConfig['metrics'] = [
      { name: 'spend', source: 'metrics', ingestion: 'm', aggregation: 'sum', winsorize: { upper: 0.99 } },
    ];
    await runExperiment(
      store,
      { config: config('capcov', metrics, { cuped: { preExposureDays: 7 } }) },
      { type: 'full' },
    );
    // Reference: unit totals after exposure and over the 7 days before it, each capped at its own 99th percentile.
    const units = Array.from({ length: 200 }, (_, i) => {
      const exposed = addDays(START, i % 3);
      const mine = rows.filter((r) => r.unit_id === `u${i}`);
      const sum = (keep: (day: string) => boolean) =>
        mine.filter((r) => keep(r.date)).reduce((s, r) => s + (r.metric_value as number), 0);
      return { y: sum((d) => d >= exposed && d <= last), pre: sum((d) => d >= addDays(exposed, -7) && d < exposed) };
    });
    const yCap = percentileCont(
      units.map((u) => u.y),
      0.99,
    );
    const preCap = percentileCont(
      units.map((u) => u.pre),
      0.99,
    );
    const theta = (pairs: { y: number; pre: number }[]) => {
      const my = pairs.reduce((s, u) => s + u.y, 0) / pairs.length;
      const mp = pairs.reduce((s, u) => s + u.pre, 0) / pairs.length;
      return (
        pairs.reduce((s, u) => s + (u.y - my) * (u.pre - mp), 0) / pairs.reduce((s, u) => s + (u.pre - mp) ** 2, 0)
      );
    };
    const capped = theta(units.map((u) => ({ y: Math.min(u.y, yCap), pre: Math.min(u.pre, preCap) })));
    const uncapped = theta(units.map((u) => ({ y: Math.min(u.y, yCap), pre: u.pre })));
    expect(capped).toBeGreaterThan(0.5);
    expect(uncapped).toBeLessThan(0.01);
    const results = await store.query<ResultRow>(`SELECT * FROM capcov_results_cumulative WHERE day = DATE '${last}'`);
    expect(results).toHaveLength(2);
    for (const r of results) expect(Math.abs(Number(r.cuped_theta) - capped) / capped, r.group_name).toBeLessThan(1e-9);
  });
});

describe('artifacts from an earlier version of the statistics', () => {
  it('are restated by a full refresh when an incremental one is asked for', async () => {
    const store = await open('duckdb');
    await insertEvents(store, exposures());
    await insertMetrics(store, [{ ingestion: 'm', date: START, unit_id: 'u1', metric_name: 'spend', metric_value: 1 }]);
    const c = config('versioned', [{ name: 'spend', source: 'metrics', ingestion: 'm', aggregation: 'sum' }]);
    await runExperiment(store, { config: c }, { type: 'full' });
    expect((await runExperiment(store, { config: c }, { type: 'incremental' })).refresh).toBe('up-to-date');
    // The state as the previous version wrote it: the same config without a statistics version.
    const [state] = await store.query<{ config: string }>(
      `SELECT config FROM ${EXPERIMENT_STATE_TABLE} WHERE experiment = 'versioned'`,
    );
    const { statisticsVersion, ...old } = JSON.parse(state.config) as Record<string, unknown>;
    expect(statisticsVersion).toBeGreaterThan(1);
    await store.query(`UPDATE ${EXPERIMENT_STATE_TABLE} SET config = $1 WHERE experiment = 'versioned'`, [
      JSON.stringify(old),
    ]);
    const run = await runExperiment(store, { config: c }, { type: 'incremental' });
    expect(run.refresh).toBe('full');
    expect(run.note).toMatch(/earlier version of the statistics/);
  });
});
