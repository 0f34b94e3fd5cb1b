/**
 * Opens the project's store for the state commands (plan, apply, state export, force-unlock).
 * A DuckDB store file held by another process is retried until the lock timeout, then
 * reported as "locked by …" with the holder from the sidecar lock-info file.
 */
import type { StoreConfig } from '../config/types.js';
import { DEFAULT_DUCKDB_STORE_PATH, openStoreConnection } from '../store/open-store.js';
import { StoreFileLockedError } from '../store/duckdb/file-holder.js';
import type { StoreConnection } from '../store/types.js';
import { LockedError } from './lock.js';

export interface OpenStateStoreOptions {
  operation: string;
  /** How long to wait for a DuckDB file held by another process, in milliseconds. */
  lockTimeoutMs: number;
  pollMs?: number;
  /** Called once when the file is held and this call starts waiting; by default a line on stderr. */
  onWait?: (message: string) => void;
}

function waitingMessage(shown: string, holder: StoreFileLockedError['holder'], timeoutMs: number): string {
  return `The store file ${shown} is held by ${holder.operation} (pid ${holder.pid}); waiting up to ${Math.ceil(timeoutMs / 1000)}s for it (--lock-timeout).\n`;
}

/** Opens the store; with DuckDB this process is recorded as the file's holder until `close()`. */
export async function openStateStore(
  config: StoreConfig,
  projectRoot: string,
  options: OpenStateStoreOptions,
): Promise<StoreConnection> {
  const shown = config.kind === 'duckdb' ? (config.path ?? DEFAULT_DUCKDB_STORE_PATH) : '';
  const deadline = Date.now() + options.lockTimeoutMs;
  const onWait = options.onWait ?? ((message: string) => process.stderr.write(message));
  let announced = false;
  for (;;) {
    try {
      return await openStoreConnection(config, projectRoot, options.operation);
    } catch (err) {
      if (!(err instanceof StoreFileLockedError)) throw err;
      if (Date.now() >= deadline) {
        throw new LockedError(
          err.holder,
          `store file ${shown}`,
          'Wait for that process to finish, or retry with a longer --lock-timeout. DuckDB allows one process per store file; use the PostgreSQL store to share it.',
        );
      }
      if (!announced) onWait(waitingMessage(shown, err.holder, options.lockTimeoutMs));
      announced = true;
      await new Promise((r) => setTimeout(r, Math.max(1, Math.min(options.pollMs ?? 250, deadline - Date.now()))));
    }
  }
}
