import { afterEach, describe, expect, it } from 'vitest';
import { decimal, normalTwoSidedP } from '../../test/experiments/high-precision.js';
import { insertEvents, insertMetrics, openDuckDBStore, type TestEvent } from '../../test/support/experiment-store.js';
import type { ExperimentConfig } from '../config/types.js';
import type { StoreConnection } from '../store/types.js';
import { runExperiment } from './pipeline.js';
import { readExperimentResults } from './results.js';
import { sampleRatioMismatch } from './srm.js';

const fiftyFifty = [
  { name: 'control', split: 0.5 },
  { name: 'test', split: 0.5 },
];

describe('sample ratio mismatch', () => {
  it('flags 4,500/5,500 against an expected 50/50 and not 5,030/4,970', () => {
    const bad = sampleRatioMismatch({ control: 4500, test: 5500 }, fiftyFifty);
    expect(bad.chiSquared).toBeCloseTo(100, 10);
    expect(bad.pValue).toBeLessThan(1e-20);
    expect(bad.mismatch).toBe(true);
    const fine = sampleRatioMismatch({ control: 5030, test: 4970 }, fiftyFifty);
    expect(fine.chiSquared).toBeCloseTo(0.36, 10);
    // chi-squared with 1 degree of freedom: P(X > 0.36) = 2(1 − Φ(0.6)) = 0.548506...
    expect(fine.pValue).toBeCloseTo(0.5485062355, 8);
    expect(fine.mismatch).toBe(false);
  });

  it('keeps tiny p-values: the survival function, not 1 − cdf (which rounds to 0)', () => {
    // 4,500/5,500 of 10,000: χ² = 100 with 1 degree of freedom, P = 2·Q(10) = 1.5239706e-23.
    const bad = sampleRatioMismatch({ control: 4500, test: 5500 }, fiftyFifty);
    expect(Math.abs(bad.pValue - normalTwoSidedP(decimal('10'))) / normalTwoSidedP(decimal('10'))).toBeLessThan(1e-9);
    // 4,000/6,000 of 10,000 at 50/50: χ² = 400, P = 2·Q(20) ≈ 5.5e-89.
    const worse = sampleRatioMismatch({ control: 4000, test: 6000 }, fiftyFifty);
    expect(worse.chiSquared).toBeCloseTo(400, 9);
    expect(Math.abs(worse.pValue - normalTwoSidedP(decimal('20'))) / normalTwoSidedP(decimal('20'))).toBeLessThan(1e-9);
    // Three groups (2 degrees of freedom): P = exp(−χ²/2); 3,000/3,000/4,000 at equal thirds: χ² = 200.
    const three = sampleRatioMismatch({ a: 3000, b: 3000, c: 4000 }, [
      { name: 'a', split: 1 },
      { name: 'b', split: 1 },
      { name: 'c', split: 1 },
    ]);
    expect(three.chiSquared).toBeCloseTo(200, 9);
    expect(Math.abs(three.pValue - Math.exp(-three.chiSquared / 2)) / Math.exp(-three.chiSquared / 2)).toBeLessThan(
      1e-9,
    );
  });

  it('uses the expected split, not equal shares (percentages are normalized)', () => {
    const check = sampleRatioMismatch({ a: 2000, b: 8000 }, [
      { name: 'a', split: 20 },
      { name: 'b', split: 80 },
    ]);
    expect(check.chiSquared).toBe(0);
    expect(check.mismatch).toBe(false);
    expect(check.groups.map((g) => g.expectedShare)).toEqual([0.2, 0.8]);
  });

  describe('as the pipeline health check over 10,000 exposed units', () => {
    let store: StoreConnection | undefined;
    afterEach(async () => store?.close());

    const config: ExperimentConfig = {
      name: 'srm_check',
      exposure: { kind: 'events', ingestion: 'app', eventName: 'exposure' },
      idType: 'user_id',
      groups: [
        { name: 'control', split: 0.5, control: true },
        { name: 'test', split: 0.5 },
      ],
      startDate: '2026-03-01',
      metrics: [{ name: 'clicks', source: 'metrics', ingestion: 'm', aggregation: 'sum' }],
    };

    async function exposed(testShare: number): Promise<boolean> {
      store = await openDuckDBStore();
      const events: TestEvent[] = [];
      for (let i = 0; i < 10_000; i++) {
        const group = i < testShare * 10_000 ? 'test' : 'control';
        events.push({
          ingestion: 'app',
          day: '2026-03-01',
          timestamp: '2026-03-01 12:00:00',
          event_name: 'exposure',
          event_value: group,
          event_metadata: null,
          user_id: `u${i}`,
        });
      }
      await insertEvents(store, events);
      await insertMetrics(store, [
        { ingestion: 'm', date: '2026-03-01', unit_id: 'u1', metric_name: 'clicks', metric_value: 1 },
      ]);
      await runExperiment(store, { config }, { type: 'full' });
      const results = await readExperimentResults(store, { config });
      expect(results.health.srm.total).toBe(10_000);
      const mismatch = results.health.srm.mismatch;
      await store.close();
      store = undefined;
      return mismatch;
    }

    it('flags 45/55 and passes 50.3/49.7', async () => {
      expect(await exposed(0.55)).toBe(true);
      expect(await exposed(0.497)).toBe(false);
    });
  });
});
