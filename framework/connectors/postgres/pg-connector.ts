/**
 * The PostgreSQL and Redshift source (both speak the PostgreSQL protocol). A day streams
 * through a server-side cursor (pg-cursor), one batch per fetch, so memory follows the batch
 * size and not the day's size. Sessions run in UTC so TIMESTAMP bounds mean UTC instants.
 */
import pg from 'pg';
import Cursor from 'pg-cursor';
import type { PostgresSource, RedshiftSource } from '../../config/types.js';
import { daySql, quoteIdent, wrapQuery } from '../sql/day-query.js';
import type { ColumnInfo, Connector, ConnectorCapabilities, ConnectorContext, DayFilter, DayStats, QuerySpec, Row, StreamOptions } from '../types.js';
import { pgClientConfig } from './pg-config.js';
import { pgError } from './pg-errors.js';
import { logicalTypeOf } from './pg-types.js';

export const PG_CAPABILITIES: ConnectorCapabilities = { fingerprint: true, dryRunEstimate: false, signals: 'table' };
export const REDSHIFT_CAPABILITIES: ConnectorCapabilities = { ...PG_CAPABILITIES, fingerprint: false };

/** Order-independent digest of the day's rows, computed in the warehouse. */
const FINGERPRINT = 'sum(CAST(hashtext(CAST(wharf_q AS TEXT)) AS BIGINT))';

export class PgConnector implements Connector {
  readonly capabilities: ConnectorCapabilities;

  private constructor(readonly kind: 'postgres' | 'redshift', readonly sourceName: string, private readonly pool: pg.Pool) {
    this.capabilities = kind === 'postgres' ? PG_CAPABILITIES : REDSHIFT_CAPABILITIES;
  }

  static async open(config: PostgresSource | RedshiftSource, context: ConnectorContext): Promise<PgConnector> {
    const pool = new pg.Pool(pgClientConfig(config, context));
    pool.on('connect', (client) => {
      client.query("SET TIME ZONE 'UTC'").catch(() => undefined);
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

  private async run<T>(query: QuerySpec | undefined, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw pgError(err, this.sourceName, this.kind);
    }
    try {
      return await fn(client);
    } catch (err) {
      throw pgError(err, this.sourceName, this.kind, query);
    } finally {
      client.release();
    }
  }

  describe(query: QuerySpec): Promise<ColumnInfo[]> {
    return this.run(query, async (client) => {
      const result = await client.query(`${wrapQuery(query)} LIMIT 0`);
      return result.fields.map((f) => ({ name: f.name, type: logicalTypeOf(f.dataTypeID), nativeType: `oid ${f.dataTypeID}` }));
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
    try {
      // Cursors live inside a transaction; READ ONLY documents that nothing is written.
      await client.query('BEGIN READ ONLY');
      const cursor = client.query(new Cursor(daySql(query, filter)));
      try {
        // The next batch is fetched while the consumer works on the current one.
        let next = cursor.read(options.batchSize);
        for (;;) {
          if (options.signal?.aborted) throw new Error('the load was cancelled');
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
      throw pgError(err, this.sourceName, this.kind, query);
    } finally {
      if (broken) await client.query('ROLLBACK').catch(() => undefined);
      client.release(broken && /terminated|ECONNRESET/i.test(broken.message) ? broken : undefined);
    }
  }

  sample(query: QuerySpec, limit: number): Promise<Row[]> {
    return this.run(query, async (client) => (await client.query(`${wrapQuery(query)} LIMIT ${Math.max(0, Math.floor(limit))}`)).rows as Row[]);
  }

  dayStats(query: QuerySpec, filters: DayFilter[]): Promise<DayStats[]> {
    return this.run(query, async (client) => {
      const out: DayStats[] = [];
      for (const filter of filters) {
        // Redshift has no row-to-text cast: it reports counts only (capabilities.fingerprint false).
        const fp = this.kind === 'postgres' ? `CAST(${FINGERPRINT} AS TEXT)` : 'CAST(NULL AS VARCHAR)';
        const sql = daySql(query, filter).replace(/^SELECT \*/, `SELECT count(*) AS n, ${fp} AS fp`);
        const { rows } = await client.query<{ n: number; fp: string | null }>(sql);
        out.push({ day: filter.day, rowCount: Number(rows[0].n), fingerprint: rows[0].fp === null ? null : `pg:${rows[0].fp}` });
      }
      return out;
    });
  }

  hasData(query: QuerySpec, filter: DayFilter): Promise<boolean> {
    return this.run(query, async (client) => (await client.query(`${daySql(query, filter)} LIMIT 1`)).rows.length > 0);
  }

  latestFinishedDate(signal: { table?: string }): Promise<string | null> {
    if (!signal.table) return Promise.resolve(null);
    const table = signal.table.split('.').map(quoteIdent).join('.');
    return this.run(undefined, async (client) => {
      const { rows } = await client.query<{ d: string | null }>(`SELECT CAST(max(finished_date) AS DATE) AS d FROM ${table}`);
      return rows[0]?.d ?? null;
    });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
