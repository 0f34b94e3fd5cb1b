/**
 * The Snowflake connector: one snowflake-sdk session per source, user SQL wrapped by the
 * shared query shapes, rows streamed with statement.streamRows() in bounded batches.
 */
import { timeoutOf } from '../shared/query-timeout.js';
import type { Readable } from 'node:stream';
import type { Connection, RowStatement } from 'snowflake-sdk';
import type {
  ColumnarExport,
  ColumnInfo,
  Connector,
  DayFilter,
  DayStats,
  DayStatsOptions,
  QuerySpec,
  Row,
  StreamOptions,
} from '../types.js';
import {
  dayQuery,
  dayStatsOf,
  dayStatsQuery,
  describeQuery,
  hasDataQuery,
  sampleQuery,
} from '../shared/wrapped-queries.js';
import { finishedDateOf, latestFinishedDateQuery } from '../shared/signal-table.js';
import { abortedError } from '../shared/errors.js';
import { snowflakeDialect } from './dialect.js';
import { snowflakeError } from './errors.js';
import { columnInfo, rowConverter, type SnowflakeColumn } from './values.js';
import { SNOWFLAKE_CAPABILITIES } from './capabilities.js';
import { snowflakeColumnarExport } from './columnar.js';
import { SESSION_SETUP } from './dialect.js';

/** Numbers and JSON arrive as text so precision and special values survive. */
const FETCH_AS_STRING = ['Number', 'JSON'] as const;

interface Executed {
  statement: RowStatement;
  rows: Record<string, unknown>[];
}

/** An open Snowflake session serving one source. */
export class SnowflakeConnector implements Connector {
  readonly kind = 'snowflake';
  readonly capabilities = SNOWFLAKE_CAPABILITIES;
  /** Days exported in bulk from the result chunks (see columnar.ts). */
  readonly columnar: ColumnarExport;

  /**
   * @param sessionOptions the options `connection` was created with (credentials included),
   *   for the bulk export's own session in its thread.
   */
  constructor(
    readonly sourceName: string,
    private readonly connection: Connection,
    sessionOptions: Record<string, unknown>,
  ) {
    this.columnar = snowflakeColumnarExport({
      describe: (query) => this.describe(query),
      dayStats: (query, filters) => this.dayStats(query, filters),
      threadSession: (sqlText, query) => ({
        connection: sessionOptions,
        setup: SESSION_SETUP,
        sqlText,
        parameters: timeoutParameter(query),
        fetchAsString: [...FETCH_AS_STRING],
      }),
      streamError: (query, err) => snowflakeError(this.site(query), err),
    });
  }

  async describe(query: QuerySpec): Promise<ColumnInfo[]> {
    const { statement } = await this.execute(describeQuery(query.sql), query);
    return columnsOf(statement).map(columnInfo);
  }

  async *streamDay(query: QuerySpec, filter: DayFilter, options: StreamOptions): AsyncIterable<Row[]> {
    const statement = await this.start(dayQuery(snowflakeDialect, query.sql, filter), query);
    const convert = rowConverter(columnsOf(statement));
    const stream: Readable = statement.streamRows();
    const abort = (): void => void stream.destroy(new Error('The stream was aborted.'));
    options.signal?.addEventListener('abort', abort, { once: true });
    let batch: Row[] = [];
    let finished = false;
    try {
      for await (const raw of stream) {
        batch.push(convert(raw as Record<string, unknown>));
        if (batch.length >= options.batchSize) {
          yield batch;
          batch = [];
        }
      }
      finished = true;
    } catch (err) {
      throw options.signal?.aborted ? abortedError(this.site(query)) : snowflakeError(this.site(query), err);
    } finally {
      options.signal?.removeEventListener('abort', abort);
      stream.destroy();
      // A consumer that stops early should not leave the warehouse working for nobody.
      if (!finished) statement.cancel(() => undefined);
    }
    if (batch.length > 0) yield batch;
  }

  async sample(query: QuerySpec, limit: number): Promise<Row[]> {
    const { statement, rows } = await this.execute(sampleQuery(query.sql, limit), query);
    const convert = rowConverter(columnsOf(statement));
    return rows.map(convert);
  }

  async dayStats(query: QuerySpec, filters: DayFilter[], options?: DayStatsOptions): Promise<DayStats[]> {
    if (filters.length === 0) return [];
    const { rows } = await this.execute(dayStatsQuery(snowflakeDialect, query.sql, filters, options), query);
    return dayStatsOf(filters, rows);
  }

  async hasData(query: QuerySpec, filter: DayFilter): Promise<boolean> {
    const { rows } = await this.execute(hasDataQuery(snowflakeDialect, query.sql, filter), query);
    return rows.length > 0;
  }

  async latestFinishedDate(signal: { table?: string }): Promise<string | null> {
    const { statement, rows } = await this.execute(latestFinishedDateQuery(this.sourceName, signal.table));
    const row = rows[0] ? rowConverter(columnsOf(statement))(rows[0]) : undefined;
    return finishedDateOf(row ? Object.values(row)[0] : null);
  }

  async close(): Promise<void> {
    if (!this.connection.isUp()) return;
    await new Promise<void>((resolve) => this.connection.destroy(() => resolve()));
  }

  /** Runs a statement and collects its (small) result. */
  execute(sqlText: string, query?: QuerySpec): Promise<Executed> {
    return new Promise((resolve, reject) => {
      this.connection.execute({
        sqlText,
        fetchAsString: [...FETCH_AS_STRING],
        parameters: timeoutParameter(query),
        complete: (err, statement, rows) =>
          err
            ? reject(snowflakeError(this.site(query), err))
            : resolve({ statement, rows: (rows ?? []) as Record<string, unknown>[] }),
      });
    });
  }

  /** Starts a statement whose rows will be streamed as objects. */
  private start(sqlText: string, query: QuerySpec): Promise<RowStatement> {
    return new Promise((resolve, reject) => {
      this.connection.execute({
        sqlText,
        streamResult: true,
        fetchAsString: [...FETCH_AS_STRING],
        parameters: timeoutParameter(query),
        complete: (err, statement) => (err ? reject(snowflakeError(this.site(query), err)) : resolve(statement)),
      });
    });
  }

  private site(query?: QuerySpec) {
    return { kind: this.kind, sourceName: this.sourceName, query };
  }
}

/** Snowflake cancels a statement that runs past STATEMENT_TIMEOUT_IN_SECONDS (the query timeout, at least a second). */
function timeoutParameter(query: QuerySpec | undefined): Record<string, number> {
  return { STATEMENT_TIMEOUT_IN_SECONDS: Math.max(1, Math.ceil(timeoutOf(query) / 1000)) };
}

function columnsOf(statement: RowStatement): SnowflakeColumn[] {
  return (statement.getColumns() ?? []) as unknown as SnowflakeColumn[];
}
