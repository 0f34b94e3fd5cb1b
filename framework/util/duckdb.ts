/**
 * Opens DuckDB the one way Wharf allows: extension auto-install and auto-load off, so DuckDB
 * never downloads anything (parquet and json are built in). Every DuckDB instance in Wharf —
 * store, demo warehouse, DuckDB source, parquet reader — comes from here.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { WharfError } from '../diagnostics/errors.js';

export const DUCKDB_SAFE_OPTIONS = {
  autoinstall_known_extensions: 'false',
  autoload_known_extensions: 'false',
} as const;

/**
 * DuckDB's allocator (jemalloc on Linux) keeps memory a query freed for reuse, outside
 * `memory_limit`: by default a worker thread's freed pages are purged only after it has
 * allocated 128 MiB, and the threads that run a one-thread instance's queries (a source's,
 * the PostgreSQL store's staging: Node's pool threads) are no DuckDB workers at all.
 * Background threads purge freed pages whichever thread freed them, and the lower threshold
 * flushes busy workers sooner: 35-45 MB less peak RSS in an events load of 3 million rows
 * (docs/engine.md, Memory).
 */
const ALLOCATOR_OPTIONS = {
  allocator_background_threads: 'true',
  allocator_flush_threshold: '16MB',
} as const;

/**
 * How many threads each DuckDB instance may use, unless the instance sets its own (a source's,
 * the PostgreSQL store's staging). DuckDB's default is one per core it sees, and it sees the
 * host's cores, not a container's CPU quota; several Wharf processes on one machine (CI jobs
 * side by side, a test run) each start that many.
 */
export const DUCKDB_THREADS_VARIABLE = 'WHARF_DUCKDB_THREADS';

/** The `threads` option WHARF_DUCKDB_THREADS asks for, or none when it is unset. */
function threadsFromEnvironment(): { threads?: string } {
  const value = process.env[DUCKDB_THREADS_VARIABLE]?.trim();
  if (!value) return {};
  if (!/^[1-9][0-9]{0,3}$/.test(value))
    throw new WharfError(`${DUCKDB_THREADS_VARIABLE} is '${value}', which is not a number of threads.`, {
      code: 'config.env-invalid',
      errorClass: 'config',
      hint: `Set it to a whole number from 1 to 9999 (e.g. ${DUCKDB_THREADS_VARIABLE}=2), or unset it for one thread per core.`,
    });
  return { threads: value };
}

/** DuckDB's error for an allocation its buffer pool refused under `memory_limit`. */
const OUT_OF_MEMORY = /^Out of Memory Error: /;

/** Whether `err` is DuckDB refusing memory under its cap (its first line says what it could not get). */
export function isDuckDBOutOfMemory(err: unknown): boolean {
  return err instanceof Error && OUT_OF_MEMORY.test(err.message);
}

/** DuckDB's out-of-memory text without its type and its advice (`SET memory_limit`, …): what it could not get. */
export function duckdbOutOfMemoryWhat(err: Error): string {
  return err.message.split('\n')[0].replace(OUT_OF_MEMORY, '');
}

/** True for DuckDB's "another process holds this file" error. */
export function isDuckDBFileLockError(err: unknown): boolean {
  return err instanceof Error && /Could not set lock on file/i.test(err.message);
}

export interface DuckDBHandle {
  instance: DuckDBInstance;
  connection: DuckDBConnection;
  close(): void;
}

/** Opens (creating the folder if needed) a DuckDB file, or an in-memory database for `:memory:`. */
export async function openDuckDB(path: string, options: Record<string, string> = {}): Promise<DuckDBHandle> {
  const threads = threadsFromEnvironment();
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  // Imported here, not at the top: config modules import @wharf/framework, which exports this
  // module, and loading DuckDB's native binding would slow every `ingest` start by ~0.5 s.
  const { DuckDBInstance } = await import('./duckdb-api.js');
  const instance = await DuckDBInstance.create(path, {
    ...ALLOCATOR_OPTIONS,
    ...DUCKDB_SAFE_OPTIONS,
    ...threads,
    ...options,
  });
  const connection = await instance.connect();
  // DuckDB's zone is the host's unless set (`TimeZone` is no option of create): on a host in
  // New York a TIMESTAMPTZ cast to TIMESTAMP, or a zone-less text read as TIMESTAMPTZ, would be
  // New York wall time, and the day bounds Wharf compares them with are UTC.
  try {
    await connection.run("SET GLOBAL TimeZone = 'UTC'");
  } catch (err) {
    connection.closeSync();
    instance.closeSync();
    throw err;
  }
  return {
    instance,
    connection,
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/**
 * Runs `fn` in a transaction on a connection of its own (DuckDB transactions belong to a
 * connection), after `prepare` (e.g. setting the schema); commits when it returns, rolls
 * back when it throws, and closes the connection either way.
 */
export async function inDuckDBTransaction<T>(
  instance: DuckDBInstance,
  fn: (connection: DuckDBConnection) => Promise<T>,
  prepare?: (connection: DuckDBConnection) => Promise<void>,
): Promise<T> {
  const connection = await instance.connect();
  try {
    await prepare?.(connection);
    await connection.run('BEGIN TRANSACTION');
    try {
      const result = await fn(connection);
      await connection.run('COMMIT');
      return result;
    } catch (err) {
      await connection.run('ROLLBACK');
      throw err;
    }
  } finally {
    connection.closeSync();
  }
}
