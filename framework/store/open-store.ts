/**
 * Opens the project's store backend. `openStoreConnection` gives the SQL side only (what
 * the state module, locks and the experiment pipeline need).
 */
import { isAbsolute, join } from 'node:path';
import { resolveSecret } from '../config/secrets.js';
import type { StoreConfig } from '../config/types.js';
import { DuckDBStoreConnection } from './duckdb/executor.js';
import { PostgresStoreConnection } from './postgres/executor.js';
import type { StoreConnection } from './types.js';

export const DEFAULT_DUCKDB_STORE_PATH = '.wharf/store.duckdb';
export const DEFAULT_POSTGRES_STORE_SCHEMA = 'wharf';

export async function openStoreConnection(config: StoreConfig, projectRoot: string): Promise<StoreConnection> {
  if (config.kind === 'duckdb') {
    const path = config.path ?? DEFAULT_DUCKDB_STORE_PATH;
    return DuckDBStoreConnection.open(isAbsolute(path) ? path : join(projectRoot, path));
  }
  const url = resolveSecret(config.url, 'store.url');
  return PostgresStoreConnection.open(url, config.schema ?? DEFAULT_POSTGRES_STORE_SCHEMA);
}
