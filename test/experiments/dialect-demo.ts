/**
 * The representative experiment the dialect tests run: the demo checkout_button experiment
 * (mean, winsorized sum with CUPED, ratio) plus an event count, an event sum (the numeric
 * cast), a funnel and a two-sided winsorization over non-zero values, over the first days of
 * the demo data. Also: reading every artifact table and comparing two runs to 1e-9.
 */
import { expect } from 'vitest';
import demo from '../../experiments/checkout_button.js';
import type { ExperimentConfig } from '../../framework/config/types.js';
import { artifactNames } from '../../framework/experiments/names.js';
import type { SqlExecutor } from '../../framework/store/types.js';

/** Days of the three runs: a full refresh, an incremental one, then a metric refresh. */
export const FULL_THROUGH = '2026-10-06';
export const INCREMENTAL_THROUGH = '2026-10-09';

export function dialectDemoExperiment(name: string): ExperimentConfig {
  return {
    ...demo,
    name,
    metrics: [
      ...demo.metrics,
      { name: 'purchases', source: 'events', ingestion: 'app_events', eventName: 'purchase', aggregation: 'count' },
      { name: 'purchase_value', source: 'events', ingestion: 'app_events', eventName: 'purchase', aggregation: 'sum' },
      {
        name: 'cart_to_purchase',
        source: 'funnel',
        ingestion: 'app_events',
        steps: ['page_view', 'add_to_cart', 'purchase'],
      },
      {
        name: 'sessions_trimmed',
        source: 'metrics',
        ingestion: 'daily_metrics',
        metricName: 'sessions',
        aggregation: 'mean',
        winsorize: { upper: 0.95, lower: 0.05, excludeZeros: true },
      },
    ],
  };
}

/** Rows of each artifact table. */
export type Artifacts = Record<string, Record<string, unknown>[]>;

/** Every artifact table of an experiment, rows in a stable order (each table's leading columns are its key). */
export async function readArtifacts(sql: SqlExecutor, experiment: string): Promise<Artifacts> {
  const t = artifactNames(experiment);
  const tables: Record<string, string> = {
    first_exposures: t.firstExposures,
    exposures_summary: t.exposuresSummary,
    user_level: t.userLevelAggregations,
    pre_exposure: t.preExposure,
    funnel_events: t.funnelEvents,
    windowed: t.windowedMetrics,
  };
  for (const [rollup, name] of Object.entries(t.results)) tables[`results_${rollup}`] = name;
  const out: Artifacts = {};
  for (const [key, table] of Object.entries(tables)) {
    const rows = await sql.query<Record<string, unknown>>(`SELECT * FROM "${table}"`);
    out[key] = rows
      .map(normalizeRow)
      .map((row) => ({ row, key: keyOf(row) }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map(({ row }) => row);
  }
  return out;
}

function normalizeValue(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date)
    return v
      .toISOString()
      .replace('T', ' ')
      .replace(/(\.000)?Z$/, '');
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}/.test(v)) {
    return v.replace('T', ' ').replace(/(\.0+)?Z?$/, '');
  }
  if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  return v;
}

function normalizeRow(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, normalizeValue(v)]));
}

/** Integer columns that are part of a table's key. */
const INTEGER_KEYS = new Set(['step', 'days_since_exposure', 'period']);

/** A row's key: its non-numeric columns and integer key columns (doubles may differ in the last bits). */
function keyOf(row: Record<string, unknown>): string {
  return Object.entries(row)
    .filter(([k, v]) => typeof v !== 'number' || INTEGER_KEYS.has(k))
    .map(([, v]) => String(v))
    .join('\u0000');
}

/** Numbers within 1e-9 relative to max(1, |value|); anything else exactly. */
function same(have: unknown, want: unknown): boolean {
  if (typeof want === 'number' && typeof have === 'number') {
    return Math.abs(have - want) <= 1e-9 * Math.max(1, Math.abs(want), Math.abs(have));
  }
  return JSON.stringify(have) === JSON.stringify(want);
}

/** Asserts two runs' artifact tables are equal: same rows, numbers within 1e-9 (relative to max(1, |value|)). */
export function expectSameArtifacts(actual: Artifacts, expected: Artifacts, label: string): void {
  const differences: string[] = [];
  for (const [table, rows] of Object.entries(expected)) {
    const got = actual[table];
    if (got.length !== rows.length) differences.push(`${table}: ${got.length} rows, expected ${rows.length}`);
    rows.slice(0, got.length).forEach((row, i) => {
      for (const [column, want] of Object.entries(row)) {
        const have = got[i][column];
        if (same(have, want) || differences.length >= 20) continue;
        differences.push(`${table} row ${i} ${JSON.stringify(row).slice(0, 200)}: ${column} = ${JSON.stringify(have)}`);
      }
    });
  }
  expect(differences, `${label}: differences from the native run`).toEqual([]);
}
