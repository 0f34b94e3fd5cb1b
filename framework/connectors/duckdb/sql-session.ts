/**
 * A read-write SQL session on a DuckDB source file, for an experiment that runs in it
 * (`warehouse`). The file is opened read-write by this session alone (DuckDB allows one
 * writing process), so the connector's read-only handle must not be open in the same run.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import type { DuckDBSource } from '../../config/types.js';
import { ensureDemoDatabase } from '../../demo/generate.js';
import { WharfError } from '../../diagnostics/errors.js';
import { inDuckDBTransaction, openDuckDB, type DuckDBHandle } from '../../util/duckdb.js';
import { readerRows } from '../../util/duckdb-values.js';
import type {
  ColumnInfo,
  ConnectorContext,
  SqlSession,
  SqlSessionOptions,
  SqlStatements,
  StatementReport,
} from '../types.js';
import { logicalType } from './values.js';

const WRITES = /^\s*(INSERT|DELETE|UPDATE|MERGE|CREATE\s+(OR\s+REPLACE\s+)?TABLE\s[^(]*\sAS\s)/i;
const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
const report = (rows: number | null): StatementReport => ({
  queryId: null,
  rows,
  bytesScanned: null,
  bytesBilled: null,
});

class DuckDBStatements implements SqlStatements {
  constructor(protected readonly connection: DuckDBConnection) {}

  async query<T>(sql: string, params: unknown[] = []): Promise<{ rows: T[]; report: StatementReport }> {
    const reader = await this.connection.runAndReadAll(sql, params as DuckDBValue[]);
    return { rows: readerRows<T>(reader), report: report(null) };
  }

  /**
   * Rows written, for statements that write rows: DuckDB reports CREATE TABLE … AS in a `Count` result, not
   * rowsChanged.
   */
  async exec(sql: string): Promise<StatementReport> {
    const result = await this.connection.run(sql);
    if (!WRITES.test(sql)) return report(null);
    let changed = Number(result.rowsChanged);
    const names = result.columnNames();
    if (changed === 0 && names.length === 1 && names[0] === 'Count')
      changed = Number((await result.getRowsJS())[0]?.[0] ?? 0);
    return report(Number.isFinite(changed) ? changed : null);
  }
}

class DuckDBSqlSession extends DuckDBStatements implements SqlSession {
  readonly kind = 'duckdb';

  constructor(
    readonly sourceName: string,
    readonly schema: string,
    private readonly handle: DuckDBHandle,
    private readonly database: string,
  ) {
    super(handle.connection);
  }

  async describe(sql: string): Promise<ColumnInfo[]> {
    const result = await this.connection.run(`SELECT * FROM (${sql}) AS described LIMIT 0`);
    return result.columnNames().map((name, i) => ({
      name,
      type: logicalType(result.columnTypeId(i), result.columnLogicalType(i).alias),
      nativeType: result.columnType(i).toString(),
    }));
  }

  transaction<T>(fn: (tx: SqlStatements) => Promise<T>): Promise<T> {
    return inDuckDBTransaction(
      this.handle.instance,
      (connection) => fn(new DuckDBStatements(connection)),
      (connection) => useSchema(connection, this.database, this.schema),
    );
  }

  async close(): Promise<void> {
    this.handle.close();
  }
}

/**
 * Makes `schema` the connection's default schema, with the database's `main` still searched
 * for the source's tables.
 */
async function useSchema(connection: DuckDBConnection, database: string, schema: string): Promise<void> {
  await connection.run(`USE ${quote(database)}.${quote(schema)}`);
  await connection.run(`SET search_path = '${database}.${schema},${database}.main'`);
  await connection.run(`SET TimeZone = 'UTC'`);
}

/** Opens the source's file read-write with `options.schema` (created when missing) as the default schema. */
export async function openDuckDBSqlSession(
  config: DuckDBSource,
  context: ConnectorContext,
  options: SqlSessionOptions,
): Promise<SqlSession> {
  const path = isAbsolute(config.path) ? config.path : join(context.projectRoot, config.path);
  if (config.encryptionKey) {
    throw new WharfError(`Source '${config.name}': an encrypted DuckDB file cannot host the experiment pipeline yet.`, {
      code: 'experiment.warehouse-unsupported',
      errorClass: 'config',
      hint: 'Run the experiment in the store (remove `warehouse`), or use an unencrypted file.',
    });
  }
  if (config.generate === 'demo') await ensureDemoDatabase(path);
  if (!existsSync(path)) {
    throw new WharfError(`Source '${config.name}': the database file ${config.path} does not exist.`, {
      code: 'source.duckdb-missing',
      errorClass: 'connection',
      hint: "Fix `path` in the source module, or set `generate: 'demo'` to create the demo warehouse there.",
    });
  }
  const handle = await openDuckDB(path);
  try {
    const [row] = readerRows<{ db: string }>(await handle.connection.runAndReadAll('SELECT current_database() AS db'));
    await handle.connection.run(`CREATE SCHEMA IF NOT EXISTS ${quote(options.schema)}`);
    await useSchema(handle.connection, row.db, options.schema);
    return new DuckDBSqlSession(config.name, options.schema, handle, row.db);
  } catch (err) {
    handle.close();
    throw err;
  }
}
