/**
 * An experiment run in a warehouse, for the warehouse tests: the warehouse's own raw tables
 * (shaped as a team's warehouse might have them, not as Wharf loads them), the ingestions
 * reading them, the synthetic experiment with a funnel, and the artifact tables compared to
 * a store run's to a relative 1e-9.
 */
import { expect } from 'vitest';
import type { EventsMapping, ExperimentConfig, MetricsMapping } from '../../framework/config/types.js';
import { artifactNames } from '../../framework/experiments/names.js';
import type { InputMapping } from '../../framework/experiments/warehouse-inputs.js';
import type { SqlExecutor } from '../../framework/store/types.js';
import { syntheticExperiment } from '../experiments/synthetic-config.js';
import type { TestEvent, TestMetric } from './experiment-store.js';

const eventsMapping: EventsMapping = {
  name: 'app',
  dataset: 'events',
  source: 'wh',
  sql: 'app.sql',
  schedule: 'daily',
  startDate: '2026-01-01',
  columns: {
    timestamp: 'event_time',
    event_name: 'event',
    event_value: 'value',
    event_metadata: 'properties',
    user: 'user_json',
  },
};
const metricsMapping: MetricsMapping = {
  name: 'm',
  dataset: 'metrics',
  source: 'wh',
  sql: 'm.sql',
  schedule: 'daily',
  startDate: '2026-01-01',
  columns: {
    unit_id: 'uid',
    id_type: { constant: 'user_id' },
    date: 'ds',
    metric_name: 'metric',
    metric_value: 'value',
    numerator: 'num',
    denominator: 'den',
  },
};
/** The ingestions of the raw tables, which are named `<prefix>raw_events` and `<prefix>raw_metrics`. */
export function rawMappings(prefix = ''): InputMapping[] {
  return [
    {
      config: eventsMapping,
      sqlText: `SELECT event_time, event, value, properties, user_json FROM ${prefix}raw_events;`,
    },
    { config: metricsMapping, sqlText: `SELECT uid, ds, metric, value, num, den FROM ${prefix}raw_metrics` },
  ];
}

const lit = (v: string | number | null | undefined) =>
  v === null || v === undefined ? 'NULL' : typeof v === 'number' ? String(v) : `'${v.replace(/'/g, "''")}'`;

/** The warehouse's own tables, in the shape a team's warehouse might have them (not Wharf's). */
export async function createRawTables(sql: SqlExecutor, events: TestEvent[], metrics: TestMetric[]): Promise<void> {
  await sql.exec(
    'CREATE TABLE raw_events (event_time TIMESTAMP, event VARCHAR, value VARCHAR, properties VARCHAR, user_json VARCHAR)',
  );
  await sql.exec(
    'CREATE TABLE raw_metrics (uid VARCHAR, ds DATE, metric VARCHAR, value DOUBLE PRECISION, num DOUBLE PRECISION, den DOUBLE PRECISION)',
  );
  const ev = events.map(
    (e) =>
      `(CAST(${lit(e.timestamp)} AS TIMESTAMP), ${lit(e.event_name)}, ${lit(e.event_value)}, ${lit(e.event_metadata)}, ${lit(JSON.stringify({ userID: e.user_id }))})`,
  );
  const me = metrics.map(
    (m) =>
      `(${lit(m.unit_id)}, DATE ${lit(m.date)}, ${lit(m.metric_name)}, ${lit(m.metric_value)}, ${lit(m.numerator)}, ${lit(m.denominator)})`,
  );
  for (let i = 0; i < ev.length; i += 1000)
    await sql.exec(`INSERT INTO raw_events VALUES ${ev.slice(i, i + 1000).join(',')}`);
  for (let i = 0; i < me.length; i += 1000)
    await sql.exec(`INSERT INTO raw_metrics VALUES ${me.slice(i, i + 1000).join(',')}`);
}

/** The synthetic experiment and a two-step funnel. */
export function warehouseExperiment(): ExperimentConfig {
  const base = syntheticExperiment('synthetic');
  return {
    ...base,
    metrics: [
      ...base.metrics,
      { name: 'view_to_purchase', source: 'funnel', ingestion: 'app', steps: ['view', 'purchase'] },
    ],
  };
}

export type Table = { key: string; numbers: (number | null)[] }[];

/** Numeric columns that identify a row rather than measure something. */
const ID_COLUMNS = new Set(['days_since_exposure', 'step']);

/** Every artifact table: per row its identifying columns as a key (rows sorted by it) and its numbers apart. */
export async function artifacts(sql: SqlExecutor): Promise<Record<string, Table>> {
  const t = artifactNames('synthetic');
  const out: Record<string, Table> = {};
  for (const table of [
    t.firstExposures,
    t.exposuresSummary,
    t.userLevelAggregations,
    t.preExposure,
    t.funnelEvents,
    t.windowedMetrics,
    ...Object.values(t.results),
  ]) {
    const rows = await sql.query<Record<string, unknown>>(`SELECT * FROM ${table}`);
    out[table] = rows
      .map((r) => {
        const entries = Object.entries(r)
          .map(([k, v]): [string, unknown] => [k, typeof v === 'bigint' ? Number(v) : v])
          .sort(([a], [b]) => a.localeCompare(b));
        const measure = ([k, v]: [string, unknown]) => !ID_COLUMNS.has(k) && (typeof v === 'number' || v === null);
        const key = entries.filter((e) => !measure(e)).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v]);
        return { key: JSON.stringify(key), numbers: entries.filter(measure).map(([, v]) => v as number | null) };
      })
      .sort((a, b) => a.key.localeCompare(b.key));
  }
  return out;
}

/** Equal keys, and numbers equal to a relative 1e-9 (sums over rows in another order differ in the last bits). */
export function expectSame(got: Table, expected: Table, table: string): void {
  expect(
    got.map((r) => r.key),
    table,
  ).toEqual(expected.map((r) => r.key));
  got.forEach((row, i) => {
    const want = expected[i].numbers;
    expect(
      row.numbers.map((v) => v === null),
      `${table} ${row.key}`,
    ).toEqual(want.map((v) => v === null));
    row.numbers.forEach((v, j) => {
      const w = want[j];
      if (v !== null && w !== null)
        expect(Math.abs(v - w), `${table} ${row.key}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(w)));
    });
  });
}
