/**
 * Query results of the Snowflake protocol fake, kept as DuckDB tables so a million-row result
 * costs no JavaScript heap: the first rows travel inline, the rest as chunks fetched by URL.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { wireColumn, type RowType, type WireColumn } from './wire-format.js';

/** Rows returned inline in the query response; the rest are chunks. */
const INLINE_ROWS = 1_000;
/** Rows per downloadable chunk. */
export const CHUNK_ROWS = 10_000;

export interface ChunkRef {
  url: string;
  rowCount: number;
  uncompressedSize: number;
  compressedSize: number;
}

/** What a query-request response needs from a result. */
export interface ResultPage {
  rowtype: RowType[];
  rowset: (string | null)[][];
  total: number;
  chunks: ChunkRef[];
}

interface StoredResult {
  table: string;
  columns: WireColumn[];
  total: number;
  chunkCount: number;
  served: Set<number>;
}

/** The fake's results by query id, each a DuckDB table dropped once all chunks are read. */
export class ResultStore {
  private readonly results = new Map<string, StoredResult>();
  private sequence = 0;

  constructor(private readonly connection: DuckDBConnection) {}

  /** Executes DuckDB SQL into a result table and returns the response page for it. */
  async create(
    queryId: string,
    sql: string,
    chunkUrl: (queryId: string, index: number) => string,
  ): Promise<ResultPage> {
    const table = `fake_result_${++this.sequence}`;
    await this.connection.run(`CREATE TEMP TABLE ${table} AS ${sql}`);
    const described = await this.connection.runAndReadAll(`SELECT column_name, column_type FROM (DESCRIBE ${table})`);
    const columns = described.getRows().map(([name, type]) => wireColumn(String(name), String(type)));
    const counted = await this.connection.runAndReadAll(`SELECT COUNT(*) FROM ${table}`);
    const total = Number(counted.getRows()[0]![0]);
    const chunks: ChunkRef[] = [];
    for (let start = INLINE_ROWS, index = 0; start < total; start += CHUNK_ROWS, index++) {
      const rowCount = Math.min(CHUNK_ROWS, total - start);
      chunks.push({
        url: chunkUrl(queryId, index),
        rowCount,
        uncompressedSize: rowCount * 64,
        compressedSize: rowCount * 64,
      });
    }
    this.results.set(queryId, { table, columns, total, chunkCount: chunks.length, served: new Set() });
    const rowset = await this.rows(queryId, 0, Math.min(INLINE_ROWS, total));
    if (chunks.length === 0) await this.drop(queryId);
    return { rowtype: columns.map((column) => column.rowType), rowset, total, chunks };
  }

  /** Body of chunk `index`: the rows as JSON arrays joined by commas, without brackets. */
  async chunk(queryId: string, index: number): Promise<string | undefined> {
    const result = this.results.get(queryId);
    if (!result) return undefined;
    const start = INLINE_ROWS + index * CHUNK_ROWS;
    const rows = await this.rows(queryId, start, Math.min(CHUNK_ROWS, result.total - start));
    result.served.add(index);
    if (result.served.size >= result.chunkCount) await this.drop(queryId);
    return rows.map((row) => JSON.stringify(row)).join(',');
  }

  async dropAll(): Promise<void> {
    for (const queryId of [...this.results.keys()]) await this.drop(queryId);
  }

  private async rows(queryId: string, offset: number, count: number): Promise<(string | null)[][]> {
    const { table, columns } = this.results.get(queryId)!;
    if (count <= 0 || columns.length === 0) return [];
    const select = columns.map(
      (column, index) => `${column.select(`"${column.rowType.name.replaceAll('"', '""')}"`)} AS c${index}`,
    );
    const reader = await this.connection.runAndReadAll(
      `SELECT ${select.join(', ')} FROM ${table} LIMIT ${count} OFFSET ${offset}`,
    );
    return reader.getRows().map((row) =>
      row.map((value, index) => {
        if (value === null) return null;
        const finish = columns[index]!.finish;
        return finish ? finish(String(value)) : String(value);
      }),
    );
  }

  private async drop(queryId: string): Promise<void> {
    const result = this.results.get(queryId);
    if (!result) return;
    this.results.delete(queryId);
    await this.connection.run(`DROP TABLE IF EXISTS ${result.table}`);
  }
}
