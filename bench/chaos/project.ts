/**
 * The chaos run's project: a copy of the example configuration on a DuckDB or PostgreSQL
 * store, and the check of every loaded day against the source warehouse. The source counts
 * are computed here with plain SQL on the demo warehouse file, not through Wharf's engine.
 */
import { cpSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { StoreConfig } from '../../framework/config/types.js';
import { openStoreConnection } from '../../framework/store/open-store.js';
import { openDuckDB } from '../../framework/util/duckdb.js';
import { dayRange } from '../../framework/util/time.js';

export const REPO = resolve(import.meta.dirname, '../..');
export const INGEST = join(REPO, 'framework/bin/run.js');
/** The environment variable holding the PostgreSQL store's URL in the chaos project. */
export const STORE_URL_ENV = 'WHARF_CHAOS_STORE_URL';

export type StoreKind = 'duckdb' | 'postgres';

/** Per mapping, how to count a day's rows in the source: a query returning (day, n). */
const SOURCE_COUNTS: Record<string, { dataset: 'events' | 'metrics'; sql: string }> = {
  // Events belong to the PST (UTC-8) day of event_time, as the mapping's day filter says.
  app_events: { dataset: 'events', sql: "SELECT CAST(CAST(event_time - INTERVAL 8 HOUR AS DATE) AS VARCHAR) AS day, count(*) AS n FROM app_events GROUP BY 1" },
  daily_metrics: { dataset: 'metrics', sql: 'SELECT CAST(ds AS VARCHAR) AS day, count(*) AS n FROM daily_metrics GROUP BY 1' },
};
export const CHAOS_MAPPINGS = Object.keys(SOURCE_COUNTS);

/** A copy of the example project (its DuckDB demo source) storing into `store`. */
export function chaosProject(store: StoreKind): string {
  const dir = mkdtempSync(join(tmpdir(), `wharf-chaos-${store}-`));
  for (const entry of ['wharf.config.ts', 'sources', 'mappings', 'schedules', 'package.json']) cpSync(join(REPO, entry), join(dir, entry), { recursive: true });
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'));
  if (store === 'postgres') {
    writeFileSync(join(dir, 'wharf.config.ts'), `import { defineProject, env } from '@wharf/framework';\nexport default defineProject({ name: 'chaos', store: { kind: 'postgres', url: env('${STORE_URL_ENV}') }, timeZone: 'PST' });\n`);
  }
  return dir;
}

export function storeConfig(kind: StoreKind): StoreConfig {
  return kind === 'duckdb' ? { kind: 'duckdb', path: '.wharf/store.duckdb' } : { kind: 'postgres', url: { env: STORE_URL_ENV } };
}

export interface DayCheck {
  mapping: string;
  day: string;
  source: number;
  stored: number;
  rejected: number;
  ledger: number | null;
}

export interface CheckResult {
  days: DayCheck[];
  /** Source rows missing from the store (neither stored nor rejected), summed over days. */
  lost: number;
  /** Rows stored or rejected beyond the source's, summed over days. */
  duplicated: number;
  /** Days whose ledger row count differs from the rows in the store. */
  ledgerDrift: number;
}

/** Compares every day of `days` (per mapping, default every chaos mapping): source rows = stored + rejected, ledger = stored. */
export async function checkDays(dir: string, kind: StoreKind, days: string[] | Record<string, string[]>): Promise<CheckResult> {
  const plan = Array.isArray(days) ? Object.fromEntries(CHAOS_MAPPINGS.map((m) => [m, days])) : days;
  const source = await sourceCounts(dir);
  const db = await openStoreConnection(storeConfig(kind), dir);
  const out: DayCheck[] = [];
  try {
    for (const [mapping, mappingDays] of Object.entries(plan)) {
      const { dataset } = SOURCE_COUNTS[mapping];
      const dayColumn = dataset === 'events' ? 'day' : '"date"';
      const stored = await countBy(db, `SELECT CAST(${dayColumn} AS VARCHAR) AS day, count(*) AS n FROM ${dataset} WHERE ingestion = $1 GROUP BY 1`, [mapping]);
      const rejected = await countBy(db, 'SELECT CAST("date" AS VARCHAR) AS day, count(*) AS n FROM rejects WHERE ingestion = $1 GROUP BY 1', [mapping]);
      const ledger = await countBy(db, 'SELECT CAST("date" AS VARCHAR) AS day, rows_loaded AS n FROM ledger WHERE ingestion = $1', [mapping]);
      for (const day of mappingDays) {
        out.push({ mapping, day, source: source.get(`${mapping}|${day}`) ?? 0, stored: stored.get(day) ?? 0, rejected: rejected.get(day) ?? 0, ledger: ledger.get(day) ?? null });
      }
    }
  } finally {
    await db.close();
  }
  const diff = (d: DayCheck) => d.stored + d.rejected - d.source;
  return {
    days: out,
    lost: out.reduce((n, d) => n + Math.max(0, -diff(d)), 0),
    duplicated: out.reduce((n, d) => n + Math.max(0, diff(d)), 0),
    ledgerDrift: out.filter((d) => d.ledger !== null && d.ledger !== d.stored).length,
  };
}

async function countBy(db: { query<T>(sql: string, params?: unknown[]): Promise<T[]> }, sql: string, params: unknown[]): Promise<Map<string, number>> {
  const rows = await db.query<{ day: string; n: number | bigint }>(sql, params);
  return new Map(rows.map((r) => [String(r.day).slice(0, 10), Number(r.n)]));
}

async function sourceCounts(dir: string): Promise<Map<string, number>> {
  const handle = await openDuckDB(join(dir, '.wharf/demo-warehouse.duckdb'), { access_mode: 'READ_ONLY' });
  try {
    const out = new Map<string, number>();
    for (const [mapping, { sql }] of Object.entries(SOURCE_COUNTS)) {
      const reader = await handle.connection.runAndReadAll(sql);
      for (const r of reader.getRowObjects() as { day: string; n: bigint }[]) out.set(`${mapping}|${r.day}`, Number(r.n));
    }
    return out;
  } finally {
    handle.close();
  }
}

/** The days a chaos run loads: `count` days from the demo's first day. */
export function chaosDays(count: number): string[] {
  return dayRange('2026-10-01', `2026-10-${String(count).padStart(2, '0')}`);
}
