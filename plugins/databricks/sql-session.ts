/**
 * A read-write SQL session on a Databricks SQL warehouse, for an experiment that runs in it
 * (`warehouse`), over the Statement Execution API: every statement is sent with
 * `options.schema` as its default schema (Databricks resolves unqualified names in that one
 * schema, so an ingestion's SQL names other schemas' tables in full) and `$n` parameters as
 * named parameters. Each statement reports its statement id, and a write the rows Delta says
 * it affected (`num_affected_rows`); Databricks reports no bytes scanned per statement here.
 * There are no multi-statement transactions, so the pipeline's runs are staged (staging.ts).
 */
import {
  WharfError,
  rewritePositionalParams,
  type ColumnInfo,
  type ConnectorContext,
  type SqlSession,
  type SqlSessionOptions,
  type SqlStatements,
  type StatementReport,
} from '@wharf/framework';
import { tokenProvider } from './auth.js';
import type { DatabricksSource } from './options.js';
import { runStaged } from './staging.js';
import { StatementClient, type StatementParameter, type StatementResult } from './statement-client.js';

const WRITES = /^\s*(INSERT|DELETE|UPDATE|MERGE|CREATE\s+(OR\s+REPLACE\s+)?TABLE\s[^(]*\sAS\s)/i;

/** A parameter value as the API takes it: text with a type, no value for NULL. */
function parameter(name: string, value: unknown): StatementParameter {
  if (value === null || value === undefined) return { name, type: 'STRING' };
  if (typeof value === 'number')
    return { name, value: String(value), type: Number.isInteger(value) ? 'BIGINT' : 'DOUBLE' };
  if (typeof value === 'bigint') return { name, value: String(value), type: 'BIGINT' };
  if (typeof value === 'boolean') return { name, value: String(value), type: 'BOOLEAN' };
  if (value instanceof Date) return { name, value: value.toISOString(), type: 'TIMESTAMP' };
  return { name, value: String(value), type: 'STRING' };
}

function report(result: StatementResult, write: boolean): StatementReport {
  const affected = write ? result.rows[0]?.num_affected_rows : undefined;
  return {
    queryId: result.statementId,
    rows: affected === undefined || affected === null ? null : Number(affected),
    bytesScanned: null,
    bytesBilled: null,
  };
}

class DatabricksStatements implements SqlStatements {
  constructor(
    protected readonly client: StatementClient,
    readonly schema: string,
  ) {}

  protected run(sql: string, params: unknown[] = []): Promise<StatementResult> {
    return this.client.statement(
      rewritePositionalParams(sql, (n) => `:p${n}`),
      { schema: this.schema, parameters: params.map((v, i) => parameter(`p${i + 1}`, v)) },
    );
  }

  async query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[]; report: StatementReport }> {
    const result = await this.run(sql, params);
    return { rows: result.rows as T[], report: report(result, false) };
  }

  async exec(sql: string): Promise<StatementReport> {
    return report(await this.run(sql), WRITES.test(sql));
  }
}

class DatabricksSqlSession extends DatabricksStatements implements SqlSession {
  readonly kind = 'databricks';

  constructor(
    readonly sourceName: string,
    client: StatementClient,
    schema: string,
  ) {
    super(client, schema);
  }

  async describe(sql: string): Promise<ColumnInfo[]> {
    return (await this.run(`SELECT * FROM (${sql}) AS described LIMIT 0`)).columns;
  }

  staged<T>(tables: string[], fn: (tx: SqlStatements) => Promise<T>): Promise<T> {
    const inSchema = (schema: string) => new DatabricksStatements(this.client, schema);
    return runStaged(this, { schema: this.schema, tables, inSchema }, fn);
  }

  async close(): Promise<void> {
    // Stateless REST calls: nothing to close.
  }
}

/** A session whose statements default to `options.schema` (created when missing). */
export async function openDatabricksSqlSession(
  config: DatabricksSource,
  context: ConnectorContext,
  options: SqlSessionOptions,
): Promise<SqlSession> {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(options.schema)) {
    throw new WharfError(`The experiment schema '${options.schema}' is not a plain Databricks name.`, {
      code: 'experiment.warehouse-schema',
      errorClass: 'config',
      hint: 'Use letters, digits and underscores, starting with a letter or underscore.',
    });
  }
  const client = new StatementClient(config, tokenProvider(config, context, fetch), fetch);
  const session = new DatabricksSqlSession(config.name, client, options.schema);
  await client.statement(`CREATE SCHEMA IF NOT EXISTS ${options.schema}`, { parameters: [] });
  return session;
}
