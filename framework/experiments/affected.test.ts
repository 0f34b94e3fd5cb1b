import { describe, expect, it } from 'vitest';
import { syntheticExperiment } from '../../test/experiments/synthetic-config.js';
import { experimentsAffectedBy } from './affected.js';

describe('experimentsAffectedBy', () => {
  const base = syntheticExperiment('a');
  const other = syntheticExperiment('b');

  it('nothing for an unchanged config or a description/owner edit', () => {
    expect(
      experimentsAffectedBy([base, other], [{ ...base, description: 'new words', owner: 'x@example.com' }, other]),
    ).toEqual([]);
  });

  it('a full refresh for a new experiment and for exposure, group, date, CUPED or significance changes', () => {
    expect(experimentsAffectedBy([base], [base, other])).toEqual([
      { experiment: 'b', refresh: 'full', metrics: [], reasons: ['new experiment'] },
    ]);
    const changed = {
      ...base,
      endDate: '2026-02-01',
      cuped: false,
      groups: base.groups.map((g) => ({ ...g, split: g.control ? 40 : 60 })),
    };
    expect(experimentsAffectedBy([base], [changed])).toEqual([
      {
        experiment: 'a',
        refresh: 'full',
        metrics: [],
        reasons: ['cuped changed', 'endDate changed', 'groups changed'],
      },
    ]);
    expect(experimentsAffectedBy([base], [{ ...base, significanceLevel: 0.01 }])[0].refresh).toBe('full');
    expect(experimentsAffectedBy([base], [{ ...base, statisticalTest: 'z' }])).toEqual([
      { experiment: 'a', refresh: 'full', metrics: [], reasons: ['statisticalTest changed'] },
    ]);
  });

  it('a metric refresh for metrics added, changed or removed, and nothing for reordering', () => {
    const metrics = base.metrics
      .filter((m) => m.name !== 'order_value')
      .map((m) => (m.name === 'spend' ? { ...m, winsorize: true } : m));
    metrics.push({ name: 'revenue', source: 'metrics', ingestion: 'm', aggregation: 'sum' });
    expect(experimentsAffectedBy([base], [{ ...base, metrics }])).toEqual([
      {
        experiment: 'a',
        refresh: 'metric',
        metrics: ['spend', 'revenue', 'order_value'],
        reasons: ['metric spend changed', 'metric revenue added', 'metric order_value removed'],
      },
    ]);
    expect(experimentsAffectedBy([base], [{ ...base, metrics: [...base.metrics].reverse() }])).toEqual([]);
  });

  it('a full refresh when an ingestion the experiment reads is reloaded; removal is reported', () => {
    expect(
      experimentsAffectedBy([base, other], [base, other], { changedIngestions: ['app'] }).map((r) => [
        r.experiment,
        r.refresh,
      ]),
    ).toEqual([
      ['a', 'full'],
      ['b', 'full'],
    ]);
    expect(experimentsAffectedBy([base, other], [base], { changedIngestions: ['unrelated'] })).toEqual([
      {
        experiment: 'b',
        refresh: 'remove',
        metrics: [],
        reasons: ['experiment removed (its artifact tables are kept)'],
      },
    ]);
  });

  it('takes loaded experiments, so an edited exposure SQL file forces a full refresh', () => {
    const sqlBased = { ...base, exposure: { kind: 'sql' as const, sql: './exposures.sql' } };
    const before = [{ config: sqlBased, exposureSqlText: 'SELECT 1' }];
    expect(experimentsAffectedBy(before, [{ config: sqlBased, exposureSqlText: 'SELECT 1' }])).toEqual([]);
    expect(experimentsAffectedBy(before, [{ config: sqlBased, exposureSqlText: 'SELECT 2' }])).toEqual([
      { experiment: 'a', refresh: 'full', metrics: [], reasons: ['exposure SQL changed'] },
    ]);
  });
});
