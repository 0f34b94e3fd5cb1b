/**
 * Stores for experiment tests: migrated like every store (so `events` and `metrics` are the
 * engine's tables), filled directly with rows, or with the demo warehouse's rows mapped the
 * way the demo mappings map them.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDemoDatabase } from '../../framework/demo/generate.js';
import { DuckDBStoreConnection } from '../../framework/store/duckdb/executor.js';
import { PostgresStoreConnection } from '../../framework/store/postgres/executor.js';
import { migrateStore } from '../../framework/store/migrate.js';
import { DUCKDB_ROWS } from '../../framework/store/schema.js';
import type { SqlExecutor, StoreConnection } from '../../framework/store/types.js';
import { createTestDatabase } from './postgres.js';

/** Creates the store's tables (events and metrics among them) with the store's own migrations. */
export async function createDataTables(store: StoreConnection, kind: 'duckdb' | 'postgres'): Promise<void> {
  await migrateStore(store, kind);
}

export async function openDuckDBStore(): Promise<StoreConnection> {
  const store = await DuckDBStoreConnection.open(join(mkdtempSync(join(tmpdir(), 'wharf-exp-')), 'store.duckdb'));
  await createDataTables(store, 'duckdb');
  return store;
}

export async function openPostgresStore(): Promise<StoreConnection> {
  const store = await PostgresStoreConnection.open(await createTestDatabase('wharf_exp'), 'wharf');
  await createDataTables(store, 'postgres');
  return store;
}

const lit = (v: string | number | null) =>
  v === null ? 'NULL' : typeof v === 'number' ? String(v) : `'${v.replace(/'/g, "''")}'`;

export interface TestEvent {
  ingestion: string;
  day: string;
  timestamp: string;
  event_name: string;
  event_value: string | null;
  event_metadata: string | null;
  user_id: string;
  /** Custom ids, e.g. `{ stable_id: 'd1' }`. */
  custom_ids?: Record<string, string>;
}

export interface TestMetric {
  ingestion: string;
  date: string;
  unit_id: string;
  id_type?: string;
  metric_name: string;
  metric_value: number | null;
  numerator?: number | null;
  denominator?: number | null;
}

const COLUMNS = {
  events: 'ingestion, day, "timestamp", event_name, event_value, event_metadata, "user", user_id, custom_ids, timeuuid',
  metrics: 'ingestion, "date", unit_id, id_type, metric_name, metric_value, numerator, denominator',
};

/**
 * Inserts the rows of each of `selects` (their columns COLUMNS[table], the ingestion's name
 * first) into the store's `events` or `metrics`. In a DuckDB store those are views over
 * `event_rows` and `metric_rows`, whose rows carry a number for the ingestion: new names get
 * numbers first, as the store's loads give them.
 */
async function insertRows(sql: SqlExecutor, table: 'events' | 'metrics', selects: string[]): Promise<void> {
  const rowsTable = DUCKDB_ROWS[table];
  const ids = DUCKDB_ROWS.ingestionIds;
  const found = await sql.query(`SELECT 1 FROM information_schema.tables WHERE table_name = '${rowsTable}'`);
  for (const select of selects) {
    if (found.length === 0) {
      await sql.exec(`INSERT INTO ${table} (${COLUMNS[table]}) ${select}`);
      continue;
    }
    const rows = `(${select}) s(${COLUMNS[table]})`;
    await sql.exec(`INSERT INTO ${ids} SELECT (SELECT coalesce(max(id), 0) FROM ${ids}) + row_number() OVER (), name
      FROM (SELECT DISTINCT s.ingestion AS name FROM ${rows}) WHERE name NOT IN (SELECT name FROM ${ids})`);
    await sql.exec(
      `INSERT INTO ${rowsTable} SELECT i.id, s.* EXCLUDE (ingestion) FROM ${rows} JOIN ${ids} i ON i.name = s.ingestion`,
    );
  }
}

async function insertBatches(sql: SqlExecutor, table: 'events' | 'metrics', rows: string[]): Promise<void> {
  const batches: string[] = [];
  for (let i = 0; i < rows.length; i += 1000) batches.push(`VALUES ${rows.slice(i, i + 1000).join(',')}`);
  await insertRows(sql, table, batches);
}

export async function insertEvents(sql: SqlExecutor, events: TestEvent[]): Promise<void> {
  const rows = events.map(
    (e, i) =>
      `(${lit(e.ingestion)}, DATE ${lit(e.day)}, CAST(${lit(e.timestamp)} AS TIMESTAMP), ${lit(e.event_name)}, ${lit(e.event_value)}, ${lit(e.event_metadata)}, ${lit(JSON.stringify({ userID: e.user_id, customIDs: e.custom_ids }))}, ${lit(e.user_id)}, ${e.custom_ids ? lit(JSON.stringify(e.custom_ids)) : 'NULL'}, ${lit(`${e.day}-${e.user_id}-${i}`)})`,
  );
  await insertBatches(sql, 'events', rows);
}

export async function insertMetrics(sql: SqlExecutor, metrics: TestMetric[]): Promise<void> {
  const rows = metrics.map(
    (m) =>
      `(${lit(m.ingestion)}, DATE ${lit(m.date)}, ${lit(m.unit_id)}, ${lit(m.id_type ?? 'user_id')}, ${lit(m.metric_name)}, ${lit(m.metric_value)}, ${lit(m.numerator ?? null)}, ${lit(m.denominator ?? null)})`,
  );
  await insertBatches(sql, 'metrics', rows);
}

/**
 * Generates the demo warehouse in a temp folder and copies its rows into a DuckDB store, as the engine would load
 * them.
 */
export async function copyDemoIntoDuckDBStore(store: DuckDBStoreConnection | StoreConnection): Promise<void> {
  const path = join(mkdtempSync(join(tmpdir(), 'wharf-demo-')), 'demo.duckdb');
  // Made as on 2026-11-01: the days 2026-10-01 to 2026-12-31, whatever today is.
  await ensureDemoDatabase(path, { today: '2026-11-01' });
  await store.exec(`ATTACH '${path}' AS demo (READ_ONLY)`);
  await insertRows(store, 'events', [
    `SELECT 'app_events', CAST(event_time - INTERVAL 8 HOUR AS DATE), event_time, event, value, properties, user_json,
      json_extract_string(user_json, '$.userID'), CAST(json_extract(user_json, '$.customIDs') AS VARCHAR), event_id
    FROM demo.app_events WHERE length(event) < 128 AND json_extract_string(user_json, '$.userID') IS NOT NULL`,
  ]);
  await insertRows(store, 'metrics', [
    `SELECT 'daily_metrics', ds, unit_id, id_type, metric, value, NULL, NULL FROM demo.daily_metrics WHERE id_type IN ('user_id', 'stable_id')`,
    `SELECT 'checkout_conversion', ds, unit_id, 'user_id', metric, NULL, orders, checkouts FROM demo.checkout_funnel WHERE checkouts IS NOT NULL`,
  ]);
  await store.exec('DETACH demo');
}
