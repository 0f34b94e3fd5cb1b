/**
 * Opens the project's store backend. `openStoreConnection` gives the SQL side only (what
 * the state module, locks and the experiment pipeline need). The PostgreSQL store's modules
 * (and the pg client) load only for a PostgreSQL store: a DuckDB project's commands start
 * without them.
 */
import { isAbsolute, join } from 'node:path';
import { resolveSecret } from '../util/secrets.js';
import type { StoreConfig } from '../config/types.js';
import { DuckDBStoreConnection } from './duckdb/executor.js';
import { DEFAULT_DUCKDB_STORE_MEMORY_LIMIT, DUCKDB_STORE_MEMORY_VARIABLE } from './duckdb/memory-cap.js';
import { checkPostgresUrl, storeOpenError } from './open-errors.js';
import type { PostgresStoreConnection } from './postgres/executor.js';
import { SqlStore } from './sql-store.js';
import type { Store, StoreConnection } from './types.js';
import { internalError } from '../diagnostics/errors.js';

/**
 * Days of a backfill's columnar groups open at once on the PostgreSQL store, its concurrent
 * groups together: each holds a pooled client (8 in all) until its group ends, which leaves
 * clients for the ledger and the other queries. Groups of 6 days at concurrency 1, 3 at the
 * default concurrency 2: fewer groups mean fewer exports (each reads the source's rows) and
 * fewer group ends, where a group's last COPY and commits run before the next export.
 */
const PG_GROUP_DAYS = 6;

export const DEFAULT_DUCKDB_STORE_PATH = '.wharf/store.duckdb';
export const DEFAULT_POSTGRES_STORE_SCHEMA = 'wharf';
/**
 * DuckDB store memory cap (the process's other memory is bounded by batch sizes). A load fills
 * it whatever it needs: DuckDB keeps the day's row groups it has written in its pool until the
 * cap makes it evict them, about 120 MB at 5 million events a day under 192 MB. 96 MB kept a
 * Snowflake events load (snowflake-sdk twice in the process) of 5 million events a day under
 * 512 MB (docs/engine-measurements.md, "Snowflake events at 10,000,000 rows"). Repeated timeuuids are
 * held back rather than inserted and deleted (event-csv-load.ts): a delete of many of a
 * transaction's own rows held memory that would not fit this cap.
 */
export const DUCKDB_STORE_MEMORY_LIMIT = process.env[DUCKDB_STORE_MEMORY_VARIABLE] ?? DEFAULT_DUCKDB_STORE_MEMORY_LIMIT;

/** `operation` names this process in a DuckDB store's holder file (default: the command line's command). */
export async function openStoreConnection(
  config: StoreConfig,
  projectRoot: string,
  operation?: string,
): Promise<StoreConnection> {
  try {
    return await connect(config, projectRoot, operation);
  } catch (err) {
    throw storeOpenError(err, config);
  }
}

async function connect(config: StoreConfig, projectRoot: string, operation?: string): Promise<StoreConnection> {
  if (config.kind === 'duckdb') {
    const path = config.path ?? DEFAULT_DUCKDB_STORE_PATH;
    const connection = await DuckDBStoreConnection.open(isAbsolute(path) ? path : join(projectRoot, path), operation);
    // Bounded memory for every user of the store file (loads, apply, experiment runs): DuckDB
    // spills to disk past this instead of growing with the store's size.
    await connection.exec(`SET memory_limit = '${DUCKDB_STORE_MEMORY_LIMIT}'`);
    return connection;
  }
  const url = resolveSecret(config.url, 'store.url');
  checkPostgresUrl(url, config.url.env);
  const { PostgresStoreConnection } = await import('./postgres/executor.js');
  return PostgresStoreConnection.open(url, config.schema ?? DEFAULT_POSTGRES_STORE_SCHEMA);
}

/**
 * Opens the project's store with Wharf's tables migrated to the current format version:
 * the DuckDB file (default `.wharf/store.duckdb` under the project root) or the PostgreSQL
 * schema (default `wharf`).
 */
export async function openStore(config: StoreConfig, projectRoot: string): Promise<Store> {
  return storeOver(await openStoreConnection(config, projectRoot));
}

/**
 * The full Store over an already open connection (migrated), for callers that opened the
 * connection themselves, e.g. apply, which holds it under its lock. Closing the Store closes
 * the connection.
 */
export async function storeOver(connection: StoreConnection): Promise<Store> {
  let store: Store;
  if (connection instanceof DuckDBStoreConnection) {
    store = new SqlStore(connection, 'duckdb', (target) => connection.beginDayLoad(target), {
      columnarMetrics: true,
      columnarEvents: true,
    });
  } else if (connection.kind === 'postgres') {
    store = await postgresStore(connection as PostgresStoreConnection);
  } else {
    throw internalError(`Unknown store connection kind '${connection.kind}'`);
  }
  try {
    await store.migrate();
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}

async function postgresStore(connection: PostgresStoreConnection): Promise<Store> {
  const [{ PostgresDayLoad }, { lockDay }] = await Promise.all([
    import('./postgres/day-load.js'),
    import('./postgres/day-lock.js'),
  ]);
  return new SqlStore(
    connection,
    'postgres',
    (target, onWait) => PostgresDayLoad.begin(connection.pool, target, onWait),
    { columnarMetrics: true, columnarEvents: true, columnarGroupLimit: PG_GROUP_DAYS, lockDay },
  );
}
