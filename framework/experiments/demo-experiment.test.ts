import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import experiment from '../../experiments/checkout_button.js';
import { copyDemoIntoDuckDBStore, openDuckDBStore } from '../../test/support/experiment-store.js';
import type { StoreConnection } from '../store/types.js';
import { runExperiment } from './pipeline.js';
import { readExperimentResults } from './results.js';

describe('the demo checkout_button experiment over the demo warehouse', () => {
  let store: StoreConnection;
  beforeAll(async () => {
    store = await openDuckDBStore();
    await copyDemoIntoDuckDBStore(store);
  });
  afterAll(async () => store?.close());

  it('finds the planted revenue effect and no sessions effect, with a healthy split', async () => {
    const run = await runExperiment(store, { config: experiment }, { type: 'full' });
    expect(run.refresh).toBe('full');
    expect(run.through).toBe('2026-12-31');
    const results = await readExperimentResults(store, { config: experiment });
    const test = (metric: string) =>
      results.metrics.find((m) => m.metric === metric)!.groups.find((g) => g.group_name === 'test')!;
    // revenue: test ~8% higher by construction.
    expect(test('revenue').p_value!).toBeLessThan(0.001);
    expect(test('revenue').rel_lift!).toBeGreaterThan(0.06);
    expect(test('revenue').rel_lift!).toBeLessThan(0.1);
    expect(test('revenue').rel_lift_ci_lower!).toBeGreaterThan(0);
    // sessions: no effect; the interval covers zero.
    expect(test('sessions').significant).toBe(false);
    expect(test('sessions').rel_lift_ci_lower!).toBeLessThan(0);
    expect(test('sessions').rel_lift_ci_upper!).toBeGreaterThan(0);
    expect(test('checkout_conversion').units).toBeGreaterThan(900);
    // The sum metric is CUPED-adjusted (theta from the pre-exposure week) and winsorized.
    expect(test('revenue_total').cuped_theta).not.toBeNull();
    expect(test('revenue_total').winsorize_upper_cap).toBeGreaterThan(0);
    expect(test('revenue_total').p_value!).toBeLessThan(0.001);
    expect(results.health.srm.total).toBe(2000);
    expect(results.health.srm.mismatch).toBe(false);
  });
});
