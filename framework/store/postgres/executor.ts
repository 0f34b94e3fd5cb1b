/**
 * SQL access to a PostgreSQL store through a pg Pool. Values are parsed into the same shapes
 * as the DuckDB store returns: int8 as number (bigint beyond 2^53), numeric as number, DATE
 * as 'YYYY-MM-DD', timestamps as Date in UTC, JSON as its text.
 */
import { hostname } from 'node:os';
import pg from 'pg';
import { pgTypeParsers } from '../../util/pg-types.js';
import { SCHEMA_LOCK_KEY } from '../ddl-lock.js';
import { currentOperation } from '../process-label.js';
import type { SqlExecutor, StoreConnection } from '../types.js';
import { WharfError } from '../../diagnostics/errors.js';

/** Per-pool type parsers, so Wharf never changes pg's global defaults for other code. */
export const WHARF_PG_TYPES = pgTypeParsers({ jsonAsText: true });

class PgSql implements SqlExecutor {
  constructor(protected readonly client: pg.Pool | pg.PoolClient) {}

  async query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    const result = await this.client.query(sql, params);
    return result.rows as T[];
  }

  async exec(sql: string): Promise<void> {
    await this.client.query(sql);
  }
}

/** Schema names the store accepts (the JSON Schema of store.schema has the same pattern). */
const STORE_SCHEMA_NAME = /^[a-z_][a-z0-9_]*$/;

export class PostgresStoreConnection extends PgSql implements StoreConnection {
  readonly kind = 'postgres' as const;

  private constructor(
    readonly pool: pg.Pool,
    readonly schema: string,
  ) {
    super(pool);
  }

  /** Connects and makes `schema` (created if missing) the search path of every connection. */
  static async open(url: string, schema: string): Promise<PostgresStoreConnection> {
    if (!STORE_SCHEMA_NAME.test(schema)) {
      throw new WharfError(`The PostgreSQL store schema name '${schema}' is not valid.`, {
        code: 'store.invalid-schema',
        errorClass: 'config',
        hint: 'Set store.schema in wharf.config.ts to a lower-case name of letters, digits and underscores, not starting with a digit.',
      });
    }
    // Session settings travel in the startup packet, so every pooled connection has them.
    const options = `-c search_path=${schema},public -c TimeZone=UTC`;
    // Names this process in pg_stat_activity, so a load waiting for a day's lock can say who holds it.
    const application_name = `wharf ${currentOperation()} pid ${process.pid} on ${hostname()}`.slice(0, 63);
    const pool = new pg.Pool({ connectionString: url, types: WHARF_PG_TYPES, max: 8, options, application_name });
    const store = new PostgresStoreConnection(pool, schema);
    try {
      // Under the schema lock: two sessions running CREATE SCHEMA IF NOT EXISTS at once
      // make one fail with a duplicate key on pg_namespace.
      await store.transaction(async (tx) => {
        await tx.query(`SELECT pg_advisory_xact_lock(${SCHEMA_LOCK_KEY})`);
        await tx.exec(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      });
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw err;
    }
    return store;
  }

  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      try {
        const result = await fn(new PgSql(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      }
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
