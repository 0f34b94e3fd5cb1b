/**
 * Test support: tables made by SQL statements in DuckDB, written as parquet files into an S3
 * test server, one prefix per table (`<table>/<dataset>/<day>/part-0.parquet`), and an S3
 * source for each, named after its table (its credentials in `<BUCKET>_S3_KEY` and
 * `<BUCKET>_S3_SECRET`).
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { S3Source } from '../../framework/config/types.js';
import { openDuckDB } from '../../framework/util/duckdb.js';
import { tempDir } from './engine-fixture.js';
import { S3_TEST_CREDENTIALS, type S3TestServer } from './s3-server.js';

export interface ParquetTables {
  bucket: string;
  day: string;
  /** DuckDB statements that create the tables. */
  statements: string[];
  /** Each table and the dataset folder its file goes in. */
  tables: [table: string, dataset: 'events' | 'metrics'][];
}

export async function parquetS3Sources(server: S3TestServer, spec: ParquetTables): Promise<S3Source[]> {
  await server.createBucket(spec.bucket);
  const dir = tempDir('wharf-parquet-s3-');
  const db = await openDuckDB(':memory:');
  try {
    for (const s of spec.statements) await db.connection.run(s);
    for (const [table, dataset] of spec.tables) {
      const file = join(dir, `${table}.parquet`);
      await db.connection.run(`COPY ${table} TO '${file}' (FORMAT parquet)`);
      await server.put(spec.bucket, `${table}/${dataset}/${spec.day}/part-0.parquet`, readFileSync(file));
    }
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const env = `${spec.bucket.toUpperCase()}_S3`;
  process.env[`${env}_KEY`] = S3_TEST_CREDENTIALS.accessKeyId;
  process.env[`${env}_SECRET`] = S3_TEST_CREDENTIALS.secretAccessKey;
  return spec.tables.map(([table]) => ({
    kind: 's3',
    name: table,
    region: 'us-east-1',
    bucket: spec.bucket,
    prefix: table,
    endpoint: server.endpoint,
    forcePathStyle: true,
    accessKeyId: { env: `${env}_KEY` },
    secretAccessKey: { env: `${env}_SECRET` },
  }));
}
