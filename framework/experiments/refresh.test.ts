import { afterEach, describe, expect, it } from 'vitest';
import { syntheticExperiment } from '../../test/experiments/synthetic-config.js';
import { DAY_10, DAY_20, EXPERIMENT_START, syntheticData, timeInDay } from '../../test/experiments/synthetic.js';
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
import { artifactNames } from './names.js';
import { runExperiment } from './pipeline.js';
import { readExperimentResults } from './results.js';

const data = syntheticData(300, 11);
const firstHalf = {
  events: data.events.filter((e) => e.day <= DAY_10),
  metrics: data.metrics.filter((m) => m.date <= DAY_10),
};
/** Every 7th unit first exposed in the first half is exposed again (same group) in the second. */
const reExposures: TestEvent[] = data.events
  .filter((e) => e.event_name === 'exposure' && e.day <= DAY_10)
  .filter((_e, i) => i % 7 === 0)
  .map((e) => ({ ...e, day: '2026-01-22', timestamp: timeInDay('2026-01-22', 3600) }));
const secondHalf = {
  events: [...data.events.filter((e) => e.day > DAY_10), ...reExposures],
  metrics: data.metrics.filter((m) => m.date > DAY_10),
};

/** The synthetic experiment plus a funnel, so every artifact table has rows. */
function experiment(name: string): ExperimentConfig {
  const base = syntheticExperiment(name);
  return {
    ...base,
    metrics: [
      ...base.metrics,
      { name: 'view_to_purchase', source: 'funnel', ingestion: 'app', steps: ['view', 'purchase'] },
    ],
  };
}

const backends: Record<string, () => Promise<StoreConnection>> = {
  duckdb: openDuckDBStore,
  postgres: openPostgresStore,
};
const opened: StoreConnection[] = [];
async function open(kind: string): Promise<StoreConnection> {
  const store = await backends[kind]();
  opened.push(store);
  return store;
}
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
});

/** Every artifact table of `name`, rows sorted, numbers rounded to 10 significant digits, period columns as text. */
async function artifacts(store: StoreConnection, name: string): Promise<Record<string, unknown[]>> {
  const t = artifactNames(name);
  const out: Record<string, unknown[]> = {};
  const tables = {
    first_exposures: t.firstExposures,
    exposures_summary: t.exposuresSummary,
    user_level: t.userLevelAggregations,
    pre: t.preExposure,
    funnel: t.funnelEvents,
    windowed: t.windowedMetrics,
    ...t.results,
  };
  for (const [key, table] of Object.entries(tables)) {
    const rows = await store.query<Record<string, unknown>>(`SELECT * FROM ${table}`);
    const norm = rows.map((r) =>
      Object.fromEntries(
        Object.entries(r).map(([k, v]) => [
          k,
          typeof v === 'number' && !Number.isInteger(v)
            ? Number(v.toPrecision(10))
            : v instanceof Date
              ? v.toISOString()
              : typeof v === 'bigint'
                ? Number(v)
                : v,
        ]),
      ),
    );
    out[key] = norm.map((r) => JSON.stringify(r)).sort();
  }
  return out;
}

describe.each(Object.keys(backends))('refreshes on %s', (kind) => {
  it('an incremental refresh over days 1-10 then 11-20 gives the same tables as a full refresh over 1-20', async () => {
    const store = await open(kind);
    await insertEvents(store, firstHalf.events);
    await insertMetrics(store, firstHalf.metrics);
    const first = await runExperiment(store, { config: experiment('synthetic') }, { type: 'incremental' });
    expect(first).toMatchObject({
      refresh: 'full',
      from: EXPERIMENT_START,
      to: DAY_10,
      note: 'no previous run: full refresh',
    });
    await insertEvents(store, secondHalf.events);
    await insertMetrics(store, secondHalf.metrics);
    const second = await runExperiment(store, { config: experiment('synthetic') }, { type: 'incremental' });
    expect(second).toMatchObject({ refresh: 'incremental', from: '2026-01-18', to: DAY_20 });
    await runExperiment(store, { config: experiment('synthetic_full') }, { type: 'full' });
    const incremental = await artifacts(store, 'synthetic');
    const full = await artifacts(store, 'synthetic_full');
    for (const key of Object.keys(full)) {
      expect(full[key].length, key).toBeGreaterThan(0);
      expect(
        incremental[key].map((r) => (r as string).replaceAll('synthetic_full', 'synthetic')),
        key,
      ).toEqual(full[key]);
    }
    // Units exposed again after the first run: their exposure_count counts every exposure event.
    const unit = reExposures[0].user_id;
    const expected = [...firstHalf.events, ...secondHalf.events].filter(
      (e) => e.event_name === 'exposure' && e.user_id === unit,
    ).length;
    expect(expected).toBeGreaterThanOrEqual(2);
    const [row] = await store.query<{ exposure_count: number }>(
      `SELECT exposure_count FROM synthetic_first_exposures WHERE unit_id = '${unit}'`,
    );
    expect(Number(row.exposure_count)).toBe(expected);
    const again = await runExperiment(store, { config: experiment('synthetic') }, { type: 'incremental' });
    expect(again.refresh).toBe('up-to-date');
  });
});

describe('two runs of one experiment at once on a shared PostgreSQL store', () => {
  it('never append the same days twice', async () => {
    const store = await open('postgres');
    await insertEvents(store, firstHalf.events);
    await insertMetrics(store, firstHalf.metrics);
    await runExperiment(store, { config: experiment('synthetic') }, { type: 'full' });
    await insertEvents(store, secondHalf.events);
    await insertMetrics(store, secondHalf.metrics);
    const outcomes = await Promise.allSettled(
      [1, 2].map(() => runExperiment(store, { config: experiment('synthetic') }, { type: 'incremental' })),
    );
    const done = outcomes
      .filter((o) => o.status === 'fulfilled')
      .map((o) => (o as PromiseFulfilledResult<{ refresh: string }>).value.refresh);
    const failed = outcomes
      .filter((o) => o.status === 'rejected')
      .map((o) => String((o as PromiseRejectedResult).reason));
    expect(done.filter((r) => r === 'incremental')).toHaveLength(1);
    expect([
      ...done.filter((r) => r !== 'incremental'),
      ...failed.map((f) => (/refreshed by another run/.test(f) ? 'concurrent' : f)),
    ]).toEqual([expect.stringMatching(/^(up-to-date|concurrent)$/)]);
    await runExperiment(store, { config: experiment('synthetic_full') }, { type: 'full' });
    const a = await artifacts(store, 'synthetic');
    const b = await artifacts(store, 'synthetic_full');
    for (const key of Object.keys(b))
      expect(
        a[key].map((r) => (r as string).replaceAll('synthetic_full', 'synthetic')),
        key,
      ).toEqual(b[key]);
  });
});

describe('the pipeline on DuckDB and PostgreSQL', () => {
  it('gives the same artifact tables on both', async () => {
    const results: Record<string, Record<string, unknown[]>> = {};
    for (const kind of Object.keys(backends)) {
      const store = await open(kind);
      await insertEvents(store, data.events);
      await insertMetrics(store, data.metrics);
      await runExperiment(store, { config: experiment('synthetic') }, { type: 'full' });
      results[kind] = await artifacts(store, 'synthetic');
      const read = await readExperimentResults(store, { config: experiment('synthetic') });
      results[kind].read = [
        JSON.stringify(
          {
            ...read,
            lastRun: null,
            metrics: read.metrics.map((m) => ({
              ...m,
              groups: m.groups.map((g) => ({
                ...g,
                p_value: Number(g.p_value?.toPrecision(10)),
                variance: Number(g.variance?.toPrecision(10)),
              })),
            })),
          },
          (_k, v) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(10)) : v),
        ),
      ];
    }
    expect(JSON.parse(results.duckdb.read[0] as string).metrics).toHaveLength(6);
    for (const key of Object.keys(results.duckdb)) expect(results.postgres[key], key).toEqual(results.duckdb[key]);
  });
});

describe('metric refresh, changed config and conflicting exposures (DuckDB)', () => {
  it('a metric refresh after a definition change equals a full refresh with the new definition', async () => {
    const store = await open('duckdb');
    await insertEvents(store, data.events);
    await insertMetrics(store, data.metrics);
    await runExperiment(store, { config: experiment('synthetic') }, { type: 'full' });
    const changed = experiment('synthetic');
    changed.metrics = changed.metrics.map((m) =>
      m.name === 'spend_capped' ? { ...m, winsorize: { upper: 0.95 } } : m,
    );
    await expect(runExperiment(store, { config: changed }, { type: 'incremental' })).rejects.toThrow(
      /changed since its last run \(metric spend_capped changed\)/,
    );
    const run = await runExperiment(store, { config: changed }, { type: 'metric', metric: 'spend_capped' });
    expect(run.refresh).toBe('metric');
    const full = experiment('synthetic_full');
    full.metrics = changed.metrics;
    await runExperiment(store, { config: full }, { type: 'full' });
    const a = await artifacts(store, 'synthetic');
    const b = await artifacts(store, 'synthetic_full');
    for (const key of Object.keys(b))
      expect(
        a[key].map((r) => (r as string).replaceAll('synthetic_full', 'synthetic')),
        key,
      ).toEqual(b[key]);
    // The state now matches the new config: incremental runs are allowed again.
    expect((await runExperiment(store, { config: changed }, { type: 'incremental' })).refresh).toBe('up-to-date');
    await expect(
      runExperiment(
        store,
        { config: { ...changed, groups: [...changed.groups].reverse().map((g) => ({ ...g, control: !g.control })) } },
        { type: 'metric', metric: 'spend' },
      ),
    ).rejects.toThrow(/changed beyond its metrics/);
  });

  it('falls back to a full refresh when new days expose a unit to a second group', async () => {
    const store = await open('duckdb');
    await insertEvents(store, firstHalf.events);
    await insertMetrics(store, firstHalf.metrics);
    await runExperiment(store, { config: experiment('synthetic') }, { type: 'full' });
    const unit = firstHalf.events.find((e) => e.event_name === 'exposure')!;
    const flip: TestEvent = {
      ...unit,
      day: '2026-01-19',
      timestamp: timeInDay('2026-01-19', 10),
      event_value: unit.event_value === 'test' ? 'control' : 'test',
    };
    await insertEvents(store, [...secondHalf.events, flip]);
    await insertMetrics(store, secondHalf.metrics);
    const run = await runExperiment(store, { config: experiment('synthetic') }, { type: 'incremental' });
    expect(run.refresh).toBe('full');
    expect(run.note).toMatch(/1 unit\(s\) newly exposed to a second group/);
    const [row] = await store.query<{ multiple_groups: boolean }>(
      `SELECT multiple_groups FROM synthetic_first_exposures WHERE unit_id = '${unit.user_id}'`,
    );
    expect(row.multiple_groups).toBe(true);
    const history = await lastJobRun(store, 'synthetic');
    expect(history?.refresh).toBe('full');
    expect(history?.steps.map((s) => s.step)).toContain('first exposures');
    expect(history?.steps.every((s) => s.status === 'succeeded' && s.durationMs >= 0)).toBe(true);
  });
});
