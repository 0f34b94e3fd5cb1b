/**
 * A read-write SQL session on a PostgreSQL-protocol source (PostgreSQL, Redshift), for an
 * experiment that runs in it (`warehouse`): a small pool whose sessions search
 * `options.schema` first, then the source's `public`, in UTC. Neither has a per-statement job
 * id over the protocol; a statement is named by its backend's pid and its number within the
 * session (Redshift's STL_QUERY and SYS_QUERY_HISTORY list statements by that pid).
 */
import pg from 'pg';
import type { PostgresSource, RedshiftSource } from '../../config/types.js';
import { WharfError } from '../../diagnostics/errors.js';
import type {
  ColumnInfo,
  ConnectorContext,
  LogicalType,
  SqlSession,
  SqlSessionOptions,
  SqlStatements,
  StatementReport,
} from '../types.js';
import { pgClientConfig } from './options.js';
import { logicalTypeOf } from './values.js';

const COUNTED = new Set(['INSERT', 'DELETE', 'UPDATE', 'SELECT', 'MERGE']);

/** Numbers a session's statements, so a statement's id is unique within the session's backends. */
type Counter = { statements: number };

class PgStatements implements SqlStatements {
  constructor(
    protected readonly client: pg.PoolClient,
    protected readonly counter: Counter,
  ) {}

  private report(result: pg.QueryResult, write: boolean): StatementReport {
    this.counter.statements += 1;
    const pid = (this.client as { processID?: number }).processID;
    const rows = write && COUNTED.has(result.command) && result.rowCount !== null ? result.rowCount : null;
    return {
      queryId: pid ? `pid ${pid} #${this.counter.statements}` : null,
      rows,
      bytesScanned: null,
      bytesBilled: null,
    };
  }

  async query<T>(sql: string, params: unknown[] = []): Promise<{ rows: T[]; report: StatementReport }> {
    const result = await this.client.query(sql, params);
    return { rows: result.rows as T[], report: this.report(result, false) };
  }

  async exec(sql: string): Promise<StatementReport> {
    const result = (await this.client.query(sql)) as pg.QueryResult | pg.QueryResult[];
    const last = Array.isArray(result) ? result[result.length - 1] : result;
    return this.report(last, true);
  }
}

/** What differs between the engines on the protocol: how a connection is set up and how result types read. */
export interface PgFlavour {
  kind: 'postgres' | 'redshift';
  /**
   * Settings sent in the startup packet (PostgreSQL's `options`), or else run as statements
   * on each new connection before its first use (Redshift takes no startup options).
   */
  startup: 'options' | 'statements';
  typeOf(oid: number): LogicalType;
}

const POSTGRES: PgFlavour = { kind: 'postgres', startup: 'options', typeOf: logicalTypeOf };

class PgSqlSession implements SqlSession {
  readonly kind: PgFlavour['kind'];
  private readonly counter: Counter = { statements: 0 };
  private readonly prepared = new WeakSet<pg.PoolClient>();

  constructor(
    readonly sourceName: string,
    readonly schema: string,
    private readonly pool: pg.Pool,
    private readonly flavour: PgFlavour,
  ) {
    this.kind = flavour.kind;
  }

  /** Runs `fn` on one pooled connection, so each statement's report names its backend. */
  private async withClient<T>(fn: (statements: PgStatements, client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      if (this.flavour.startup === 'statements' && !this.prepared.has(client)) {
        await client.query(`SET search_path TO ${this.schema}, public; SET timezone TO 'UTC'`);
        this.prepared.add(client);
      }
      return await fn(new PgStatements(client, this.counter), client);
    } finally {
      client.release();
    }
  }

  query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[]; report: StatementReport }> {
    return this.withClient((s) => s.query<T>(sql, params));
  }

  exec(sql: string): Promise<StatementReport> {
    return this.withClient((s) => s.exec(sql));
  }

  describe(sql: string): Promise<ColumnInfo[]> {
    return this.withClient(async (_, client) => {
      const result = await client.query(`SELECT * FROM (${sql}) AS described LIMIT 0`);
      return result.fields.map((f) => ({
        name: f.name,
        type: this.flavour.typeOf(f.dataTypeID),
        nativeType: String(f.dataTypeID),
      }));
    });
  }

  transaction<T>(fn: (tx: SqlStatements) => Promise<T>): Promise<T> {
    return this.withClient(async (statements, client) => {
      await client.query('BEGIN');
      try {
        const result = await fn(statements);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      }
    });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** What opening a session takes: the source, how to resolve its secrets, the session's schema, the engine. */
export interface PgSessionTarget {
  config: PostgresSource | RedshiftSource;
  context: ConnectorContext;
  options: SqlSessionOptions;
  flavour?: PgFlavour;
}

/** Connects with `options.schema` (created when missing) first on every session's search path. */
export async function openPgSqlSession(target: PgSessionTarget): Promise<SqlSession> {
  const { config, context, options, flavour = POSTGRES } = target;
  const schema = options.schema;
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) {
    throw new WharfError(`The experiment schema '${schema}' is not a plain ${flavour.kind} name.`, {
      code: 'experiment.warehouse-schema',
      errorClass: 'config',
      hint: 'Use lower-case letters, digits and underscores, starting with a letter or underscore.',
    });
  }
  const base = pgClientConfig(config, context);
  // On PostgreSQL the settings travel in the startup packet, so every pooled connection has them.
  const startup = flavour.startup === 'options' ? { options: `-c search_path=${schema},public -c TimeZone=UTC` } : {};
  const pool = new pg.Pool({ ...base, max: 4, ...startup, application_name: 'wharf experiment' });
  pool.on('error', () => undefined);
  try {
    await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
  return new PgSqlSession(config.name, options.schema, pool, flavour);
}
