/**
 * A local fake of Athena's JSON protocol (awsJson1_1: POST / with `X-Amz-Target:
 * AmazonAthena.<Operation>`) on 127.0.0.1, enough for the real @aws-sdk/client-athena:
 * StartQueryExecution, GetQueryExecution (QUEUED → RUNNING → final, so clients must poll),
 * GetQueryResults (paginated, header row first, values as text in Athena's formats) and
 * StopQueryExecution. Statements run in DuckDB (in UTC), so the fake accepts DuckDB SQL, which
 * overlaps with but is not Athena's Trino dialect. It checks the access key id, not SigV4
 * signatures.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DuckDBBackend, statementFailure, type BackendResult } from '../../../test/support/duckdb-backend.js';

interface Execution {
  state: 'SUCCEEDED' | 'FAILED';
  polls: number;
  result?: BackendResult;
  error?: string;
  sql: string;
}

export interface FakeAthena {
  endpoint: string;
  backend: DuckDBBackend;
  /** Every statement received, in order. */
  statements: string[];
  stopped: string[];
  /** The next `times` requests fail with this AWS error type and HTTP status. */
  failNext(type: string, status: number, times?: number): void;
  /** Ends injected failures. */
  clearFaults(): void;
  close(): Promise<void>;
}

export async function startFakeAthena(accessKeyId: string): Promise<FakeAthena> {
  const backend = await DuckDBBackend.open();
  const executions = new Map<string, Execution>();
  const statements: string[] = [];
  const stopped: string[] = [];
  let injected: { type: string; status: number; times: number } | undefined;
  let next = 0;

  const operations: Record<string, (input: AthenaRequest) => Promise<unknown>> = {
    async StartQueryExecution(input) {
      const id = `q-${++next}`;
      const sql = String(input.QueryString);
      statements.push(sql);
      const execution: Execution = { state: 'SUCCEEDED', polls: 0, sql };
      try {
        const database = input.QueryExecutionContext?.Database;
        if (database) await backend.run(`SET schema = '${String(database).replace(/'/g, "''")}'`);
        execution.result = await backend.run(sql);
      } catch (err) {
        execution.state = 'FAILED';
        execution.error = athenaReason(err instanceof Error ? err.message : String(err));
      }
      executions.set(id, execution);
      return { QueryExecutionId: id };
    },
    async GetQueryExecution(input) {
      const execution = mustFind(executions, input.QueryExecutionId);
      const state = ['QUEUED', 'RUNNING'][execution.polls++] ?? execution.state;
      const status: Record<string, unknown> = { State: state };
      if (state === 'FAILED') {
        status.StateChangeReason = execution.error;
        status.AthenaError = { ErrorCategory: 2, ErrorType: 1006, Retryable: false, ErrorMessage: execution.error };
      }
      return { QueryExecution: { QueryExecutionId: input.QueryExecutionId, Query: execution.sql, Status: status } };
    },
    async GetQueryResults(input) {
      const execution = mustFind(executions, input.QueryExecutionId);
      if (execution.state !== 'SUCCEEDED' || !execution.result)
        throw Object.assign(new Error('Query has not yet finished.'), { type: 'InvalidRequestException' });
      const { columns, rows } = execution.result;
      const offset = input.NextToken ? Number(String(input.NextToken).split(':')[1]) : 0;
      const size = Math.min(Number(input.MaxResults ?? 1000), 1000);
      const header = offset === 0 ? [{ Data: columns.map((c) => ({ VarCharValue: c.name })) }] : [];
      const slice = rows.slice(offset, offset + size - header.length);
      const end = offset + slice.length;
      return {
        ResultSet: {
          Rows: [...header, ...slice.map((row) => ({ Data: row.map((v, i) => athenaText(v, columns[i].duckType)) }))],
          ResultSetMetadata: {
            ColumnInfo: columns.map((c) => ({
              Name: c.name,
              Label: c.name,
              Type: athenaType(c.duckType),
              Nullable: 'UNKNOWN',
            })),
          },
        },
        NextToken: end < rows.length ? `${input.QueryExecutionId}:${end}` : undefined,
      };
    },
    async StopQueryExecution(input) {
      stopped.push(String(input.QueryExecutionId));
      return {};
    },
  };

  const server: Server = createServer((req, res) => {
    void handle(req, res);
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const operation = String(req.headers['x-amz-target'] ?? '').replace('AmazonAthena.', '');
    if (!String(req.headers.authorization ?? '').includes(`Credential=${accessKeyId}/`)) {
      return reply(res, 400, {
        __type: 'UnrecognizedClientException',
        message: 'The security token included in the request is invalid.',
      });
    }
    if (injected) {
      const { type, status } = injected;
      if (--injected.times <= 0) injected = undefined;
      return reply(res, status, { __type: type, message: `Injected ${type}` });
    }
    const run = operations[operation];
    if (!run)
      return reply(res, 400, {
        __type: 'InvalidRequestException',
        message: `The fake does not implement ${operation}.`,
      });
    try {
      reply(res, 200, await run(JSON.parse(body || '{}')));
    } catch (err) {
      reply(res, 400, {
        __type: (err as { type?: string }).type ?? 'InvalidRequestException',
        message: (err as Error).message,
      });
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    backend,
    statements,
    stopped,
    failNext(type, status, times = 1) {
      injected = { type, status, times };
    },
    clearFaults() {
      injected = undefined;
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      backend.close();
    },
  };
}

/** The fields of the Athena requests this fake reads (the JSON body of each operation). */
interface AthenaRequest {
  QueryString?: string;
  QueryExecutionContext?: { Database?: string };
  QueryExecutionId?: string;
  NextToken?: string;
  MaxResults?: number;
}

function mustFind(executions: Map<string, Execution>, id: unknown): Execution {
  const execution = executions.get(String(id));
  if (!execution)
    throw Object.assign(new Error(`QueryExecution ${String(id)} was not found`), { type: 'InvalidRequestException' });
  return execution;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => resolve(body));
  });
}

function reply(res: ServerResponse, status: number, payload: unknown): void {
  const text = JSON.stringify(payload, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'fake' });
  res.end(text);
}

/** Athena's type names for DuckDB's. */
function athenaType(duckType: string): string {
  const t = duckType.toUpperCase();
  const names: Record<string, string> = {
    VARCHAR: 'varchar',
    BIGINT: 'bigint',
    INTEGER: 'integer',
    SMALLINT: 'smallint',
    TINYINT: 'tinyint',
    DOUBLE: 'double',
    FLOAT: 'real',
    BOOLEAN: 'boolean',
    DATE: 'date',
    TIMESTAMP: 'timestamp',
    'TIMESTAMP WITH TIME ZONE': 'timestamp with time zone',
    JSON: 'json',
  };
  if (t.startsWith('DECIMAL')) return 'decimal';
  return names[t] ?? 'varchar';
}

/** A value as Athena renders it in GetQueryResults (absent VarCharValue for NULL). */
function athenaText(value: unknown, duckType: string): { VarCharValue?: string } {
  if (value === null || value === undefined) return {};
  const t = duckType.toUpperCase();
  if (value instanceof Date) {
    if (t === 'DATE') return { VarCharValue: value.toISOString().slice(0, 10) };
    const text = value.toISOString().replace('T', ' ').replace('Z', '');
    return { VarCharValue: t === 'TIMESTAMP WITH TIME ZONE' ? `${text} UTC` : text };
  }
  if (typeof value === 'number' && !Number.isFinite(value))
    return { VarCharValue: Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity' };
  if (typeof value === 'object') return { VarCharValue: JSON.stringify(value) };
  return { VarCharValue: String(value) };
}

/** DuckDB's error worded as Athena (Trino) words a query's: `line 4:3: Column 'x' cannot be resolved`. */
function athenaReason(message: string): string {
  const failure = statementFailure(message);
  return failure.line === null ? message : `line ${failure.line}:${failure.column ?? 1}: ${failure.text}`;
}
