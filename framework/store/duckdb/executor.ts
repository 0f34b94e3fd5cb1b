/**
 * SQL access to a DuckDB store file. DuckDB allows one writing process per file, so the CLI
 * and the agent share a store only through the PostgreSQL backend; within a process,
 * transactions run on their own connection (DuckDB's MVCC keeps them apart).
 */
import { inDuckDBTransaction, isDuckDBFileLockError, openDuckDB, type DuckDBHandle } from '../../util/duckdb.js';
import type { DayLoadTarget, SqlExecutor, StoreConnection } from '../types.js';
import { currentOperation } from '../process-label.js';
import { DuckDBSql } from './connection-sql.js';
import { DuckDBDayLoad } from './day-load.js';
import { IngestionIds } from './ingestion-ids.js';
import { clearLockInfo, holderOfFile, newFileHolder, StoreFileLockedError, writeLockInfo } from './file-holder.js';
import { ensureStoreFile } from './store-file.js';
import { WorkUnderWay } from './work-under-way.js';

/**
 * - The newest storage format: its string compression is cheaper to write than the
 *   1.0-compatible default's. Store files are then readable by DuckDB 1.5 and newer only, the
 *   version Wharf ships with.
 * - A bulk insert's row groups are compressed and written as each one fills, not five at a
 *   time: otherwise up to five row groups of every day are left for its commit, and commits
 *   run one at a time, so the days' last seconds ran on one core.
 */
const STORE_OPTIONS = { storage_compatibility_version: 'latest', write_buffer_row_group_count: '1' };

export class DuckDBStoreConnection extends DuckDBSql implements StoreConnection {
  readonly kind = 'duckdb' as const;

  private constructor(
    private readonly handle: DuckDBHandle,
    private readonly release: () => void,
  ) {
    super(handle.connection);
  }

  /**
   * Opens the store file (made whole first when missing, see store-file.ts) and records this
   * process as its holder (see file-holder.ts); a file another process has open is a
   * StoreFileLockedError naming it.
   */
  static async open(path: string, operation = currentOperation()): Promise<DuckDBStoreConnection> {
    let handle: DuckDBHandle;
    try {
      await ensureStoreFile(path, STORE_OPTIONS);
      handle = await openDuckDB(path, STORE_OPTIONS);
    } catch (err) {
      if (isDuckDBFileLockError(err)) throw new StoreFileLockedError(path, holderOfFile(path, err as Error));
      throw err;
    }
    const holder = newFileHolder(operation);
    writeLockInfo(path, holder);
    return new DuckDBStoreConnection(handle, () => clearLockInfo(path, holder.id));
  }

  /** Statements, transactions and day loads under way: close() waits for them. */
  private readonly work = new WorkUnderWay();
  private readonly ingestionIds = new IngestionIds(this);
  private closed: Promise<void> | null = null;

  override query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.work.run(() => super.query<T>(sql, params));
  }

  override exec(sql: string): Promise<void> {
    return this.work.run(() => super.exec(sql));
  }

  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.work.run(() =>
      inDuckDBTransaction(this.handle.instance, (connection) => fn(new DuckDBSql(connection))),
    );
  }

  /** A day load on a connection of its own; the store stays open until it commits or rolls back. */
  async beginDayLoad(target: Required<DayLoadTarget>): Promise<DuckDBDayLoad> {
    const ended = this.work.hold();
    try {
      const ingestionId = await this.ingestionIds.idOf(target.ingestion);
      return await DuckDBDayLoad.begin(this.handle, { ...target, ingestionId }, ended);
    } catch (err) {
      ended();
      throw err;
    }
  }

  /** Waits for the work under way (new work is refused), then closes the file. */
  close(): Promise<void> {
    this.closed ??= this.work.close().then(() => {
      this.handle.close();
      this.release();
    });
    return this.closed;
  }
}
