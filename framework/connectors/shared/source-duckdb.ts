/**
 * The DuckDB instance a source runs its queries in (the DuckDB source's file, S3's downloaded
 * parquet files), which lives in the same process as the store's own DuckDB. Without limits
 * DuckDB may take 80% of the machine's memory and one thread per core: a bulk export into
 * the store's pipe, keeping its rows in order, held about 470 MB that way. One thread keeps
 * the export's rows in order without buffering them and leaves the other core to the store
 * (measured in docs/engine-measurements.md). The cap is 64 MB: an export streams its rows, and
 * what fills a larger cap is the source file's blocks kept after they were read (120 of 128 MB
 * in an events day of 3 million rows), which the next day's query does not read again.
 * Beyond the cap DuckDB spills to a folder of its own in the system's temporary folder (not
 * `.tmp` in the working folder, nor beside the source).
 *
 * What cannot spill fails. A streamed query that reads a CSV (`read_csv` in a mapping's SQL)
 * pins the reader's 30.5 MiB buffer for as long as it is open and needs a second one to start,
 * so under 64 MB not even one such day could load. The default cap therefore grows, in 32 MB
 * steps up to 256 MB, when a read cannot run within it (withinCap): a source whose
 * queries never need more keeps 64 MB of cached blocks. A cap set with the variable is fixed.
 * What still runs out is a transient failure (the source's concurrent loads share the cap,
 * and the load is tried again after them), worded by sourceOutOfMemory.
 */
import { rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { WharfError } from '../../diagnostics/errors.js';
import { duckdbOutOfMemoryWhat, isDuckDBOutOfMemory, openDuckDB, type DuckDBHandle } from '../../util/duckdb.js';
import { connectorError, type FailureSite } from './errors.js';

const MEMORY_VARIABLE = 'WHARF_SOURCE_DUCKDB_MEMORY_LIMIT';
const SET_MEMORY_LIMIT = process.env[MEMORY_VARIABLE];
/** The default cap, its steps and how far it grows, in DuckDB's MB (10^6 bytes). */
const DEFAULT_CAP_MB = 64;
const CAP_STEP_MB = 32;
const GROWN_CAP_MB = 256;
/** Tries at raising the cap when DuckDB refuses the memory to do it, waiting 20, 40, … ms between. */
const CAP_SET_ATTEMPTS = 8;
const CAP_SET_WAIT_MS = 20;
const THREADS = process.env.WHARF_SOURCE_DUCKDB_THREADS ?? '1';

/** A source's DuckDB: a handle whose reads run within a cap that grows as they need (see above). */
export interface SourceDuckDB extends DuckDBHandle {
  /**
   * Runs `read` (a query without side effects, or a stream's start) again after growing the
   * default cap a step, for as long as DuckDB refuses it memory and the cap may grow.
   */
  withinCap<T>(read: () => Promise<T>): Promise<T>;
}

/** Opens `path` (or `:memory:`) for a source; closing it removes its spill folder. */
export async function openSourceDuckDB(path: string, options: Record<string, string> = {}): Promise<SourceDuckDB> {
  const spill = await mkdtemp(join(tmpdir(), 'wharf-source-duckdb-'));
  const remove = () => rmSync(spill, { recursive: true, force: true });
  let handle: DuckDBHandle;
  try {
    handle = await openDuckDB(path, {
      ...options,
      memory_limit: SET_MEMORY_LIMIT ?? `${DEFAULT_CAP_MB}MB`,
      threads: THREADS,
      temp_directory: spill,
    });
  } catch (err) {
    remove();
    throw err;
  }
  let capMb = DEFAULT_CAP_MB;
  let growing = Promise.resolve();
  const ceilingMb = SET_MEMORY_LIMIT === undefined ? GROWN_CAP_MB : DEFAULT_CAP_MB;
  const setCap = async (mb: number) => {
    // Raising the cap needs a little memory itself, which the reads that ran out may hold
    // until they end: it is tried again as they do.
    for (let attempt = 1; ; attempt++) {
      try {
        const connection = await handle.instance.connect();
        try {
          await connection.run(`SET memory_limit = '${mb}MB'`);
          return;
        } finally {
          connection.closeSync();
        }
      } catch (err) {
        if (!isDuckDBOutOfMemory(err) || attempt >= CAP_SET_ATTEMPTS) throw err;
        await sleep(CAP_SET_WAIT_MS * attempt);
      }
    }
  };
  return {
    ...handle,
    async withinCap(read) {
      for (;;) {
        const tried = capMb;
        try {
          return await read();
        } catch (err) {
          if (!isDuckDBOutOfMemory(err) || tried >= ceilingMb) throw err;
          // Reads refused at once grow the cap once: the first raises it, the others wait and retry.
          if (capMb === tried) {
            capMb = tried + CAP_STEP_MB;
            growing = setCap(capMb);
          }
          await growing;
        }
      }
    },
    close() {
      handle.close();
      remove();
    },
  };
}

/**
 * A source query DuckDB could not give memory under the source's cap, as a transient error
 * naming the cap and the variable that sets it; undefined for any other failure.
 */
export function sourceOutOfMemory(site: FailureSite, err: unknown): WharfError | undefined {
  if (err instanceof WharfError || !isDuckDBOutOfMemory(err)) return undefined;
  return connectorError(site, {
    errorClass: 'query',
    transient: true,
    code: 'source.out-of-memory',
    message:
      `it ran out of the source's DuckDB memory cap (${capText()}), which the loads running on ` +
      `this source at once share (DuckDB: ${duckdbOutOfMemoryWhat(err as Error)})`,
    hint:
      `The load is tried again after the others have moved on. If it keeps failing, set the cap with ` +
      `${MEMORY_VARIABLE} (e.g. ${MEMORY_VARIABLE}=512MB), or lower the source's maxConcurrency.`,
    cause: err,
  });
}

function capText(): string {
  return SET_MEMORY_LIMIT === undefined
    ? `${DEFAULT_CAP_MB}MB, grown to at most ${GROWN_CAP_MB}MB as queries needed`
    : `${SET_MEMORY_LIMIT}, set by ${MEMORY_VARIABLE}`;
}
