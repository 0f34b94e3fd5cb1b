/**
 * The DuckDB instance a source runs its queries in (the DuckDB source's file, S3's downloaded
 * parquet files), which lives in the same process as the store's own DuckDB. Without limits
 * DuckDB may take 80% of the machine's memory and one thread per core: a bulk export into
 * the store's pipe, keeping its rows in order, held about 470 MB that way. One thread keeps
 * the export's rows in order without buffering them and leaves the other core to the store
 * (measured in docs/engine.md, Benchmark). The cap is 64 MB: an export streams its rows, and
 * what fills a larger cap is the source file's blocks kept after they were read (120 of 128 MB
 * in an events day of 3 million rows), which the next day's query does not read again.
 * Beyond the cap DuckDB spills to a folder of its own in the system's temporary folder (not
 * `.tmp` in the working folder, nor beside the source).
 */
import { rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDuckDB, type DuckDBHandle } from '../../util/duckdb.js';

const MEMORY_LIMIT = process.env.WHARF_SOURCE_DUCKDB_MEMORY_LIMIT ?? '64MB';
const THREADS = process.env.WHARF_SOURCE_DUCKDB_THREADS ?? '1';

/** Opens `path` (or `:memory:`) for a source; closing it removes its spill folder. */
export async function openSourceDuckDB(path: string, options: Record<string, string> = {}): Promise<DuckDBHandle> {
  const spill = await mkdtemp(join(tmpdir(), 'wharf-source-duckdb-'));
  const remove = () => rmSync(spill, { recursive: true, force: true });
  let handle: DuckDBHandle;
  try {
    handle = await openDuckDB(path, {
      ...options,
      memory_limit: MEMORY_LIMIT,
      threads: THREADS,
      temp_directory: spill,
    });
  } catch (err) {
    remove();
    throw err;
  }
  return {
    ...handle,
    close() {
      handle.close();
      remove();
    },
  };
}
