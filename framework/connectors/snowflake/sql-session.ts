/**
 * A read-write SQL session on a Snowflake source, for an experiment that runs in it
 * (`warehouse`): one snowflake-sdk connection whose current schema is `options.schema`, with
 * the source's schema and PUBLIC next on the SEARCH_PATH for queries, in UTC.
 *
 * Per statement it reports Snowflake's query id, the rows a DML statement changed (the SDK's
 * count) or a CREATE TABLE … AS wrote, and the bytes scanned, both read from the session's
 * query history (INFORMATION_SCHEMA.QUERY_HISTORY_BY_SESSION). Snowflake folds unquoted names
 * to upper case: result columns come back lower-cased when Snowflake upper-cased them, as
 * the pipeline reads them. DDL commits an open transaction in Snowflake, so the pipeline runs
 * through `staged` (staging.ts) and `transaction` refuses DDL.
 */
import type { Connection, RowStatement } from 'snowflake-sdk';
import type { SnowflakeSource } from '../../config/types.js';
import { WharfError } from '../../diagnostics/errors.js';
import { rewritePositionalParams } from '../shared/positional-params.js';
import type {
  ColumnInfo,
  ConnectorContext,
  Row,
  SqlSession,
  SqlSessionOptions,
  SqlStatements,
  StatementReport,
} from '../types.js';
import { SESSION_SETUP } from './dialect.js';
import { snowflakeError } from './errors.js';
import { connectSnowflake } from './open.js';
import { runStaged } from './staging.js';
import { columnInfo, rowConverter, type SnowflakeColumn } from './values.js';

const FETCH_AS_STRING = ['Number', 'JSON'] as const;
/** Statements Snowflake commits an open transaction for (TRUNCATE is DML there). */
const DDL = /^\s*(CREATE|DROP|UNDROP|ALTER\s+(?!SESSION\b))/i;
const CTAS = /^\s*CREATE\s+(OR\s+REPLACE\s+)?(TRANSIENT\s+|TEMP(ORARY)?\s+)?TABLE\s[^(]*\sAS\s/i;
const HISTORY = `SELECT BYTES_SCANNED, ROWS_PRODUCED FROM TABLE(INFORMATION_SCHEMA.QUERY_HISTORY_BY_SESSION(RESULT_LIMIT => 100)) WHERE QUERY_ID = :1`;

/** A column name as the pipeline reads it: lower case where Snowflake folded it to upper case. */
const unfolded = (name: string) => (/[A-Z]/.test(name) && name === name.toUpperCase() ? name.toLowerCase() : name);

const bindValue = (v: unknown) =>
  v === undefined ? null : v instanceof Date ? v.toISOString() : typeof v === 'bigint' ? String(v) : v;

const firstLine = (sql: string) => sql.trim().split('\n')[0].slice(0, 120);

const optionalNumber = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/** Runs statements on the session's connection and reads what Snowflake reports about them. */
class SnowflakeRunner {
  constructor(
    readonly sourceName: string,
    private readonly connection: Connection,
  ) {}

  execute(sql: string, params: unknown[] = []): Promise<{ statement: RowStatement; rows: Row[] }> {
    const sqlText = rewritePositionalParams(sql, (n) => `:${n}`);
    return new Promise((resolve, reject) => {
      this.connection.execute({
        sqlText,
        binds: params.map(bindValue) as never,
        fetchAsString: [...FETCH_AS_STRING],
        complete: (err, statement, rows) => {
          const site = { kind: 'snowflake', sourceName: this.sourceName, statement: firstLine(sql) };
          if (err) return reject(snowflakeError(site, err));
          const columns = (statement.getColumns() ?? []) as unknown as SnowflakeColumn[];
          const convert = rowConverter(columns);
          const names = columns.map((c) => [c.getName(), unfolded(c.getName())] as const);
          const lowered = ((rows ?? []) as Record<string, unknown>[]).map((raw) => {
            const row = convert(raw);
            return Object.fromEntries(names.map(([from, to]) => [to, row[from]])) as Row;
          });
          resolve({ statement, rows: lowered });
        },
      });
    });
  }

  /** The statement's query id, rows written (`write`) and bytes scanned, from the SDK and the query history. */
  async report(statement: RowStatement, sql: string, write: boolean): Promise<StatementReport> {
    const queryId = statement.getQueryId();
    const { rows } = await this.execute(HISTORY, [queryId]);
    const history = rows[0];
    const updated = statement.getNumUpdatedRows();
    let written: number | null = null;
    if (write && typeof updated === 'number' && updated >= 0) written = updated;
    else if (write && CTAS.test(sql)) written = optionalNumber(history?.rows_produced);
    return { queryId, rows: written, bytesScanned: optionalNumber(history?.bytes_scanned), bytesBilled: null };
  }

  close(): Promise<void> {
    if (!this.connection.isUp()) return Promise.resolve();
    return new Promise((resolve) => this.connection.destroy(() => resolve()));
  }
}

class SnowflakeStatements implements SqlStatements {
  constructor(
    protected readonly runner: SnowflakeRunner,
    private readonly inTransaction = false,
  ) {}

  async query<T>(sql: string, params: unknown[] = []): Promise<{ rows: T[]; report: StatementReport }> {
    this.guard(sql);
    const { statement, rows } = await this.runner.execute(sql, params);
    return { rows: rows as T[], report: await this.runner.report(statement, sql, false) };
  }

  async exec(sql: string): Promise<StatementReport> {
    this.guard(sql);
    const { statement } = await this.runner.execute(sql);
    return this.runner.report(statement, sql, true);
  }

  /** DDL inside a transaction would commit it halfway (Snowflake runs DDL in a transaction of its own). */
  private guard(sql: string): void {
    if (!this.inTransaction || !DDL.test(sql)) return;
    throw new WharfError(
      `Snowflake source '${this.runner.sourceName}': DDL inside a transaction would commit it halfway: ${firstLine(sql)}`,
      {
        code: 'snowflake.ddl-in-transaction',
        errorClass: 'internal',
        hint: 'Run DDL outside the transaction, or use a staged run (SqlSession.staged).',
      },
    );
  }
}

class SnowflakeSqlSession extends SnowflakeStatements implements SqlSession {
  readonly kind = 'snowflake';

  constructor(
    runner: SnowflakeRunner,
    readonly schema: string,
  ) {
    super(runner);
  }

  get sourceName(): string {
    return this.runner.sourceName;
  }

  async describe(sql: string): Promise<ColumnInfo[]> {
    const { statement } = await this.runner.execute(`SELECT * FROM (${sql}) AS described LIMIT 0`);
    const columns = (statement.getColumns() ?? []) as unknown as SnowflakeColumn[];
    return columns.map((c) => ({ ...columnInfo(c), name: unfolded(c.getName()) }));
  }

  /** BEGIN … COMMIT for DML and queries; DDL is refused (it would commit the transaction). */
  async transaction<T>(fn: (tx: SqlStatements) => Promise<T>): Promise<T> {
    await this.runner.execute('BEGIN TRANSACTION');
    try {
      const result = await fn(new SnowflakeStatements(this.runner, true));
      await this.runner.execute('COMMIT');
      return result;
    } catch (err) {
      await this.runner.execute('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }

  staged<T>(tables: string[], fn: (tx: SqlStatements) => Promise<T>): Promise<T> {
    return runStaged(this, { schema: this.schema, tables }, fn);
  }

  close(): Promise<void> {
    return this.runner.close();
  }
}

/** The SEARCH_PATH of queries: the session's schema, then the source's, then PUBLIC. */
function searchPath(config: SnowflakeSource): string {
  const source = config.schema && config.schema.toUpperCase() !== 'PUBLIC' ? `, ${config.schema}` : '';
  return `ALTER SESSION SET SEARCH_PATH = '$current${source}, $public'`;
}

/** Logs in with `options.schema` (created when missing) as the current schema. */
export async function openSnowflakeSqlSession(
  config: SnowflakeSource,
  context: ConnectorContext,
  options: SqlSessionOptions,
): Promise<SqlSession> {
  const schema = options.schema;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(schema)) {
    throw new WharfError(`The experiment schema '${schema}' is not a plain Snowflake name.`, {
      code: 'experiment.warehouse-schema',
      errorClass: 'config',
      hint: 'Use letters, digits and underscores, starting with a letter or underscore.',
    });
  }
  const runner = new SnowflakeRunner(config.name, await connectSnowflake(config, context));
  try {
    for (const statement of SESSION_SETUP) await runner.execute(statement);
    await runner.execute(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await runner.execute(`USE SCHEMA ${schema}`);
    await runner.execute(searchPath(config));
  } catch (err) {
    await runner.close();
    throw err;
  }
  return new SnowflakeSqlSession(runner, schema);
}
