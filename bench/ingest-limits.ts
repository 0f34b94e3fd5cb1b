/**
 * The limit of each path: what the wire (or the engine) does with the same rows when nobody
 * checks them, timed in the same run as Wharf's load.
 *
 * - PostgreSQL source: `psql \copy (query) to /dev/null`;
 * - DuckDB source: DuckDB copying the same query into a table of a new database file;
 * - S3 source: DuckDB reading the same parquet files into a table of a new database file;
 * - into the PostgreSQL store, add `psql \copy … from` of the same rows into a new table
 *   (COPY in; the source's limit is the `\copy` out).
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { openDuckDB } from '../framework/util/duckdb.js';
import { benchQuery, type BenchData } from './ingest-data.js';

export type SourceKind = 'postgres' | 'redshift' | 'duckdb' | 's3';
export type StoreKind = 'duckdb' | 'postgres';

function timed(work: () => void): number {
  const t = process.hrtime.bigint();
  work();
  return Number(process.hrtime.bigint() - t) / 1e9;
}

async function timedAsync(work: () => Promise<void>): Promise<number> {
  const t = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - t) / 1e9;
}

/** DuckDB running `sql` (which fills table `t`) in a new database file, then closing it. */
async function duckdbInto(dir: string, sql: (db: string) => string): Promise<number> {
  const path = join(dir, 'limit.duckdb');
  rmSync(path, { force: true });
  const seconds = await timedAsync(async () => {
    const db = await openDuckDB(path);
    try {
      await db.connection.run(sql(path));
    } finally {
      db.close();
    }
  });
  rmSync(path, { force: true });
  rmSync(`${path}.wal`, { force: true });
  return seconds;
}

export async function sourceLimit(kind: SourceKind, data: BenchData, pgUrl: string, dir: string): Promise<number> {
  const { columns, table } = data.dataset;
  // The Redshift case reads the same PostgreSQL server (the protocol Redshift speaks): its limit
  // is that server's fastest way out, the same `\copy`, which Redshift itself does not have.
  if (kind === 'postgres' || kind === 'redshift') {
    const copyOut = `\\copy (${benchQuery(data.dataset)}) to /dev/null`;
    return timed(() => execFileSync('psql', [pgUrl, '-q', '-c', copyOut], { stdio: 'inherit' }));
  }
  if (kind === 'duckdb') {
    const attach = `ATTACH '${data.duckdbPath}' AS src (READ_ONLY)`;
    return duckdbInto(dir, () => `${attach}; CREATE TABLE t AS SELECT ${columns} FROM src.${table}`);
  }
  const files = data.parquetFiles.map((f) => `'${f}'`).join(', ');
  return duckdbInto(dir, () => `CREATE TABLE t AS SELECT ${columns} FROM read_parquet([${files}])`);
}

/** COPY in of the same rows into a new PostgreSQL table (created untimed, dropped after). */
export function storeCopyInLimit(storeUrl: string, data: BenchData): number {
  const psql = (command: string) => execFileSync('psql', [storeUrl, '-q', '-c', command], { stdio: 'inherit' });
  psql(`DROP TABLE IF EXISTS bench_copy_in; CREATE TABLE bench_copy_in (${data.dataset.copyInColumns})`);
  const seconds = timed(() => psql(`\\copy bench_copy_in from '${data.copyFile}'`));
  psql('DROP TABLE bench_copy_in');
  return seconds;
}
