/**
 * A small Snowflake protocol fake on 127.0.0.1 for tests: it answers snowflake-sdk's real
 * wire format (login-request, query-request with rowtype + inline rowset + chunk URLs, chunk
 * downloads, heartbeat, abort, session delete, telemetry) and executes the SQL on an in-memory
 * DuckDB, so real queries run. It models one account; it is not Snowflake's SQL engine.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { gunzipSync } from 'node:zlib';
import type { SnowflakeSource } from '../../../config/types.js';
import type { DuckDBHandle } from '../../../util/duckdb.js';
import { DuckDBHttpFake } from '../../shared/testing/duckdb-http-fake.js';
import { loginAccepted, type FakeSnowflakeUser, type LoginData } from './auth.js';
import { ResultStore } from './results.js';
import { SessionModel, type Bindings, type ModelStatement } from './session-model.js';

export type { FakeSnowflakeUser } from './auth.js';

/**
 * A source for a fake started with the account 'wharftest' and the user 'wharf_user', its
 * password in the environment variable SF_PASSWORD; `extra` overrides any field.
 */
export function fakeSnowflakeSource(
  name: string,
  accessUrl: string,
  extra: Partial<SnowflakeSource> = {},
): SnowflakeSource {
  return {
    name,
    kind: 'snowflake',
    account: 'wharftest',
    username: 'wharf_user',
    password: { env: 'SF_PASSWORD' },
    warehouse: 'WHARF_WH',
    database: 'WHARF',
    schema: 'PUBLIC',
    accessUrl,
    ...extra,
  };
}

export interface FakeSnowflakeOptions {
  account: string;
  users: Record<string, FakeSnowflakeUser>;
  /** Return unquoted result column names upper-cased, as Snowflake does (session-model.ts). */
  upperCaseNames?: boolean;
}

type Json = Record<string, unknown>;

/** Endpoints the fake accepts without modelling them: keep-alive, cancel, client telemetry. */
const ACKNOWLEDGED = new Set(['/session/heartbeat', '/queries/v1/abort-request', '/telemetry/send']);

/**
 * The answer to queries after failTransiently(): a statement cut off by its warehouse timeout
 * (SQLSTATE 57014). HTTP 5xx answers would be retried by snowflake-sdk itself for minutes
 * before surfacing.
 */
const TIMED_OUT: Json = {
  success: false,
  code: '000630',
  message: 'Statement reached its statement or warehouse timeout of 60 second(s) and was canceled.',
  data: { errorCode: '000630', sqlState: '57014', internalError: false },
};

const SESSION_PARAMETERS = [
  { name: 'TIMEZONE', value: 'UTC' },
  { name: 'TIMESTAMP_OUTPUT_FORMAT', value: 'YYYY-MM-DD HH24:MI:SS.FF3 TZHTZM' },
  { name: 'DATE_OUTPUT_FORMAT', value: 'YYYY-MM-DD' },
  { name: 'TIME_OUTPUT_FORMAT', value: 'HH24:MI:SS' },
  { name: 'BINARY_OUTPUT_FORMAT', value: 'HEX' },
  { name: 'CLIENT_RESULT_CHUNK_SIZE', value: 160 },
];

export class FakeSnowflake extends DuckDBHttpFake {
  private readonly sessions = new Set<string>();
  private readonly results: ResultStore;
  private readonly model: SessionModel;
  /** Query texts received, for tests that check what was sent. */
  readonly queries: string[] = [];
  /** How many abort-requests (statement cancels) arrived. */
  abortRequests = 0;

  /** Sessions logged in and not closed. */
  get openSessions(): number {
    return this.sessions.size;
  }

  private constructor(
    private readonly options: FakeSnowflakeOptions,
    duck: DuckDBHandle,
    server: Server,
  ) {
    super(duck, server);
    this.results = new ResultStore(duck.connection);
    this.model = new SessionModel(duck.connection, { upperCaseNames: options.upperCaseNames ?? false });
  }

  /** Starts the fake on an ephemeral loopback port. */
  static async start(options: FakeSnowflakeOptions): Promise<FakeSnowflake> {
    return DuckDBHttpFake.listen((duck, server) => new FakeSnowflake(options, duck, server));
  }

  protected dropResults(): Promise<void> {
    return this.results.dropAll();
  }

  protected async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      const url = new URL(request.url ?? '/', this.url);
      const body = await readBody(request);
      const reply = await this.route(request.method ?? 'GET', url, request.headers.authorization, body);
      if (typeof reply === 'number')
        return void send(response, reply, {
          success: false,
          message: `No such endpoint: ${request.method} ${request.url}`,
        });
      // Chunks are served like cloud-storage objects, not as JSON documents.
      if (typeof reply === 'string') return void send(response, 200, reply, 'application/octet-stream');
      send(response, 200, reply);
    } catch (err) {
      send(response, 500, { success: false, message: err instanceof Error ? err.message : String(err) });
    }
  }

  private async route(
    method: string,
    url: URL,
    authorization: string | undefined,
    body: Json,
  ): Promise<Json | string | number> {
    const path = url.pathname;
    if (path === '/session/v1/login-request') return this.login(body.data as LoginData);
    const chunk = /^\/fake-chunks\/([^/]+)\/(\d+)$/.exec(path);
    if (chunk && method === 'GET')
      return (await this.exclusive(() => this.results.chunk(chunk[1]!, Number(chunk[2])))) ?? 404;
    const token = /Snowflake Token="([^"]+)"/.exec(authorization ?? '')?.[1];
    if (!token || !this.sessions.has(token)) {
      return {
        success: false,
        code: '390104',
        message: 'Session no longer exists. New login required to access the service.',
        data: null,
      };
    }
    if (path === '/session' && url.searchParams.get('delete') === 'true') {
      this.sessions.delete(token);
      return { success: true, data: null, code: null, message: null };
    }
    if (path === '/queries/v1/query-request')
      return this.transientFailures
        ? TIMED_OUT
        : this.query({ token, sqlText: String(body.sqlText ?? ''), bindings: body.bindings as Bindings });
    if (path.endsWith('/abort-request')) this.abortRequests++;
    if (ACKNOWLEDGED.has(path) || /^\/queries\/[^/]+\/abort-request$/.test(path))
      return { success: true, data: null, code: null, message: null };
    return 404;
  }

  private login(data: LoginData): Json {
    if (!loginAccepted(data ?? {}, this.options.account, this.options.users)) {
      return {
        success: false,
        code: '390100',
        message: 'Incorrect username or password was specified.',
        data: { nextAction: 'RETRY_LOGIN' },
      };
    }
    const token = `session-${randomUUID()}`;
    this.sessions.add(token);
    return {
      success: true,
      code: null,
      message: null,
      data: {
        token,
        masterToken: `master-${randomUUID()}`,
        validityInSeconds: 3600,
        masterValidityInSeconds: 14400,
        sessionId: Math.floor(Math.random() * 1e9),
        parameters: SESSION_PARAMETERS,
        sessionInfo: { databaseName: 'WHARF', schemaName: 'PUBLIC', warehouseName: 'WHARF_WH', roleName: 'WHARF_ROLE' },
        serverVersion: '9.0.0',
      },
    };
  }

  private async query(statement: Omit<ModelStatement, 'queryId'>): Promise<Json> {
    this.queries.push(statement.sqlText);
    const queryId = randomUUID();
    try {
      // A statement the translation refuses fails like one Snowflake refuses.
      const page = await this.exclusive(() =>
        this.model.run({ ...statement, queryId }, (sql) =>
          this.results.create(queryId, sql, (id, index) => `${this.url}/fake-chunks/${id}/${index}`),
        ),
      );
      return {
        success: true,
        code: null,
        message: null,
        data: {
          parameters: SESSION_PARAMETERS,
          rowtype: page.rowtype,
          rowset: page.rowset,
          total: page.total,
          returned: page.total,
          queryId,
          queryResultFormat: 'json',
          statementTypeId: page.statementTypeId,
          version: 1,
          chunkHeaders: {},
          chunks: page.chunks,
          finalDatabaseName: 'WHARF',
          finalSchemaName: 'PUBLIC',
          finalWarehouseName: 'WHARF_WH',
          finalRoleName: 'WHARF_ROLE',
        },
      };
    } catch (err) {
      const message = `SQL compilation error:\n${err instanceof Error ? err.message : String(err)}`;
      return {
        success: false,
        code: '000904',
        message,
        data: { errorCode: '000904', sqlState: '42000', queryId, internalError: false },
      };
    }
  }
}

async function readBody(request: IncomingMessage): Promise<Json> {
  const parts: Buffer[] = [];
  for await (const part of request) parts.push(part as Buffer);
  if (parts.length === 0) return {};
  let raw = Buffer.concat(parts);
  if (request.headers['content-encoding'] === 'gzip') raw = gunzipSync(raw);
  return raw.length === 0 ? {} : (JSON.parse(raw.toString('utf8')) as Json);
}

function send(response: ServerResponse, status: number, body: Json | string, contentType = 'application/json'): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  response.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) });
  response.end(text);
}
