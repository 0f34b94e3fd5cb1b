/**
 * Opens the project's store for the state commands (plan, apply, state export, force-unlock).
 * A DuckDB store file held by another process is retried until the lock timeout, then
 * reported as "locked by …" with the holder from the sidecar lock-info file.
 */
import { isAbsolute, join } from 'node:path';
import type { StoreConfig } from '../config/types.js';
import { DEFAULT_DUCKDB_STORE_PATH, openStoreConnection } from '../store/open-store.js';
import type { StoreConnection } from '../store/types.js';
import { clearLockInfo, holderOfFile, isDuckDBFileLockError, writeLockInfo } from './duckdb-lock-info.js';
import { LockedError, newLockInfo } from './lock.js';

export interface OpenStateStoreOptions {
  operation: string;
  /** How long to wait for a DuckDB file held by another process, in milliseconds. */
  lockTimeoutMs: number;
  pollMs?: number;
}

/** Opens the store; `close()` also removes this process's lock-info sidecar. */
export async function openStateStore(config: StoreConfig, projectRoot: string, options: OpenStateStoreOptions): Promise<StoreConnection> {
  if (config.kind !== 'duckdb') return openStoreConnection(config, projectRoot);
  const relativePath = config.path ?? DEFAULT_DUCKDB_STORE_PATH;
  const path = isAbsolute(relativePath) ? relativePath : join(projectRoot, relativePath);
  const connection = await openWithRetry(config, projectRoot, path, relativePath, options);
  const info = newLockInfo(options.operation);
  writeLockInfo(path, info);
  const close = connection.close.bind(connection);
  connection.close = async () => {
    clearLockInfo(path, info.id);
    await close();
  };
  return connection;
}

async function openWithRetry(config: StoreConfig, root: string, path: string, shown: string, options: OpenStateStoreOptions): Promise<StoreConnection> {
  const deadline = Date.now() + options.lockTimeoutMs;
  for (;;) {
    try {
      return await openStoreConnection(config, root);
    } catch (err) {
      if (!isDuckDBFileLockError(err)) throw err;
      if (Date.now() >= deadline) {
        throw new LockedError(holderOfFile(path, err as Error), `store file ${shown}`, 'Wait for that process to finish, or retry with a longer --lock-timeout. DuckDB allows one process per store file; use the PostgreSQL store to share it.');
      }
      await new Promise((r) => setTimeout(r, Math.max(1, Math.min(options.pollMs ?? 250, deadline - Date.now()))));
    }
  }
}
