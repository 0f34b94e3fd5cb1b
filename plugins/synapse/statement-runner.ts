/**
 * T-SQL statements over a lazily connected mssql pool: small results in one batch call, a
 * day's rows through mssql's readable stream (back-pressure), one row per page. Failures
 * become WharfErrors naming the source (and the mapping, for SQL errors).
 */
import type { ColumnInfo, QuerySpec, ResultPage, Row, StatementRunner } from '@wharf/framework';
import type { ConnectionPool } from 'mssql';
import { synapseError } from './errors.js';
import { columnInfo, normalize } from './values.js';

type ColumnMeta = Record<string, { name: string; type: unknown }>;

/** The StatementRunner of the Synapse connector. */
export class SynapseRunner implements StatementRunner {
  private connected?: Promise<ConnectionPool>;

  constructor(
    private readonly sourceName: string,
    private readonly pool: ConnectionPool,
  ) {}

  async *pages(sql: string, query?: QuerySpec): AsyncGenerator<ResultPage> {
    const request = (await this.connect()).request();
    let columns: ColumnInfo[] = [];
    request.on('recordset', (meta: ColumnMeta) => {
      columns = columnsOf(meta);
    });
    const stream = request.toReadableStream();
    void request.batch(sql).catch(() => undefined);
    try {
      for await (const raw of stream as AsyncIterable<Record<string, unknown>>) {
        yield { columns, rows: [toRow(raw, columns)] };
      }
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
