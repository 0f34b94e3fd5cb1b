/**
 * The DuckDB source: a local database file, opened read-only; the demo warehouse is one.
 * Rows are pulled chunk by chunk from a streaming result, so memory follows the batch size.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { JSDuckDBValueConverter, type DuckDBConnection, type DuckDBResult } from '@duckdb/node-api';
import type { DuckDBSource } from '../../config/types.js';
import { ensureDemoDatabase } from '../../demo/generate.js';
import { WharfError } from '../../diagnostics/errors.js';
import { normalizeDuckDBValue } from '../../store/duckdb/values.js';
import { openDuckDB, type DuckDBHandle } from '../../util/duckdb.js';
import { daySql, quoteIdent, queryLabel, wrapQuery } from '../sql/day-query.js';
import type { ColumnInfo, Connector, ConnectorCapabilities, ConnectorContext, DayFilter, DayStats, QuerySpec, Row, StreamOptions } from '../types.js';
import { logicalType } from './types.js';

export const DUCKDB_CAPABILITIES: ConnectorCapabilities = { fingerprint: true, dryRunEstimate: false, signals: 'table' };

export class DuckDBConnector implements Connector {
  readonly kind = 'duckdb';
  readonly capabilities = DUCKDB_CAPABILITIES;

  private constructor(readonly sourceName: string, private readonly handle: DuckDBHandle) {}

  static async open(config: DuckDBSource, context: ConnectorContext): Promise<DuckDBConnector> {
    const path = isAbsolute(config.path) ? config.path : join(context.projectRoot, config.path);
    if (config.generate === 'demo') await ensureDemoDatabase(path);
    if (!existsSync(path)) {
      throw new WharfError(`Source '${config.name}' (duckdb): the database file ${config.path} does not exist.`, {
        code: 'source.duckdb-missing',
        errorClass: 'connection',
        hint: "Fix `path` in the source module, or set `generate: 'demo'` to create the demo warehouse there.",
      });
    }
    try {
      return new DuckDBConnector(config.name, await openDuckDB(path, { access_mode: 'READ_ONLY' }));
    } catch (err) {
      throw new WharfError(`Source '${config.name}' (duckdb): cannot open ${config.path}: ${(err as Error).message}`, {
        code: 'source.duckdb-open', errorClass: 'connection', cause: err,
      });
    }
  }

  private fail(query: QuerySpec, err: unknown): WharfError {
    if (err instanceof WharfError) return err;
    return new WharfError(`Query failed for ${queryLabel(this.sourceName, this.kind, query)}: ${(err as Error).message}`, {
      code: 'query.failed', errorClass: 'query', cause: err,
      hint: `Run the SQL of ${query.sqlFile} against the source to see the problem, then fix the file.`,
    });
  }

  private async withConnection<T>(query: QuerySpec, fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
    const connection = await this.handle.instance.connect();
    try {
      return await fn(connection);
    } catch (err) {
      throw this.fail(query, err);
    } finally {
      connection.closeSync();
    }
  }

  describe(query: QuerySpec): Promise<ColumnInfo[]> {
    return this.withConnection(query, async (c) => {
      const result = await c.run(wrapQuery(query, undefined) + ' LIMIT 0');
      return result.columnNames().map((name, i) => ({
        name, type: logicalType(result.columnTypeId(i)), nativeType: result.columnType(i).toString(),
      }));
    });
  }

  async *streamDay(query: QuerySpec, filter: DayFilter, options: StreamOptions): AsyncIterable<Row[]> {
    const connection = await this.handle.instance.connect();
    try {
      let result: DuckDBResult;
      try {
        result = await connection.stream(daySql(query, filter));
      } catch (err) {
        throw this.fail(query, err);
      }
      yield* batches(result, options, (err) => this.fail(query, err));
    } finally {
      connection.closeSync();
    }
  }

  sample(query: QuerySpec, limit: number): Promise<Row[]> {
    return this.withConnection(query, async (c) => {
      const result = await c.stream(`${wrapQuery(query)} LIMIT ${Math.max(0, Math.floor(limit))}`);
      const rows: Row[] = [];
      for await (const batch of batches(result, { batchSize: 1000 }, (err) => this.fail(query, err))) rows.push(...batch);
      return rows;
    });
  }

  dayStats(query: QuerySpec, filters: DayFilter[]): Promise<DayStats[]> {
    return this.withConnection(query, async (c) => {
      const out: DayStats[] = [];
      for (const filter of filters) {
        const sql = daySql(query, filter).replace(/^SELECT \*/, 'SELECT count(*) AS n, CAST(bit_xor(hash(wharf_q)) AS VARCHAR) AS fp');
        const [row] = (await c.runAndReadAll(sql)).getRowsJS();
        out.push({ day: filter.day, rowCount: Number(row[0]), fingerprint: row[0] ? `duckdb:${String(row[1])}` : null });
      }
      return out;
    });
  }

  hasData(query: QuerySpec, filter: DayFilter): Promise<boolean> {
    return this.withConnection(query, async (c) => {
      const rows = (await c.runAndReadAll(`${daySql(query, filter)} LIMIT 1`)).getRows();
      return rows.length > 0;
    });
  }

  async latestFinishedDate(signal: { table?: string }): Promise<string | null> {
    if (!signal.table) return null;
    const table = signal.table.split('.').map(quoteIdent).join('.');
    const connection = await this.handle.instance.connect();
    try {
      const [row] = (await connection.runAndReadAll(`SELECT CAST(max(finished_date) AS VARCHAR) FROM ${table}`)).getRowsJS();
      return (row?.[0] as string | null) ?? null;
    } catch (err) {
      throw new WharfError(`Source '${this.sourceName}' (duckdb): cannot read signal table ${signal.table}: ${(err as Error).message}`, {
        code: 'signal.failed', errorClass: 'query', cause: err,
      });
    } finally {
      connection.closeSync();
    }
  }

  async close(): Promise<void> {
    this.handle.close();
  }
}

/** Chunks of a streaming result regrouped into batches of `batchSize` normalized rows. */
async function* batches(result: DuckDBResult, options: StreamOptions, fail: (err: unknown) => Error): AsyncIterable<Row[]> {
  const names = result.columnNames();
  const typeIds = names.map((_, i) => result.columnTypeId(i));
  let batch: Row[] = [];
  for (;;) {
    if (options.signal?.aborted) throw fail(new Error('the load was cancelled'));
    let chunk;
    try {
      chunk = await result.fetchChunk();
    } catch (err) {
      throw fail(err);
    }
    if (!chunk || chunk.rowCount === 0) break;
    for (const values of chunk.convertRows(JSDuckDBValueConverter)) {
      const row: Row = {};
      for (let i = 0; i < names.length; i++) row[names[i]] = normalizeDuckDBValue(values[i], typeIds[i]) as Row[string];
      batch.push(row);
    }
    if (batch.length >= options.batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}
