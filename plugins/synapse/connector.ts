/**
 * The Synapse connector: the shared StatementConnector over a mssql connection pool
 * (SynapseRunner). The user's query is wrapped with Wharf's day filter in T-SQL (instants as
 * DATETIME2 in UTC, TOP for row limits); rows are streamed with back-pressure.
 */
import {
  ANSI_DIALECT,
  StatementConnector,
  WharfError,
  registerSecret,
  utcWallTime,
  type Connector,
  type ConnectorContext,
  type SqlDialect,
} from '@wharf/framework';
import type { SynapseSource } from './options.js';
import { SynapseRunner } from './statement-runner.js';

/** ANSI with instants as DATETIME2 (UTC wall time) and TOP instead of LIMIT. */
export const TSQL_DIALECT: SqlDialect = {
  ...ANSI_DIALECT,
  timestampLiteral: (instant) => utcWallTime(instant, 'DATETIME2'),
  limit: (select, n) => select.replace(/^SELECT /, `SELECT TOP (${n}) `),
  // DATETIMEOFFSET reads an ISO zone (none: +00:00) and compares with DATETIME2 as UTC.
  textInstant: (column) => `TRY_CAST(LTRIM(RTRIM(CAST(${column} AS NVARCHAR(64)))) AS DATETIMEOFFSET)`,
};

export async function openSynapse(config: SynapseSource, context: ConnectorContext): Promise<Connector> {
  const mssql = await importDriver();
  const password = context.resolveSecret(config.password, 'password');
  registerSecret(password);
  const pool = new mssql.ConnectionPool({
    server: config.server,
    port: config.port ?? 1433,
    database: config.database,
    user: config.user,
    password,
    requestTimeout: config.requestTimeoutMs ?? 600_000,
    options: {
      encrypt: config.encrypt ?? true,
      trustServerCertificate: config.trustServerCertificate ?? false,
      useUTC: true,
    },
    pool: { max: Math.max(2, config.maxConcurrency ?? 2), min: 0 },
    // Check pooled connections by their socket and login state instead of a `SELECT 1` round
    // trip before every statement.
    validateConnection: 'socket',
  } as import('mssql').config);
  const runner = new SynapseRunner(config.name, pool);
  return new StatementConnector({
    kind: 'synapse',
    sourceName: config.name,
    dialect: TSQL_DIALECT,
    runner,
    textType: 'VARCHAR(10)',
    signalTableExample: 'dbo.ingestion_signals',
    close: () => runner.close(),
  });
}

async function importDriver() {
  try {
    return (await import('mssql')).default;
  } catch (err) {
    throw new WharfError('The Synapse connector needs mssql, which is not installed.', {
      code: 'synapse.driver-missing',
      errorClass: 'config',
      hint: 'Run `npm install mssql`.',
      cause: err,
    });
  }
}
