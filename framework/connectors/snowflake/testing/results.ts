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

/**
 * A one-row, one-column result built without DuckDB: the status line of a DDL statement or
 * the row count of a DML one. `value` is the column's wire text.
 */
export function singleValuePage(name: string, duckType: string, value: string): ResultPage {
  return { rowtype: [wireColumn(name, duckType).rowType], rowset: [[value]], total: 1, chunks: [] };
}

/** The fake's results by query id, each a DuckDB table dropped once all chunks are read. */
export class ResultStore {
  private readonly results = new Map<string, StoredResult>();
  private sequence = 0;

  constructor(private readonly connection: DuckDBConnection) {}

  /**
   * Executes a DuckDB query and returns the response page for it. A result of up to
   * INLINE_ROWS rows is read at once; a larger one is run again into a result table its
   * chunks are read from.
   */
  async create(
    queryId: string,
    sql: string,
    chunkUrl: (queryId: string, index: number) => string,
  ): Promise<ResultPage> {
    const query = sql.replace(/;\s*$/, '');
    const described = await this.connection.runAndReadAll(`DESCRIBE ${query}`);
    const columns = described.getRows().map(([name, type]) => wireColumn(String(name), String(type)));
    const rowtype = columns.map((column) => column.rowType);
    const first = await this.read(columns, `(${query})`, INLINE_ROWS + 1, 0);
    if (first.length <= INLINE_ROWS) return { rowtype, rowset: first, total: first.length, chunks: [] };

    const table = `fake_result_${++this.sequence}`;
    // DuckDB answers CREATE TABLE … AS with the number of rows written.
    const created = await this.connection.runAndReadAll(`CREATE TEMP TABLE ${table} AS ${query}`);
    const total = Number(created.getRows()[0]![0]);
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
    return { rowtype, rowset, total, chunks };
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
    return this.read(columns, table, count, offset);
  }

  /** Up to `count` rows of `from` (a table or a parenthesized query) from `offset`, as wire texts. */
  private async read(columns: WireColumn[], from: string, count: number, offset: number): Promise<(string | null)[][]> {
    if (count <= 0 || columns.length === 0) return [];
    // Columns by position: a result may name two columns alike, as Snowflake allows.
    const select = columns.map((column, index) => `${column.select(`q.c${index}`)} AS c${index}`);
    const names = columns.map((_, index) => `c${index}`);
    const reader = await this.connection.runAndReadAll(
      `SELECT ${select.join(', ')} FROM ${from} AS q(${names.join(', ')}) LIMIT ${count} OFFSET ${offset}`,
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
