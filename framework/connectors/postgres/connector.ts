/**
 * The PostgreSQL and Redshift source (both speak the PostgreSQL protocol). A day streams
 * through a server-side cursor (pg-cursor), one batch per fetch, so memory follows the batch
 * size and not the day's size. Sessions run in UTC so TIMESTAMP bounds mean UTC instants.
 */
import pg from 'pg';
import Cursor from 'pg-cursor';
import type { PostgresSource, RedshiftSource } from '../../config/types.js';
import { abortedError } from '../shared/errors.js';
import { finishedDateOf, latestFinishedDateQuery } from '../shared/signal-table.js';
import type { SqlDialect } from '../shared/sql-dialect.js';
import { dayQuery, dayStatsQuery, describeQuery, hasDataQuery, sampleQuery } from '../shared/wrapped-queries.js';
import { postgresDialect, redshiftDialect } from './dialect.js';
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
import { pgClientConfig } from './options.js';
import { pgError } from './errors.js';
import { logicalTypeOf } from './values.js';
import { pgColumnarExport } from './columnar.js';
import { timeoutOf } from '../shared/query-timeout.js';

export const PG_CAPABILITIES: ConnectorCapabilities = { fingerprint: true, signals: 'table' };
export const REDSHIFT_CAPABILITIES: ConnectorCapabilities = { ...PG_CAPABILITIES, fingerprint: false };

/**
 * Every statement on a borrowed client runs under the query's timeout: the server cancels a
 * statement that runs longer (for a cursor, each fetch), so nothing keeps running in the
 * warehouse. Set on each borrow, since a pooled session keeps the previous query's value.
 */
async function setTimeout(client: pg.PoolClient, query: QuerySpec | undefined): Promise<void> {
  await client.query(`SET statement_timeout = ${Math.max(0, Math.floor(timeoutOf(query)))}`);
}

export class PgConnector implements Connector {
  readonly capabilities: ConnectorCapabilities;
  private readonly dialect: SqlDialect;
  readonly columnar?: ColumnarExport;

  private constructor(
    readonly kind: 'postgres' | 'redshift',
    readonly sourceName: string,
    private readonly pool: pg.Pool,
  ) {
    this.capabilities = kind === 'postgres' ? PG_CAPABILITIES : REDSHIFT_CAPABILITIES;
    this.dialect = kind === 'postgres' ? postgresDialect : redshiftDialect;
    this.columnar = pgColumnarExport(kind, this.dialect, (query, fn) => this.run(query, fn));
  }

  static async open(config: PostgresSource | RedshiftSource, context: ConnectorContext): Promise<PgConnector> {
    const pool = new pg.Pool(pgClientConfig(config, context));
    pool.on('connect', (client) => {
      // UTC, so TIMESTAMP bounds are UTC instants; ISO dates, which the columnar export reads as text.
      client.query("SET TIME ZONE 'UTC'; SET DateStyle TO ISO").catch(() => undefined);
    });
    pool.on('error', () => undefined);
    const connector = new PgConnector(config.kind, config.name, pool);
    try {
      const client = await pool.connect();
      client.release();
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw pgError(err, config.name, config.kind);
    }
    return connector;
  }

  /** Runs `fn` on a pooled client; `sent` records the statement it sends, which a failure's position points into. */
  private async run<T>(
    query: QuerySpec | undefined,
    fn: (client: pg.PoolClient, sent: (sql: string) => string) => Promise<T>,
  ): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw pgError(err, this.sourceName, this.kind);
    }
    let statement: string | undefined;
    try {
      await setTimeout(client, query);
      return await fn(client, (sql) => (statement = sql));
    } catch (err) {
      throw pgError(err, this.sourceName, this.kind, { query, statement });
    } finally {
      client.release();
    }
  }

  describe(query: QuerySpec): Promise<ColumnInfo[]> {
    return this.run(query, async (client, sent) => {
      const result = await client.query(sent(describeQuery(query.sql)));
      return result.fields.map((f) => ({
        name: f.name,
        type: logicalTypeOf(f.dataTypeID),
        nativeType: `oid ${f.dataTypeID}`,
      }));
    });
  }

  async *streamDay(query: QuerySpec, filter: DayFilter, options: StreamOptions): AsyncIterable<Row[]> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw pgError(err, this.sourceName, this.kind);
    }
    let broken: Error | undefined;
    const statement = dayQuery(this.dialect, query.sql, filter);
    try {
      await setTimeout(client, query);
      // Cursors live inside a transaction; READ ONLY documents that nothing is written.
      await client.query('BEGIN READ ONLY');
      const cursor = client.query(new Cursor(statement));
      try {
        // The next batch is fetched while the consumer works on the current one.
        let next = cursor.read(options.batchSize);
        for (;;) {
          if (options.signal?.aborted) throw abortedError({ kind: this.kind, sourceName: this.sourceName, query });
          const rows = (await next) as Row[];
          if (rows.length === 0) break;
          next = cursor.read(options.batchSize);
          next.catch(() => undefined);
          yield rows;
        }
      } finally {
        await cursor.close().catch(() => undefined);
      }
      await client.query('COMMIT');
    } catch (err) {
      broken = err instanceof Error ? err : new Error(String(err));
      throw pgError(err, this.sourceName, this.kind, { query, statement });
    } finally {
      if (broken) await client.query('ROLLBACK').catch(() => undefined);
      client.release(broken && /terminated|ECONNRESET/i.test(broken.message) ? broken : undefined);
    }
  }

  sample(query: QuerySpec, limit: number): Promise<Row[]> {
    return this.run(
      query,
      async (client, sent) => (await client.query(sent(sampleQuery(query.sql, limit)))).rows as Row[],
    );
  }

  dayStats(query: QuerySpec, filters: DayFilter[], options?: DayStatsOptions): Promise<DayStats[]> {
    if (filters.length === 0) return Promise.resolve([]);
    return this.run(query, async (client, sent) => {
      const { rows } = await client.query<{ wharf_day: string; wharf_rows: number; wharf_fp: string | null }>(
        sent(dayStatsQuery(this.dialect, query.sql, filters, options)),
      );
      const byDay = new Map(rows.map((r) => [r.wharf_day, r]));
      return filters.map((f) => {
        const row = byDay.get(f.day);
        return {
          day: f.day,
          rowCount: Number(row?.wharf_rows ?? 0),
          fingerprint: row?.wharf_fp ? `${this.kind}:${row.wharf_fp}` : null,
        };
      });
    });
  }

  hasData(query: QuerySpec, filter: DayFilter): Promise<boolean> {
    return this.run(
      query,
      async (client, sent) => (await client.query(sent(hasDataQuery(this.dialect, query.sql, filter)))).rows.length > 0,
    );
  }

  async latestFinishedDate(signal: { table?: string }): Promise<string | null> {
    const sql = latestFinishedDateQuery(this.sourceName, signal.table);
    return this.run(undefined, async (client) =>
      finishedDateOf((await client.query<{ wharf_latest: string | null }>(sql)).rows[0]?.wharf_latest),
    );
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
