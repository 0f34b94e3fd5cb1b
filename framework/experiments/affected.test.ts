import { describe, expect, it } from 'vitest';
import { syntheticExperiment } from '../../test/experiments/synthetic-config.js';
import { diffExperiment } from './affected.js';

describe('diffExperiment', () => {
  const base = syntheticExperiment('a');

  it('nothing for an unchanged config or a description/owner edit', () => {
    expect(diffExperiment(base, base)).toBeNull();
    expect(diffExperiment(base, { ...base, description: 'new words', owner: 'x@example.com' })).toBeNull();
  });

  it('a full refresh for exposure, group, date, CUPED, significance or test changes', () => {
    const changed = {
      ...base,
      endDate: '2026-02-01',
      cuped: false,
      groups: base.groups.map((g) => ({ ...g, split: g.control ? 40 : 60 })),
    };
    expect(diffExperiment(base, changed)).toEqual({
      experiment: 'a',
      refresh: 'full',
      metrics: [],
      reasons: ['cuped changed', 'endDate changed', 'groups changed'],
    });
    expect(diffExperiment(base, { ...base, significanceLevel: 0.01 })?.refresh).toBe('full');
    expect(diffExperiment(base, { ...base, statisticalTest: 'z' })).toEqual({
      experiment: 'a',
      refresh: 'full',
      metrics: [],
      reasons: ['statisticalTest changed'],
    });
    const exposure = { kind: 'sql' as const, sql: './exposures.sql' };
    expect(diffExperiment(base, { ...base, exposure })?.reasons).toEqual(['exposure changed']);
  });

  it('a metric refresh for metrics added, changed or removed, and nothing for reordering', () => {
    const metrics = base.metrics
      .filter((m) => m.name !== 'order_value')
      .map((m) => (m.name === 'spend' ? { ...m, winsorize: true } : m));
    metrics.push({ name: 'revenue', source: 'metrics', ingestion: 'm', aggregation: 'sum' });
    expect(diffExperiment(base, { ...base, metrics })).toEqual({
      experiment: 'a',
      refresh: 'metric',
      metrics: ['spend', 'revenue', 'order_value'],
      reasons: ['metric spend changed', 'metric revenue added', 'metric order_value removed'],
    });
    expect(diffExperiment(base, { ...base, metrics: [...base.metrics].reverse() })).toBeNull();
  });
});
