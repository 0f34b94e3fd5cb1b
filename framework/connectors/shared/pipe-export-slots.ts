/**
 * How many pipe exports (duckdb-columnar.ts) run at once in this process. DuckDB runs each
 * statement on a thread of Node's libuv pool (4 threads unless UV_THREADPOOL_SIZE says
 * otherwise), and an export's COPY into the pipe keeps its thread while the pipe is full,
 * that is while the store has paused the export to catch up. The store's own DuckDB
 * statements and Node's file reads need threads of the same pool to catch up, so as many
 * paused exports as threads would wait for each other forever. The exports beyond the
 * limit wait for a slot instead, which holds no thread; two threads always stay free.
 */
import { ExportSlots } from './export-slots.js';

const POOL_THREADS = Number(process.env.UV_THREADPOOL_SIZE) || 4;
const slots = new ExportSlots(Math.max(1, POOL_THREADS - 2));

/** Runs `fn` once fewer than the pool's threads less two pipe exports are running in this process. */
export function inPipeExportSlot<T>(fn: () => Promise<T>): Promise<T> {
  return slots.run(fn);
}
