/**
 * T-SQL statements over a lazily connected mssql pool: small results in one batch call, a
 * day's rows through mssql's readable stream (back-pressure), in pages of up to PAGE_ROWS rows.
 * Failures become WharfErrors naming the source (and the mapping, for SQL errors).
 */
import {
  rowPages,
  type ColumnInfo,
  type QuerySpec,
  type RawResultPage,
  type ResultPage,
  type Row,
  type RowValue,
  type StatementRunner,
} from '@wharf/framework';
import type { ConnectionPool } from 'mssql';
import { synapseError } from './errors.js';
import { columnInfo, normalize } from './values.js';

type ColumnMeta = Record<string, { name: string; type: unknown }>;

/** Rows a page holds at most: the stream's rows are handed on in pages, not one by one. */
const PAGE_ROWS = 1_000;

/** The StatementRunner of the Synapse connector. */
export class SynapseRunner implements StatementRunner {
  private connected?: Promise<ConnectionPool>;

  constructor(
    private readonly sourceName: string,
    private readonly pool: ConnectionPool,
  ) {}

  pages(sql: string, query?: QuerySpec, signal?: AbortSignal): AsyncIterable<ResultPage> {
    return rowPages(this.rawPages(sql, query, signal), this.value);
  }

  /** A value as mssql gives it, as the connector contract's value. */
  readonly value = (raw: unknown, column: ColumnInfo): RowValue => normalize(raw, column);

  /** The pages with each value as mssql gives it (a string, number, Date or Buffer). */
  async *rawPages(sql: string, query?: QuerySpec, signal?: AbortSignal): AsyncGenerator<RawResultPage> {
    const request = (await this.connect()).request();
    let columns: ColumnInfo[] = [];
    request.on('recordset', (meta: ColumnMeta) => {
      columns = columnsOf(meta);
    });
    const stream = request.toReadableStream();
    void request.batch(sql).catch(() => undefined);
    let rows: unknown[][] = [];
    try {
      for await (const raw of stream as AsyncIterable<Record<string, unknown>>) {
        rows.push(columns.map((c) => raw[c.name]));
        if (rows.length < PAGE_ROWS) continue;
        yield { columns, rows };
        rows = [];
        signal?.throwIfAborted();
      }
      if (rows.length > 0) yield { columns, rows };
    } catch (err) {
      throw synapseError(err, this.sourceName, query);
    } finally {
      stream.destroy();
    }
  }

  async all(sql: string, query?: QuerySpec): Promise<ResultPage> {
    const pool = await this.connect();
    try {
      const result = await pool.request().batch(sql);
      const columns = columnsOf((result.recordset as unknown as { columns?: ColumnMeta } | undefined)?.columns ?? {});
      return { columns, rows: (result.recordset ?? []).map((raw: Record<string, unknown>) => toRow(raw, columns)) };
    } catch (err) {
      throw synapseError(err, this.sourceName, query);
    }
  }

  /** Closes the pool if it was ever connected. */
  async close(): Promise<void> {
    if (this.connected) await this.pool.close();
  }

  private connect(): Promise<ConnectionPool> {
    this.connected ??= this.pool.connect().catch((err: unknown) => {
      this.connected = undefined;
      throw synapseError(err, this.sourceName);
    });
    return this.connected;
  }
}

function columnsOf(meta: ColumnMeta): ColumnInfo[] {
  return Object.values(meta).map((c) => columnInfo(c.name, c.type));
}

function toRow(raw: Record<string, unknown>, columns: ColumnInfo[]): Row {
  const row: Row = {};
  for (const column of columns) row[column.name] = normalize(raw[column.name], column);
  return row;
}
