/**
 * The Synapse connector: T-SQL over a mssql connection pool. The user's query is wrapped
 * with Wharf's day filter (instants as DATETIME2 in UTC), counts and presence checks; rows are
 * streamed with back-pressure through mssql's readable stream.
 */
import {
  abortedError,
  WharfError,
  registerSecret,
  sqlDayQueries,
  utcWallTime,
  type ColumnInfo,
  type Connector,
  type ConnectorContext,
  type DayFilter,
  type DayStats,
  type QuerySpec,
  type Row,
  type SqlDialect,
  type StreamOptions,
} from '@wharf/framework';
import type { ConnectionPool } from 'mssql';
import type { SynapseSource } from './config.js';
import { synapseError } from './errors.js';
import { columnInfo, normalize } from './values.js';

export const TSQL_DIALECT: SqlDialect = {
  quoteIdentifier: (name) => `"${name.replace(/"/g, '""')}"`,
  timestamp: (instant) => utcWallTime(instant, 'DATETIME2'),
  limit: (sql, n) => sql.replace(/^SELECT /, `SELECT TOP (${n}) `),
};

export async function openSynapse(config: SynapseSource, context: ConnectorContext): Promise<Connector> {
  const mssql = await importDriver();
  const password = context.resolveSecret(config.password, 'password');
  registerSecret(password);
  const pool = new mssql.ConnectionPool({
    server: config.server,
    port: config.port ?? 1433,
    database: config.database,
    user: config.user,
    password,
    requestTimeout: config.requestTimeoutMs ?? 600_000,
    options: { encrypt: config.encrypt ?? true, trustServerCertificate: config.trustServerCertificate ?? false, useUTC: true },
    pool: { max: Math.max(2, config.maxConcurrency ?? 2), min: 0 },
    // Check pooled connections by their socket and login state instead of a `SELECT 1` round
    // trip before every statement.
    validateConnection: 'socket',
  } as import('mssql').config);
  return new SynapseConnector(config.name, pool);
}

async function importDriver() {
  try {
    return (await import('mssql')).default;
  } catch (err) {
    throw new WharfError('The Synapse connector needs mssql, which is not installed.', { code: 'synapse.driver-missing', errorClass: 'config', hint: 'Run `npm install mssql`.', cause: err });
  }
}

class SynapseConnector implements Connector {
  readonly kind = 'synapse';
  readonly capabilities = { fingerprint: false, dryRunEstimate: false, signals: 'table' } as const;
  private connected?: Promise<ConnectionPool>;

  constructor(
    readonly sourceName: string,
    private readonly pool: ConnectionPool,
  ) {}

  async describe(query: QuerySpec): Promise<ColumnInfo[]> {
    return (await this.all(sqlDayQueries(TSQL_DIALECT, query).describe(), query)).columns;
  }

  async *streamDay(query: QuerySpec, filter: DayFilter, options: StreamOptions): AsyncIterable<Row[]> {
    const request = (await this.connect()).request();
    let columns: ColumnInfo[] = [];
    request.on('recordset', (meta: Record<string, { name: string; type: unknown }>) => {
      columns = Object.values(meta).map((c) => columnInfo(c.name, c.type));
    });
    const stream = request.toReadableStream();
    void request.batch(sqlDayQueries(TSQL_DIALECT, query).day(filter)).catch(() => undefined);
    let batch: Row[] = [];
    try {
      for await (const raw of stream as AsyncIterable<Record<string, unknown>>) {
        batch.push(toRow(raw, columns));
        if (batch.length >= options.batchSize) {
          yield batch;
          batch = [];
          options.signal?.throwIfAborted();
        }
      }
    } catch (err) {
      if (options.signal?.aborted) throw abortedError({ kind: this.kind, sourceName: this.sourceName, query });
      throw synapseError(err, this.sourceName, query);
    } finally {
      stream.destroy();
    }
    if (batch.length > 0) yield batch;
  }

  async sample(query: QuerySpec, limit: number): Promise<Row[]> {
    return (await this.all(sqlDayQueries(TSQL_DIALECT, query).sample(limit), query)).rows;
  }

  async dayStats(query: QuerySpec, filters: DayFilter[]): Promise<DayStats[]> {
    const out: DayStats[] = [];
    for (const filter of filters) {
      const { rows } = await this.all(sqlDayQueries(TSQL_DIALECT, query).count(filter), query);
      out.push({ day: filter.day, rowCount: Number(rows[0]?.row_count ?? 0), fingerprint: null });
    }
    return out;
  }

  async hasData(query: QuerySpec, filter: DayFilter): Promise<boolean> {
    const { rows } = await this.all(sqlDayQueries(TSQL_DIALECT, query).exists(filter), query);
    return Number(rows[0]?.has_data ?? 0) === 1;
  }

  async latestFinishedDate(signal: { table?: string }): Promise<string | null> {
    const table = signal.table ?? '';
    if (!/^[A-Za-z_][\w$]*(\.[A-Za-z_][\w$]*){0,2}$/.test(table)) {
      throw new WharfError(`Source '${this.sourceName}': the signal table ${JSON.stringify(signal.table)} is not a table name.`, {
        code: 'signal.table-name',
        errorClass: 'config',
        hint: "Name the table holding finished_date, e.g. table: 'dbo.ingestion_signals'.",
      });
    }
    const { rows } = await this.all(`SELECT CAST(MAX(CAST(finished_date AS DATE)) AS VARCHAR(10)) AS latest FROM ${table}`);
    const latest = rows[0]?.latest;
    return typeof latest === 'string' ? latest : null;
  }

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

  private async all(sql: string, query?: QuerySpec): Promise<{ columns: ColumnInfo[]; rows: Row[] }> {
    const pool = await this.connect();
    try {
      const result = await pool.request().batch(sql);
      const meta = (result.recordset as unknown as { columns?: Record<string, { name: string; type: unknown }> } | undefined)?.columns ?? {};
      const columns = Object.values(meta).map((c) => columnInfo(c.name, c.type));
      return { columns, rows: (result.recordset ?? []).map((raw: Record<string, unknown>) => toRow(raw, columns)) };
    } catch (err) {
      throw synapseError(err, this.sourceName, query);
    }
  }
}

function toRow(raw: Record<string, unknown>, columns: ColumnInfo[]): Row {
  const row: Row = {};
  for (const column of columns) row[column.name] = normalize(raw[column.name], column);
  return row;
}
