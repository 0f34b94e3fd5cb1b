/**
 * The bench's data, the same rows in every source kind: a PostgreSQL table, a DuckDB file
 * and one parquet file per day in an S3 bucket (s3rver on 127.0.0.1), all generated from the
 * same formula. `N` metric rows over `days` days, interleaved by day.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { addDays } from '../framework/util/time.js';
import { openDuckDB } from '../framework/util/duckdb.js';
import type { S3TestServer } from '../test/support/s3-server.js';

export interface BenchData {
  rows: number;
  days: number;
  from: string;
  /** The DuckDB source file. */
  duckdbPath: string;
  /** The parquet files uploaded to S3, kept locally for the S3 limit. */
  parquetFiles: string[];
  /** The rows as COPY text, for the PostgreSQL store's COPY-in limit. */
  copyFile: string;
}

export const BUCKET = 'bench';
export const PREFIX = 'bench';
export const QUERY = 'SELECT unit_id, id_type, ds, metric, value FROM bench_metrics';

/** The select list that makes row `i` (1-based), in PostgreSQL and DuckDB alike. */
function generated(from: string, days: number): string {
  return `'u' || (i % 1000003) AS unit_id,
    CASE WHEN i % 7 = 0 THEN 'stable_id' ELSE 'user_id' END AS id_type,
    DATE '${from}' + CAST(i % ${days} AS INTEGER) AS ds,
    'metric_' || (i % 20) AS metric,
    CAST(i % 10007 AS DOUBLE PRECISION) / 7.0 AS value`;
}

export async function createPostgresData(url: string, rows: number, days: number, from: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE TABLE bench_metrics AS SELECT ${generated(from, days)} FROM generate_series(1, ${rows}) AS s(i)`);
    await client.query('CREATE INDEX ON bench_metrics (ds)');
    await client.query('VACUUM ANALYZE bench_metrics');
  } finally {
    await client.end();
  }
}

/** The DuckDB source file and the per-day parquet files, uploaded to S3 under `bench/metrics/<day>/`. */
export async function createFileData(dir: string, s3: S3TestServer, spec: { rows: number; days: number; from: string }): Promise<Omit<BenchData, 'copyFile'>> {
  const duckdbPath = join(dir, 'source.duckdb');
  const db = await openDuckDB(duckdbPath);
  const parquetFiles: string[] = [];
  try {
    await db.connection.run(`CREATE TABLE bench_metrics AS SELECT ${generated(spec.from, spec.days)} FROM range(1, ${spec.rows + 1}) AS r(i)`);
    await s3.createBucket(BUCKET);
    for (let d = 0; d < spec.days; d++) {
      const day = addDays(spec.from, d);
      const file = join(dir, `${day}.parquet`);
      await db.connection.run(`COPY (SELECT * FROM bench_metrics WHERE ds = DATE '${day}') TO '${file}' (FORMAT parquet)`);
      await s3.put(BUCKET, `${PREFIX}/metrics/${day}/part-0.parquet`, readFileSync(file));
      parquetFiles.push(file);
    }
  } finally {
    db.close();
  }
  return { ...spec, duckdbPath, parquetFiles };
}

/** The rows as COPY text, written once (untimed), read by the PostgreSQL store's COPY-in limit. */
export function writeCopyFile(url: string, dir: string): string {
  const file = join(dir, 'rows.copy');
  execFileSync('psql', [url, '-q', '-c', `\\copy (${QUERY}) to '${file}'`], { stdio: 'inherit' });
  return file;
}
