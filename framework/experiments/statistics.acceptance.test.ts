import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  percentileCont,
  referenceComparison,
  referenceExposures,
  type RefComparison,
  type RefMetric,
} from '../../test/experiments/reference.js';
import { REFERENCE_METRICS, syntheticExperiment } from '../../test/experiments/synthetic-config.js';
import { DAY_20, EXPERIMENT_START, syntheticData } from '../../test/experiments/synthetic.js';
import {
  insertEvents,
  insertMetrics,
  openDuckDBStore,
  openPostgresStore,
} from '../../test/support/experiment-store.js';
import type { StoreConnection } from '../store/types.js';
import { addDays } from '../util/time.js';
import { runExperiment } from './pipeline.js';
import type { ResultRow } from './results-table.js';

const data = syntheticData();
const units = referenceExposures(data, EXPERIMENT_START, DAY_20);

/** Equal to at least 7 significant digits (relative error under 1e-7, or both within 1e-12 of zero). */
function expectClose(actual: number | null, expected: number, what: string): void {
  expect(actual, what).not.toBeNull();
  const tolerance = Math.max(Math.abs(expected) * 1e-7, 1e-12);
  expect(Math.abs((actual as number) - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(tolerance);
}

function expectMatches(rows: ResultRow[], metric: string, ref: RefComparison): void {
  const control = rows.find((r) => r.metric_name === metric && r.group_name === 'control')!;
  const test = rows.find((r) => r.metric_name === metric && r.group_name === 'test')!;
  expect(control.units).toBe(ref.control.n);
  expect(test.units).toBe(ref.test.n);
  expectClose(control.mean, ref.control.mean, `${metric} control mean`);
  expectClose(test.mean, ref.test.mean, `${metric} test mean`);
  expectClose(test.variance, ref.test.variance, `${metric} test variance`);
  expectClose(control.variance, ref.control.variance, `${metric} control variance`);
  expectClose(test.abs_lift, ref.absLift, `${metric} abs lift`);
  expectClose(test.abs_lift_ci_lower, ref.absLower, `${metric} abs lift CI lower`);
  expectClose(test.abs_lift_ci_upper, ref.absUpper, `${metric} abs lift CI upper`);
  expectClose(test.rel_lift, ref.relLift, `${metric} rel lift`);
  expectClose(test.rel_lift_ci_lower, ref.relLower, `${metric} rel lift CI lower`);
  expectClose(test.rel_lift_ci_upper, ref.relUpper, `${metric} rel lift CI upper`);
  expectClose(test.p_value, ref.pValue, `${metric} p-value`);
  expectClose(test.rel_p_value, ref.relPValue, `${metric} relative p-value`);
}

const spendCapped = {
  name: 'spend_capped',
  source: 'metrics',
  ingestion: 'm',
  metricName: 'spend',
  aggregation: 'sum',
} as const;

const backends: Record<string, () => Promise<StoreConnection>> = {
  duckdb: openDuckDBStore,
  postgres: openPostgresStore,
};

describe.each(Object.entries(backends))('statistics on %s against an independent reference', (_name, open) => {
  let store: StoreConnection;
  beforeAll(async () => {
    store = await open();
    await insertEvents(store, data.events);
    await insertMetrics(store, data.metrics);
    await runExperiment(store, { config: syntheticExperiment() }, { type: 'full' });
    await runExperiment(store, { config: syntheticExperiment('synthetic_plain', { cuped: false }) }, { type: 'full' });
    await runExperiment(
      store,
      {
        config: syntheticExperiment('synthetic_nz', {
          metrics: [{ ...spendCapped, winsorize: { upper: 0.9, excludeZeros: true } }],
        }),
      },
      { type: 'full' },
    );
  });
  afterAll(async () => store?.close());

  const cumulative = (u: { day: string }): [string, string] | null => (u.day <= DAY_20 ? [u.day, DAY_20] : null);

  it.each(Object.keys(REFERENCE_METRICS))('cumulative %s: means, variances, lifts, CIs and p-value', async (metric) => {
    const rows = await store.query<ResultRow>(
      `SELECT * FROM synthetic_results_cumulative WHERE day = DATE '${DAY_20}'`,
    );
    expectMatches(rows, metric, referenceComparison(data, units, REFERENCE_METRICS[metric], cumulative));
  });

  it('a winsorized metric without CUPED, and the CUPED metric without it', async () => {
    const rows = await store.query<ResultRow>(
      `SELECT * FROM synthetic_plain_results_cumulative WHERE day = DATE '${DAY_20}'`,
    );
    const plain = (m: RefMetric): RefMetric => ({ ...m, cuped: false });
    expectMatches(
      rows,
      'spend_capped',
      referenceComparison(data, units, plain(REFERENCE_METRICS.spend_capped), cumulative),
    );
    expectMatches(rows, 'spend', referenceComparison(data, units, plain(REFERENCE_METRICS.spend), cumulative));
    const cuped = await store.query<ResultRow>(
      `SELECT * FROM synthetic_results_cumulative WHERE day = DATE '${DAY_20}' AND metric_name = 'spend' AND group_name = 'test'`,
    );
    const unadjusted = rows.find((r) => r.metric_name === 'spend' && r.group_name === 'test')!;
    // CUPED must reduce the variance of a metric correlated with its pre-exposure value.
    expect(cuped[0].variance!).toBeLessThan(unadjusted.variance!);
    // The same for a mean metric (CUPED on delta-method linearized values).
    const [meanCuped] = await store.query<ResultRow>(
      `SELECT * FROM synthetic_results_cumulative WHERE day = DATE '${DAY_20}' AND metric_name = 'order_value' AND group_name = 'test'`,
    );
    const meanPlain = rows.find((r) => r.metric_name === 'order_value' && r.group_name === 'test')!;
    expect(meanCuped.cuped_theta!).toBeGreaterThan(0);
    expect(meanCuped.variance!).toBeLessThan(meanPlain.variance!);
    expectMatches(
      rows,
      'order_value',
      referenceComparison(data, units, plain(REFERENCE_METRICS.order_value), cumulative),
    );
  });

  it('winsorization over non-zero values only, with the CUPED covariate capped at its own percentile', async () => {
    const day = '2026-01-20';
    const daily = (u: { day: string }): [string, string] | null => (u.day <= day ? [day, day] : null);
    const rows = await store.query<ResultRow>(`SELECT * FROM synthetic_nz_results_daily WHERE day = DATE '${day}'`);
    const ref = { ...REFERENCE_METRICS.spend_capped, winsorizeUpper: 0.9, winsorizeExcludeZeros: true };
    expectMatches(rows, 'spend_capped', referenceComparison(data, units, ref, daily));
    // The cap is the 90th percentile of the day's non-zero unit values (many units spend nothing on a day).
    const all = await store.query<{ y: number }>(
      `SELECT day_numerator AS y FROM windowed_metrics_synthetic_nz WHERE day = DATE '${day}' AND metric_name = 'spend_capped'`,
    );
    const nonZero = all.map((r) => Number(r.y)).filter((y) => y !== 0);
    expect(all.length - nonZero.length).toBeGreaterThan(100);
    expectClose(rows[0].winsorize_upper_cap, percentileCont(nonZero, 0.9), 'cap over non-zero values');
    expect(
      Math.abs(
        rows[0].winsorize_upper_cap! -
          percentileCont(
            all.map((r) => Number(r.y)),
            0.9,
          ),
      ),
    ).toBeGreaterThan(1);
  });

  it('the daily, 7-day and days-since-exposure rollups', async () => {
    const day = '2026-01-20';
    const daily = await store.query<ResultRow>(`SELECT * FROM synthetic_results_daily WHERE day = DATE '${day}'`);
    expectMatches(
      daily,
      'order_value',
      referenceComparison(data, units, REFERENCE_METRICS.order_value, (u) => (u.day <= day ? [day, day] : null)),
    );
    const week = await store.query<ResultRow>(`SELECT * FROM synthetic_results_7day WHERE day = DATE '${day}'`);
    const from = addDays(day, -6);
    expectMatches(
      week,
      'spend',
      referenceComparison(data, units, REFERENCE_METRICS.spend, (u) =>
        u.day <= day ? [u.day > from ? u.day : from, day] : null,
      ),
    );
    const dse = await store.query<ResultRow>(
      'SELECT * FROM synthetic_results_days_since_exposure WHERE days_since_exposure = 3',
    );
    expectMatches(
      dse,
      'conversion',
      referenceComparison(data, units, REFERENCE_METRICS.conversion, (u) =>
        addDays(u.day, 3) <= DAY_20 ? [addDays(u.day, 3), addDays(u.day, 3)] : null,
      ),
    );
  });
});
