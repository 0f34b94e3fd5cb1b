/**
 * The bench's data, the same rows in every source kind: a PostgreSQL table, a DuckDB file
 * and one parquet file per day in an S3 bucket (s3rver on 127.0.0.1), all generated from the
 * same SQL (bench/ingest-cases.ts). `N` rows of one dataset over `days` days.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { addDays } from '../framework/util/time.js';
import { openDuckDB } from '../framework/util/duckdb.js';
import type { S3TestServer } from '../test/support/s3-server.js';
import type { BenchDataset } from './ingest-cases.js';

export interface BenchSpec {
  dataset: BenchDataset;
  rows: number;
  days: number;
  from: string;
  /** Events: each user's events in a window of rows (see GeneratedSpec); unset: the default rows. */
  eventsPerUser?: number;
  /** Events: the share of rows repeating the timeuuid of the row before (see GeneratedSpec); unset: none. */
  repeatedEvents?: number;
}

export interface BenchData extends BenchSpec {
  /** The DuckDB source file. */
  duckdbPath: string;
  /** The parquet files uploaded to S3, kept locally for the S3 limit. */
  parquetFiles: string[];
  /** The rows as COPY text, for the PostgreSQL store's COPY-in limit. */
  copyFile: string;
}

export const BUCKET = 'bench';
export const PREFIX = 'bench';

/** The query `psql \copy` and Wharf's PostgreSQL and DuckDB sources read. */
export function benchQuery(dataset: BenchDataset): string {
  return `SELECT ${dataset.columns} FROM ${dataset.table}`;
}

export async function createPostgresData(url: string, spec: BenchSpec): Promise<void> {
  const { table, indexColumn } = spec.dataset;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const select = (spec.dataset.postgresGenerated ?? spec.dataset.generated)(spec);
    await client.query(`CREATE TABLE ${table} AS SELECT ${select} FROM generate_series(1, ${spec.rows}) AS s(i)`);
    await client.query(`CREATE INDEX ON ${table} (${indexColumn})`);
    await client.query(`VACUUM ANALYZE ${table}`);
  } finally {
    await client.end();
  }
}

/**
 * How many rows a complete load drops as repeats: per day (the parquet files' days), the rows
 * whose timeuuid an earlier row of the day already has, counted by PostgreSQL from the
 * generated rows themselves, not from the rule that generated them nor from Wharf.
 */
export async function expectedDuplicates(url: string, spec: BenchSpec): Promise<number> {
  if (spec.dataset.kind !== 'events') return 0;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    let duplicates = 0;
    for (let d = 0; d < spec.days; d++) {
      const where = spec.dataset.dayFilter(addDays(spec.from, d));
      const sql = `SELECT count(*) - count(DISTINCT timeuuid) AS n FROM ${spec.dataset.table} WHERE ${where}`;
      const { rows } = await client.query<{ n: string }>(sql);
      duplicates += Number(rows[0].n);
    }
    return duplicates;
  } finally {
    await client.end();
  }
}

/** The DuckDB source file and the per-day parquet files, uploaded to S3 under `bench/<dataset>/<day>/`. */
type FileData = Omit<BenchData, 'copyFile'>;

export async function createFileData(dir: string, s3: S3TestServer, spec: BenchSpec): Promise<FileData> {
  const { table, kind } = spec.dataset;
  const duckdbPath = join(dir, 'source.duckdb');
  const db = await openDuckDB(duckdbPath);
  const parquetFiles: string[] = [];
  try {
    const select = (spec.dataset.fileGenerated ?? spec.dataset.generated)(spec);
    await db.connection.run(`CREATE TABLE ${table} AS SELECT ${select} FROM range(1, ${spec.rows + 1}) AS r(i)`);
    await s3.createBucket(BUCKET);
    for (let d = 0; d < spec.days; d++) {
      const day = addDays(spec.from, d);
      const file = join(dir, `${day}.parquet`);
      const rowsOfDay = `SELECT * FROM ${table} WHERE ${spec.dataset.dayFilter(day)}`;
      await db.connection.run(`COPY (${rowsOfDay}) TO '${file}' (FORMAT parquet)`);
      await s3.put(BUCKET, `${PREFIX}/${kind}/${day}/part-0.parquet`, readFileSync(file));
      parquetFiles.push(file);
    }
  } finally {
    db.close();
  }
  return { ...spec, duckdbPath, parquetFiles };
}

/** The rows as COPY text, written once (untimed), read by the PostgreSQL store's COPY-in limit. */
export function writeCopyFile(url: string, dir: string, dataset: BenchDataset): string {
  const file = join(dir, 'rows.copy');
  execFileSync('psql', [url, '-q', '-c', `\\copy (${benchQuery(dataset)}) to '${file}'`], { stdio: 'inherit' });
  return file;
}
