/**
 * A new DuckDB store file appears whole or not at all. DuckDB creates a missing file and then
 * writes its header, so a process killed in between (a cron job's timeout, a SIGKILL on a
 * busy machine) left an empty file that DuckDB refuses to open ("not a valid DuckDB database
 * file") until someone deletes it. The file is therefore made under a temporary name and
 * linked into place, which fails if another process linked one first (theirs is kept).
 * An empty file left by an earlier version is removed: it holds no data, and no process
 * creates the store in place any more, so none can be writing to it.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { openDuckDB } from '../../util/duckdb.js';

/** Makes sure `path` is an existing DuckDB file (created with `options`) before it is opened. */
export async function ensureStoreFile(path: string, options: Record<string, string>): Promise<void> {
  if (existsSync(path)) {
    if (statSync(path).size > 0 || existsSync(`${path}.wal`)) return;
    rmSync(path, { force: true });
  }
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.creating-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    (await openDuckDB(temp, options)).close();
    linkSync(temp, path);
  } catch (err) {
    // Another process put its new file in place first: that one is the store.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    rmSync(temp, { force: true });
    rmSync(`${temp}.wal`, { force: true });
  }
}
