/**
 * Runs DuckDB SQL over a set of S3 parquet objects: downloads them to a temp folder, binds the
 * `source` view on a fresh connection, runs the caller's work, then closes the connection and
 * removes the files, also when the work throws or a stream is abandoned.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { DuckDBConnection, DuckDBResult } from '@duckdb/node-api';
import type { SourceDuckDB } from '../shared/source-duckdb.js';
import type { ColumnInfo, Row } from '../types.js';
import { bindSourceSql } from './day-sql.js';
import { columnsOf, rowsOfChunk } from './duckdb-rows.js';
import { downloadObjects } from './download.js';
import type { ParquetObject } from './layout.js';

/** DuckDB access to downloaded parquet files. */
export class ParquetReader {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly duckdb: SourceDuckDB,
  ) {}

  /** Downloads `objects`, binds `source` to them and runs `work`; everything is cleaned up after. */
  async withFiles<T>(
    objects: readonly ParquetObject[],
    work: (connection: DuckDBConnection) => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    const files = await downloadObjects(this.client, this.bucket, objects, signal);
    const connection = await this.duckdb.instance.connect();
    try {
      await connection.run(bindSourceSql(files.paths));
      return await work(connection);
    } finally {
      connection.closeSync();
      await files.dispose();
    }
  }

  /** Like withFiles, for a streaming reader: cleanup runs when the consumer finishes or stops early. */
  async *streamFiles(
    objects: readonly ParquetObject[],
    sql: string,
    batchSize: number,
    signal?: AbortSignal,
  ): AsyncGenerator<Row[]> {
    const files = await downloadObjects(this.client, this.bucket, objects, signal);
    const connection = await this.duckdb.instance.connect();
    try {
      await connection.run(bindSourceSql(files.paths));
      yield* resultRows(await this.duckdb.withinCap(() => connection.stream(sql)), batchSize, signal);
    } finally {
      connection.closeSync();
      await files.dispose();
    }
  }
}

/** Result columns of a query, without reading its rows. */
export async function describeQuery(connection: DuckDBConnection, sql: string): Promise<ColumnInfo[]> {
  const prepared = await connection.prepare(`SELECT * FROM (${sql}) AS wharf_d LIMIT 0`);
  const result = await prepared.run();
  return columnsOf(result.columnNames(), result.columnTypes());
}

/** All rows of a small query (samples, stats). */
export async function readAll(connection: DuckDBConnection, sql: string): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const batch of resultRows(await connection.stream(sql), 10_000)) rows.push(...batch);
  return rows;
}

/** A streaming result's rows in batches of `batchSize`, one DuckDB chunk in memory at a time. */
async function* resultRows(result: DuckDBResult, batchSize: number, signal?: AbortSignal): AsyncGenerator<Row[]> {
  const columns = columnsOf(result.columnNames(), result.columnTypes());
  let batch: Row[] = [];
  for (;;) {
    signal?.throwIfAborted();
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    for (const row of rowsOfChunk(chunk, columns)) {
      batch.push(row);
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
        signal?.throwIfAborted();
      }
    }
  }
  if (batch.length > 0) yield batch;
}
