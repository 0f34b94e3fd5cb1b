/**
 * The DuckDB source: a local database file, opened read-only; the demo warehouse is one.
 * Rows are pulled chunk by chunk from a streaming result, so memory follows the batch size.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { type DuckDBConnection, type DuckDBDataChunk, type DuckDBResult } from '@duckdb/node-api';
import type { DuckDBSource } from '../../config/types.js';
import { ensureDemoDatabase } from '../../demo/generate.js';
import { WharfError } from '../../diagnostics/errors.js';
import { normalizeDuckDBValue, SOURCE_VALUE_CONVERTER } from '../../util/duckdb-values.js';
import { abortedError } from '../shared/errors.js';
import { finishedDateOf, latestFinishedDateQuery } from '../shared/signal-table.js';
import { dayQuery, dayStatsQuery, describeQuery, hasDataQuery, sampleQuery } from '../shared/wrapped-queries.js';
import { duckdbDialect } from './dialect.js';
import type {
  ColumnarExport,
  ColumnInfo,
  Connector,
  ConnectorCapabilities,
  ConnectorContext,
  DayFilter,
  DayStats,
  DayStatsOptions,
  QuerySpec,
  Row,
  StreamOptions,
} from '../types.js';
import { duckdbColumnarExport } from './columnar.js';
import { logicalType } from './values.js';
import { Watchdog } from './watchdog.js';
import { queryTimeoutError, timeoutOf } from '../shared/query-timeout.js';
import { openEncryptedDuckDB } from './encrypted-file.js';
import { openSourceDuckDB, type SourceDuckDB } from '../shared/source-duckdb.js';
import { missingFileError, openError, queryError } from './errors.js';

export const DUCKDB_CAPABILITIES: ConnectorCapabilities = {
  fingerprint: true,
  signals: 'table',
};

export class DuckDBConnector implements Connector {
  readonly kind = 'duckdb';
  readonly capabilities = DUCKDB_CAPABILITIES;

  /** Days exported in bulk by DuckDB itself (see columnar.ts). */
  readonly columnar: ColumnarExport;

  private constructor(
    readonly sourceName: string,
    private readonly handle: SourceDuckDB,
  ) {
    this.columnar = duckdbColumnarExport({
      run: (query, fn) => this.withConnection(query, fn),
      dayStats: (query, filters, options) => this.dayStats(query, filters, options),
      describe: (query) => this.describe(query),
    });
  }

  static async open(config: DuckDBSource, context: ConnectorContext): Promise<DuckDBConnector> {
    const path = isAbsolute(config.path) ? config.path : join(context.projectRoot, config.path);
    if (config.generate === 'demo') await ensureDemoDatabase(path);
    if (!existsSync(path)) throw missingFileError(config);
    if (config.encryptionKey) return new DuckDBConnector(config.name, await openEncryptedDuckDB(path, config, context));
    try {
      return new DuckDBConnector(config.name, await openSourceDuckDB(path, { access_mode: 'READ_ONLY' }));
    } catch (err) {
      throw openError(config, err);
    }
  }

  private fail(query: QuerySpec | undefined, err: unknown): WharfError {
    return queryError(this.sourceName, query, err);
  }

  private async withConnection<T>(query: QuerySpec, fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
    const connection = await this.handle.instance.connect();
    const watchdog = new Watchdog(connection, timeoutOf(query));
    try {
      return await fn(connection);
    } catch (err) {
      throw watchdog.fired ? queryTimeoutError(this.sourceName, query, err) : this.fail(query, err);
    } finally {
      watchdog.pause();
      connection.closeSync();
    }
  }

  /** A query without side effects on a connection of its own, run again when the cap grows (withinCap). */
  private read<T>(query: QuerySpec, fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.withConnection(query, (c) => this.handle.withinCap(() => fn(c)));
  }

  describe(query: QuerySpec): Promise<ColumnInfo[]> {
    return this.read(query, async (c) => {
      const result = await c.run(describeQuery(query.sql));
      return result.columnNames().map((name, i) => ({
        name,
        type: logicalType(result.columnTypeId(i), result.columnLogicalType(i).alias),
        nativeType: result.columnType(i).toString(),
      }));
    });
  }

  async *streamDay(query: QuerySpec, filter: DayFilter, options: StreamOptions): AsyncIterable<Row[]> {
    const connection = await this.handle.instance.connect();
    const watchdog = new Watchdog(connection, timeoutOf(query));
    const fail = (err: unknown) =>
      watchdog.fired ? queryTimeoutError(this.sourceName, query, err) : this.fail(query, err);
    try {
      let started: { result: DuckDBResult; first: DuckDBDataChunk | null };
      try {
        // The first chunk is read within the cap too: its fetch may need memory the start did
        // not (a CSV the query reads, whose reader's buffer another day's stream also holds),
        // and until it no row has been handed on, so the query can run again.
        started = await this.handle.withinCap(async () => {
          const result = await connection.stream(dayQuery(duckdbDialect, query.sql, filter));
          return { result, first: await result.fetchChunk() };
        });
      } catch (err) {
        throw fail(err);
      }
      const aborted = () => abortedError({ kind: this.kind, sourceName: this.sourceName, query });
      for await (const batch of batches(started, options, fail, aborted)) {
        // The consumer's time with a batch is not the query's.
        watchdog.pause();
        yield batch;
        watchdog.resume();
      }
    } finally {
      watchdog.pause();
      connection.closeSync();
    }
  }

  sample(query: QuerySpec, limit: number): Promise<Row[]> {
    return this.read(query, async (c) => {
      const result = await c.stream(sampleQuery(query.sql, limit));
      const rows: Row[] = [];
      for await (const batch of batches({ result }, { batchSize: 1000 }, (err) => this.fail(query, err)))
        rows.push(...batch);
      return rows;
    });
  }

  dayStats(query: QuerySpec, filters: DayFilter[], options?: DayStatsOptions): Promise<DayStats[]> {
    if (filters.length === 0) return Promise.resolve([]);
    return this.read(query, async (c) => {
      const rows = (await c.runAndReadAll(dayStatsQuery(duckdbDialect, query.sql, filters, options))).getRowsJS();
      const byDay = new Map(rows.map((r) => [String(r[0]), r]));
      return filters.map((f) => {
        const row = byDay.get(f.day);
        const count = Number(row?.[1] ?? 0);
        return {
          day: f.day,
          rowCount: count,
          fingerprint: count && row?.[2] !== null && row?.[2] !== undefined ? `duckdb:${String(row[2])}` : null,
        };
      });
    });
  }

  hasData(query: QuerySpec, filter: DayFilter): Promise<boolean> {
    return this.read(
      query,
      async (c) => (await c.runAndReadAll(hasDataQuery(duckdbDialect, query.sql, filter))).getRows().length > 0,
    );
  }

  async latestFinishedDate(signal: { table?: string }): Promise<string | null> {
    const sql = latestFinishedDateQuery(this.sourceName, signal.table);
    const connection = await this.handle.instance.connect();
    try {
      const reader = await connection.runAndReadAll(sql);
      const value = normalizeDuckDBValue(reader.getRowsJS()[0]?.[0] ?? null, reader.columnTypeId(0));
      return finishedDateOf(value as never);
    } catch (err) {
      throw this.fail(undefined, err);
    } finally {
      connection.closeSync();
    }
  }

  async close(): Promise<void> {
    this.handle.close();
  }
}

/**
 * Chunks of a streaming result regrouped into batches of `batchSize` normalized rows; `first`,
 * when given, is the result's first chunk, already fetched.
 */
async function* batches(
  { result, first }: { result: DuckDBResult; first?: DuckDBDataChunk | null },
  options: StreamOptions,
  fail: (err: unknown) => Error,
  aborted = () => fail(new Error('cancelled')),
): AsyncIterable<Row[]> {
  const names = result.columnNames();
  const typeIds = names.map((_, i) => result.columnTypeId(i));
  let batch: Row[] = [];
  for (;;) {
    if (options.signal?.aborted) throw aborted();
    let chunk = first;
    first = undefined;
    try {
      if (chunk === undefined) chunk = await result.fetchChunk();
    } catch (err) {
      throw fail(err);
    }
    if (!chunk || chunk.rowCount === 0) break;
    for (const values of chunk.convertRows(SOURCE_VALUE_CONVERTER)) {
      const row: Row = {};
      for (let i = 0; i < names.length; i++) row[names[i]] = normalizeDuckDBValue(values[i], typeIds[i]) as Row[string];
      batch.push(row);
      if (batch.length >= options.batchSize) {
        yield batch;
        batch = [];
        if (options.signal?.aborted) throw aborted();
      }
    }
  }
  if (batch.length) yield batch;
}
