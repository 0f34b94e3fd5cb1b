/**
 * A local fake of the Databricks SQL Statement Execution API on 127.0.0.1: POST
 * /api/2.0/sql/statements (answers PENDING, as after a wait timeout), GET .../{id} (RUNNING,
 * then the final state), GET .../{id}/result/chunks/{n}, POST .../{id}/cancel, and the OAuth
 * M2M token endpoint /oidc/v1/token. Statements run in DuckDB (UTC) after a translation from
 * Databricks SQL (framework/connectors/shared/testing/sql-translate.ts); `timestamp_millis`,
 * which it passes through, is defined as a macro.
 * Values are encoded as the JSON_ARRAY format does (strings or null). A SQL session's
 * parameters, clones and write counts are modelled in fake-writes.ts.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toDuckDB } from '../../../framework/connectors/shared/testing/sql-translate.js';
import { DuckDBBackend, statementFailure, type BackendResult } from '../../../test/support/duckdb-backend.js';
import { prepareStatement, writeResult, type FakeParameter } from './fake-writes.js';

interface Statement {
  polls: number;
  result?: BackendResult;
  error?: string;
}

export interface FakeDatabricksOptions {
  warehouseId: string;
  token: string;
  client: { id: string; secret: string };
  chunkRows: number;
}

export interface FakeDatabricks {
  host: string;
  backend: DuckDBBackend;
  statements: string[];
  cancelled: string[];
  tokenRequests: number;
  failNext(status: number, errorCode: string, times?: number): void;
  clearFaults(): void;
  close(): Promise<void>;
}

export async function startFakeDatabricks(options: FakeDatabricksOptions): Promise<FakeDatabricks> {
  const backend = await DuckDBBackend.open();
  await backend.run('CREATE MACRO timestamp_millis(ms) AS make_timestamp(CAST(ms AS BIGINT) * 1000)');
  const running = new Map<string, Statement>();
  const issued = new Set<string>([options.token]);
  let injected: { status: number; errorCode: string; times: number } | undefined;
  let next = 0;
  const state: FakeDatabricks = {
    host: '',
    backend,
    statements: [],
    cancelled: [],
    tokenRequests: 0,
    failNext(status, errorCode, times = 1) {
      injected = { status, errorCode, times };
    },
    clearFaults() {
      injected = undefined;
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      backend.close();
    },
  };

  async function route(req: IncomingMessage, body: string): Promise<[number, unknown]> {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (url.pathname === '/oidc/v1/token') return issueToken(req, body);
    const bearer = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
    if (!issued.has(bearer)) return [401, { error_code: 'UNAUTHENTICATED', message: 'Invalid access token.' }];
    if (injected) {
      const { status, errorCode } = injected;
      if (--injected.times <= 0) injected = undefined;
      return [status, { error_code: errorCode, message: `Injected ${errorCode}` }];
    }
    const parts = url.pathname.split('/').filter(Boolean); // api 2.0 sql statements {id} ...
    if (req.method === 'POST' && parts.length === 4) return submit(JSON.parse(body));
    const statement = running.get(parts[4]);
    if (!statement)
      return [404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: `Statement ${parts[4]} not found.` }];
    if (req.method === 'POST' && parts[5] === 'cancel') {
      state.cancelled.push(parts[4]);
      return [200, {}];
    }
    if (parts[5] === 'result') return [200, chunk(parts[4], statement, Number(parts[7]))];
    return [200, status(parts[4], statement)];
  }

  function issueToken(req: IncomingMessage, body: string): [number, unknown] {
    const basic = Buffer.from(String(req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString();
    if (basic !== `${options.client.id}:${options.client.secret}` || !body.includes('grant_type=client_credentials')) {
      return [401, { error: 'invalid_client', error_description: 'Client authentication failed' }];
    }
    state.tokenRequests++;
    const token = `oauth-${++next}`;
    issued.add(token);
    return [200, { access_token: token, token_type: 'Bearer', expires_in: 3600 }];
  }

  async function submit(input: {
    statement: string;
    warehouse_id: string;
    schema?: string;
    parameters?: FakeParameter[];
  }): Promise<[number, unknown]> {
    if (input.warehouse_id !== options.warehouseId)
      return [
        404,
        { error_code: 'RESOURCE_DOES_NOT_EXIST', message: `Warehouse ${input.warehouse_id} does not exist.` },
      ];
    const id = `stmt-${++next}`;
    state.statements.push(input.statement);
    const statement: Statement = { polls: 0 };
    try {
      await backend.run(`SET schema = '${(input.schema ?? 'main').replace(/'/g, "''")}'`);
      const sql = await toDuckDB(prepareStatement(input.statement, input.parameters), 'databricks');
      statement.result = await writeResult(backend, input.statement, await backend.run(sql));
    } catch (err) {
      statement.error = sparkMessage((err as Error).message, input.statement);
    }
    running.set(id, statement);
    return [200, { statement_id: id, status: { state: 'PENDING' } }];
  }

  function status(id: string, statement: Statement): unknown {
    if (statement.polls++ === 0) return { statement_id: id, status: { state: 'RUNNING' } };
    if (statement.error)
      return {
        statement_id: id,
        status: { state: 'FAILED', error: { error_code: 'BAD_REQUEST', message: statement.error } },
      };
    const result = statement.result!;
    const chunks = Math.max(1, Math.ceil(result.rows.length / options.chunkRows));
    return {
      statement_id: id,
      status: { state: 'SUCCEEDED' },
      manifest: {
        format: 'JSON_ARRAY',
        schema: {
          column_count: result.columns.length,
          columns: result.columns.map((c, i) => ({ name: c.name, position: i, ...databricksType(c.duckType) })),
        },
        total_chunk_count: chunks,
        total_row_count: result.rows.length,
      },
      result: chunk(id, statement, 0),
    };
  }

  function chunk(id: string, statement: Statement, index: number): unknown {
    const { rows, columns } = statement.result!;
    const start = index * options.chunkRows;
    const slice = rows.slice(start, start + options.chunkRows);
    const more = start + options.chunkRows < rows.length;
    return {
      chunk_index: index,
      row_offset: start,
      row_count: slice.length,
      data_array: slice.map((row) => row.map((v, i) => jsonArrayValue(v, columns[i].duckType))),
      ...(more
        ? {
            next_chunk_index: index + 1,
            next_chunk_internal_link: `/api/2.0/sql/statements/${id}/result/chunks/${index + 1}`,
          }
        : {}),
    };
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      void route(req, body).then(([code, payload]) => {
        res.writeHead(code, { 'content-type': 'application/json' });
        res.end(JSON.stringify(payload));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.host = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}

function databricksType(duckType: string): { type_name: string; type_text: string } {
  const t = duckType.toUpperCase();
  const names: Record<string, string> = {
    VARCHAR: 'STRING',
    BIGINT: 'LONG',
    // DuckDB sums BIGINTs to HUGEINT where Databricks keeps BIGINT.
    HUGEINT: 'LONG',
    INTEGER: 'INT',
    SMALLINT: 'SHORT',
    DOUBLE: 'DOUBLE',
    FLOAT: 'FLOAT',
    BOOLEAN: 'BOOLEAN',
    DATE: 'DATE',
    TIMESTAMP: 'TIMESTAMP_NTZ',
    'TIMESTAMP WITH TIME ZONE': 'TIMESTAMP',
    JSON: 'VARIANT',
  };
  const name = names[t] ?? (t.startsWith('DECIMAL') ? 'DECIMAL' : 'STRING');
  return { type_name: name, type_text: name === 'LONG' ? 'BIGINT' : name };
}

function jsonArrayValue(value: unknown, duckType: string): string | null {
  if (value === null || value === undefined) return null;
  const t = duckType.toUpperCase();
  if (value instanceof Date) {
    if (t === 'DATE') return value.toISOString().slice(0, 10);
    return t === 'TIMESTAMP' ? value.toISOString().replace('Z', '') : value.toISOString();
  }
  if (typeof value === 'number' && !Number.isFinite(value))
    return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * DuckDB's error for an unknown column worded as Databricks (Spark) words it, with the place
 * of the name in the statement as sent (`…; line 4 pos 2`, pos counted from 0): the fake runs
 * a translation of the statement on one line, so DuckDB's own place would not match it.
 */
function sparkMessage(message: string, statement: string): string {
  const name = /Referenced column "(\w+)" not found/.exec(message)?.[1];
  const word = new RegExp(`\\b${name}\\b`);
  const lines = statement.split('\n');
  const line = name ? lines.findIndex((l) => word.test(l)) : -1;
  if (line < 0) return message;
  const pos = lines[line].search(word);
  return `${statementFailure(message).text}; line ${line + 1} pos ${pos}`;
}
