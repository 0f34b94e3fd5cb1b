/**
 * A DuckDB store statement that ran out of the store's memory cap fails with DuckDB's own text,
 * whose advice (`SET memory_limit`, `SET threads`) a Wharf user cannot act on. Day loads pass
 * their failures through here: that one becomes a `store.out-of-memory` WharfError naming the
 * cap and the variable that sets it, DuckDB's text kept in its details and as its cause. The
 * day still fails as any failed statement does: its transaction rolls back, the previous
 * version of the day stays.
 */
import type { DuckDBInstance } from '@duckdb/node-api';
import { WharfError, messageOf } from '../../diagnostics/errors.js';
import type { MetricsCsvLoad } from '../types.js';
import { duckdbOutOfMemoryWhat, isDuckDBOutOfMemory } from '../../util/duckdb.js';
import { DEFAULT_DUCKDB_STORE_MEMORY_LIMIT, DUCKDB_STORE_MEMORY_VARIABLE } from './memory-cap.js';

/** Runs `statement`; a failure for lack of memory is rethrown as storeOutOfMemory's error, others as they are. */
export async function withStoreMemory<T>(instance: DuckDBInstance, statement: () => Promise<T>): Promise<T> {
  try {
    return await statement();
  } catch (err) {
    if (err instanceof WharfError || !isDuckDBOutOfMemory(err)) throw err;
    throw storeOutOfMemory(err, await memoryLimit(instance));
  }
}

/** `cap`: the limit as DuckDB reports it (`96.0 MiB`), or null when it could not be read. */
function storeOutOfMemory(err: unknown, cap: string | null): WharfError {
  const duckdbMessage = messageOf(err);
  const what = duckdbOutOfMemoryWhat(err as Error);
  const limit = cap ? ` (${cap})` : '';
  return new WharfError(
    `The DuckDB store ran out of its memory cap${limit}; raise it with the environment variable ` +
      `${DUCKDB_STORE_MEMORY_VARIABLE} (DuckDB: ${what}).`,
    {
      code: 'store.out-of-memory',
      errorClass: 'config',
      hint:
        `Set ${DUCKDB_STORE_MEMORY_VARIABLE} to a larger size DuckDB reads, e.g. ${DUCKDB_STORE_MEMORY_VARIABLE}=256MB ` +
        `(the default is ${DEFAULT_DUCKDB_STORE_MEMORY_LIMIT}), and load the day again. Nothing of the failed day was written.`,
      details: { memoryLimit: cap, duckdbMessage },
      cause: err,
    },
  );
}

/**
 * The store's memory limit, read on a connection of its own (the failed one's transaction
 * takes nothing but ROLLBACK). The limit is the instance's, whoever set it.
 */
async function memoryLimit(instance: DuckDBInstance): Promise<string | null> {
  try {
    const connection = await instance.connect();
    try {
      const [[limit]] = (await connection.runAndReadAll(`SELECT current_setting('memory_limit')`)).getRows();
      return String(limit);
    } finally {
      connection.closeSync();
    }
  } catch {
    return null;
  }
}

/** A day's columnar load (metrics; events have no appendParquet), its statements' failures through withStoreMemory. */
export function memoryCheckedLoad(instance: DuckDBInstance, load: MetricsCsvLoad): MetricsCsvLoad {
  const check =
    <A extends unknown[], R>(method: (...args: A) => Promise<R>) =>
    (...args: A) =>
      withStoreMemory(instance, () => method.apply(load, args));
  const checked: MetricsCsvLoad = {
    append: check(load.append),
    appendOversize: check(load.appendOversize),
    finish: check(load.finish),
  };
  if (load.appendParquet) checked.appendParquet = check(load.appendParquet);
  return checked;
}
