/**
 * Stores for experiment tests: migrated like every store (so `events` and `metrics` are the
 * engine's tables), filled directly with rows, or with the demo warehouse's rows mapped the
 * way the demo mappings map them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

type Cell = string | number | null;

const lit = (v: Cell) => (v === null ? 'NULL' : `'${String(v).replace(/'/g, "''")}'`);

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
async function insertRows(
  sql: SqlExecutor,
  table: 'events' | 'metrics',
  selects: string[],
  duckdb?: boolean,
): Promise<void> {
  const rowsTable = DUCKDB_ROWS[table];
  const ids = DUCKDB_ROWS.ingestionIds;
  const onDuckDB = duckdb ?? (await isDuckDBStore(sql, table));
  for (const select of selects) {
    if (!onDuckDB) {
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

/** Whether the store is a DuckDB one: `events` and `metrics` are views over its rows tables. */
async function isDuckDBStore(sql: SqlExecutor, table: 'events' | 'metrics'): Promise<boolean> {
  const found = await sql.query(`SELECT 1 FROM information_schema.tables WHERE table_name = '${DUCKDB_ROWS[table]}'`);
  return found.length > 0;
}

/** The type of each of COLUMNS[table], which the rows' text is cast to (a name both engines read). */
const TYPES = {
  events: ['VARCHAR', 'DATE', 'TIMESTAMP', 'VARCHAR', 'VARCHAR', 'VARCHAR', 'VARCHAR', 'VARCHAR', 'VARCHAR', 'VARCHAR'],
  metrics: [
    'VARCHAR',
    'DATE',
    'VARCHAR',
    'VARCHAR',
    'VARCHAR',
    'DOUBLE PRECISION',
    'DOUBLE PRECISION',
    'DOUBLE PRECISION',
  ],
};

/** A CSV field: quoted, NULL as an unquoted `\N`. */
const csvField = (v: Cell) => (v === null ? '\\N' : `"${String(v).replaceAll('"', '""')}"`);

/**
 * Inserts rows of cells. In a DuckDB store they are read from a CSV file (a statement of a
 * thousand VALUES rows costs DuckDB about 0.1 s to plan); in PostgreSQL, as VALUES.
 */
async function insertCells(sql: SqlExecutor, table: 'events' | 'metrics', rows: Cell[][]): Promise<void> {
  const names = TYPES[table].map((_, i) => `c${i}`);
  const cast = (from: string) =>
    `SELECT ${TYPES[table].map((type, i) => `CAST(c${i} AS ${type})`).join(', ')} FROM ${from}`;
  if (await isDuckDBStore(sql, table)) {
    const dir = mkdtempSync(join(tmpdir(), 'wharf-rows-'));
    const file = join(dir, 'rows.csv');
    writeFileSync(file, rows.map((row) => `${row.map(csvField).join(',')}\n`).join(''));
    const columns = names.map((n) => `'${n}': 'VARCHAR'`).join(', ');
    const options = `header = false, auto_detect = false, quote = '"', escape = '"', nullstr = '\\N', allow_quoted_nulls = false`;
    try {
      await insertRows(sql, table, [cast(`read_csv('${file}', ${options}, columns = {${columns}})`)], true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return;
  }
  const batches: string[] = [];
  for (let i = 0; i < rows.length; i += 1000) {
    const values = rows.slice(i, i + 1000).map((row) => `(${row.map(lit).join(', ')})`);
    batches.push(cast(`(VALUES ${values.join(', ')}) AS v(${names.join(', ')})`));
  }
  await insertRows(sql, table, batches, false);
}

export async function insertEvents(sql: SqlExecutor, events: TestEvent[]): Promise<void> {
  const rows = events.map((e, i) => [
    e.ingestion,
    e.day,
    e.timestamp,
    e.event_name,
    e.event_value,
    e.event_metadata,
    JSON.stringify({ userID: e.user_id, customIDs: e.custom_ids }),
    e.user_id,
    e.custom_ids ? JSON.stringify(e.custom_ids) : null,
    `${e.day}-${e.user_id}-${i}`,
  ]);
  await insertCells(sql, 'events', rows);
}

export async function insertMetrics(sql: SqlExecutor, metrics: TestMetric[]): Promise<void> {
  const rows = metrics.map((m) => [
    m.ingestion,
    m.date,
    m.unit_id,
    m.id_type ?? 'user_id',
    m.metric_name,
    m.metric_value,
    m.numerator ?? null,
    m.denominator ?? null,
  ]);
  await insertCells(sql, 'metrics', rows);
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
