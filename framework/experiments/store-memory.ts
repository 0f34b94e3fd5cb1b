/**
 * The DuckDB store's memory limit during an experiment run. The store's own limit (96MB,
 * WHARF_DUCKDB_MEMORY_LIMIT) keeps loads small beside everything else, but the pipeline's
 * staging join and windowed step cannot spill all their state and fail with "Out of Memory"
 * at 250,000 units × 30 days (docs/experiments.md, Scale). For the run's duration the limit
 * is raised to half the machine's memory (DuckDB's own default is 80%; the process's memory
 * beyond DuckDB's pool needs the rest), or to WHARF_EXPERIMENT_MEMORY_LIMIT, and restored after.
 */
import { totalmem } from 'node:os';
import { WharfError } from '../diagnostics/errors.js';
import type { PipelineExecutor } from './executor.js';

/** The share of the machine's memory an experiment run on the DuckDB store may use by default. */
const EXPERIMENT_MEMORY_SHARE = 0.5;

const SIZE = /^\s*\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*$/i;

/** The run's limit as DuckDB reads it: the override, or the share of the machine's memory in MB. */
function runLimit(): string {
  const override = process.env.WHARF_EXPERIMENT_MEMORY_LIMIT;
  if (override === undefined || override === '') {
    return `${Math.floor((totalmem() * EXPERIMENT_MEMORY_SHARE) / 1e6)}MB`;
  }
  if (!SIZE.test(override)) {
    throw new WharfError(`WHARF_EXPERIMENT_MEMORY_LIMIT '${override}' is not a memory size.`, {
      code: 'experiment.memory-limit',
      errorClass: 'config',
      hint: "Give a size DuckDB reads, e.g. '4GB' or '512MB', or unset it for half the machine's memory.",
    });
  }
  return override.trim();
}

/**
 * Runs `fn` with the DuckDB store's memory limit raised to the run's (see the module comment)
 * and restores the previous limit after it; any other executor runs `fn` as it is.
 */
export async function withRunMemory<T>(exec: PipelineExecutor, fn: () => Promise<T>): Promise<T> {
  if (exec.location.kind !== 'store' || exec.kind !== 'duckdb') return fn();
  const limit = runLimit();
  const [before] = await exec.query<{ limit: string }>(`SELECT current_setting('memory_limit') AS "limit"`);
  await exec.exec(`SET memory_limit = '${limit}'`);
  try {
    return await fn();
  } finally {
    await exec.exec(`SET memory_limit = '${before.limit}'`);
  }
}
