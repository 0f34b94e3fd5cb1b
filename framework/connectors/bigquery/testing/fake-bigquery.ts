/**
 * A small BigQuery REST API fake on 127.0.0.1 for tests: jobs.insert (queries and dry runs),
 * jobs.get, jobs.cancel, jobs.query, jobs.getQueryResults with pageToken paging and
 * tables.get, answering in the API's JSON shapes and executing the SQL on an in-memory DuckDB.
 * Jobs report statistics (totalBytesProcessed from a per-table estimate, totalBytesBilled as
 * on-demand billing rounds it, numDmlAffectedRows); DDL and DML statements run directly, and
 * scripts, transactions and the default dataset behave as in BigQuery (testing/scripts.ts).
 * Requests must carry the configured bearer token. It is not BigQuery's SQL engine.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { DuckDBHandle } from '../../../util/duckdb.js';
import { DuckDBHttpFake } from '../../shared/testing/duckdb-http-fake.js';
import { apiError, type Json, type Reply } from './api-errors.js';
import { JobStore } from './jobs.js';

export interface FakeBigQueryOptions {
  projectId: string;
  /** The only bearer token accepted. */
  accessToken: string;
  location?: string;
}

export class FakeBigQuery extends DuckDBHttpFake {
  private readonly jobs: JobStore;
  /** Query texts received (dry runs included), for tests that check what was sent. */
  readonly queries: string[] = [];
  /** Ids of jobs whose cancel was requested. */
  readonly cancelled: string[] = [];

  private constructor(
    private readonly options: FakeBigQueryOptions,
    duck: DuckDBHandle,
    server: Server,
  ) {
    super(duck, server);
    this.jobs = new JobStore(duck.connection);
  }

  static async start(options: FakeBigQueryOptions): Promise<FakeBigQuery> {
    return DuckDBHttpFake.listen((duck, server) => new FakeBigQuery(options, duck, server));
  }

  protected dropResults(): Promise<void> {
    return this.jobs.dropAll();
  }

  protected async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let reply: Reply;
    try {
      const url = new URL(request.url ?? '/', this.url);
      reply = await this.route(request.method ?? 'GET', url, request.headers.authorization, await readJson(request));
    } catch (err) {
      reply = apiError(500, 'internalError', err instanceof Error ? err.message : String(err));
    }
    const text = JSON.stringify(reply.body);
    response.writeHead(reply.status, {
      'Content-Type': 'application/json; charset=UTF-8',
      'Content-Length': Buffer.byteLength(text),
    });
    response.end(text);
  }

  private async route(method: string, url: URL, authorization: string | undefined, body: Json): Promise<Reply> {
    if (authorization !== `Bearer ${this.options.accessToken}`) {
      return apiError(
        401,
        'authError',
        'Request had invalid authentication credentials. Expected OAuth 2 access token.',
      );
    }
    if (this.transientFailures) return apiError(503, 'backendError', 'The service is currently unavailable.');
    const match = /^\/bigquery\/v2\/projects\/([^/]+)\/(.*)$/.exec(url.pathname);
    if (!match) return apiError(404, 'notFound', `Not found: ${url.pathname}`);
    if (match[1] !== this.options.projectId) return apiError(404, 'notFound', `Not found: Project ${match[1]}`);
    const rest = match[2]!;
    if (method === 'POST' && rest === 'jobs') return this.insertJob(body);
    if (method === 'POST' && rest === 'queries') return this.jobsQuery(body, url);
    const results = /^queries\/([^/]+)$/.exec(rest);
    if (method === 'GET' && results) return this.results(results[1]!, url);
    const job = /^jobs\/([^/]+)(\/cancel)?$/.exec(rest);
    if (job?.[2]) this.cancelled.push(job[1]!);
    if (job) {
      const resource = this.jobResource(job[1]!, (this.jobs.statisticsOf(job[1]!) ?? {}) as Json);
      return { status: 200, body: job[2] ? { kind: 'bigquery#jobCancelResponse', job: resource } : resource };
    }
    const table = /^datasets\/([^/]+)\/tables\/([^/]+)$/.exec(rest);
    if (method === 'GET' && table) return this.table(table[1]!, table[2]!);
    return apiError(404, 'notFound', `Not found: ${method} ${url.pathname}`);
  }

  private jobResource(jobId: string | undefined, statistics: Json, configuration: Json = {}): Json {
    const jobReference = { projectId: this.options.projectId, jobId, location: this.options.location ?? 'US' };
    return {
      kind: 'bigquery#job',
      id: `${this.options.projectId}:${jobReference.location}.${jobId}`,
      jobReference,
      configuration,
      status: { state: 'DONE' },
      statistics,
    };
  }

  /** jobs.insert: a dry run answers at once; a query runs to completion before answering. */
  private async insertJob(body: Json): Promise<Reply> {
    const configuration = (body.configuration ?? {}) as {
      query?: { query?: string; queryParameters?: QueryParameter[]; defaultDataset?: { datasetId?: string } };
      dryRun?: boolean;
    };
    const dataset = configuration.query?.defaultDataset?.datasetId;
    const text = configuration.query?.query;
    const sql = text === undefined ? undefined : bindPositional(text, configuration.query?.queryParameters ?? []);
    if (!sql) return apiError(400, 'invalid', 'Job configuration must contain a query.');
    this.queries.push(text ?? sql);
    const jobId = ((body.jobReference as { jobId?: string } | undefined)?.jobId ?? randomUUID()) as string;
    try {
      if (configuration.dryRun) {
        const { fields, bytes } = await this.exclusive(() => this.jobs.dryRun(sql, dataset));
        const stats = {
          totalBytesProcessed: String(bytes),
          query: { totalBytesProcessed: String(bytes), schema: { fields }, statementType: 'SELECT' },
        };
        return { status: 200, body: this.jobResource(undefined, stats, configuration) };
      }
      await this.exclusive(() => this.jobs.run(jobId, sql, dataset));
      // Bytes processed and billed as BigQuery's job statistics report them (the fake's estimate).
      return {
        status: 200,
        body: this.jobResource(jobId, (this.jobs.statisticsOf(jobId) ?? {}) as Json, configuration),
      };
    } catch (err) {
      return apiError(400, 'invalidQuery', `${err instanceof Error ? err.message : String(err)} at [1:1]`);
    }
  }

  /** jobs.query: runs the query and answers with the first page. */
  private async jobsQuery(body: Json, url: URL): Promise<Reply> {
    const jobId = randomUUID();
    const inserted = await this.insertJob({ configuration: { query: { query: body.query } }, jobReference: { jobId } });
    if (inserted.status !== 200) return inserted;
    const format = body.formatOptions as { useInt64Timestamp?: boolean } | undefined;
    const query = new URLSearchParams({
      maxResults: String(body.maxResults ?? ''),
      'formatOptions.useInt64Timestamp': String(format?.useInt64Timestamp ?? false),
    });
    const first = await this.results(jobId, new URL(`${url.origin}/?${query.toString()}`));
    return { status: first.status, body: { ...first.body, kind: 'bigquery#queryResponse' } };
  }

  /** jobs.getQueryResults: one page; `pageToken` is the offset of the page. */
  private async results(jobId: string, url: URL): Promise<Reply> {
    const maxResults = url.searchParams.get('maxResults');
    const offset = Number(url.searchParams.get('pageToken') ?? 0);
    const int64 = url.searchParams.get('formatOptions.useInt64Timestamp') === 'true';
    const page = await this.exclusive(() =>
      this.jobs.page(jobId, offset, maxResults ? Number(maxResults) : undefined, int64),
    );
    if (!page) return apiError(404, 'notFound', `Not found: Job ${this.options.projectId}:${jobId}`);
    const jobReference = { projectId: this.options.projectId, jobId, location: this.options.location ?? 'US' };
    const result: Json = {
      kind: 'bigquery#getQueryResultsResponse',
      schema: { fields: page.fields },
      jobReference,
      totalRows: String(page.total),
      rows: page.rows,
      jobComplete: true,
      cacheHit: false,
    };
    if (page.next !== undefined) result.pageToken = String(page.next);
    return { status: 200, body: result };
  }

  /** tables.get: schema and row count of `dataset.table` (a DuckDB schema and table). */
  private async table(dataset: string, table: string): Promise<Reply> {
    const found = await this.exclusive(async () => {
      const reader = await this.duck.connection.runAndReadAll(
        `SELECT estimated_size FROM duckdb_tables() WHERE schema_name = '${dataset.replaceAll("'", "''")}' AND table_name = '${table.replaceAll("'", "''")}'`,
      );
      const rows = reader.getRows();
      if (rows.length === 0) return undefined;
      return { numRows: Number(rows[0]![0]), ...(await this.jobs.dryRun(`SELECT * FROM ${dataset}.${table}`)) };
    });
    if (!found) return apiError(404, 'notFound', `Not found: Table ${this.options.projectId}:${dataset}.${table}`);
    const tableReference = { projectId: this.options.projectId, datasetId: dataset, tableId: table };
    return {
      status: 200,
      body: {
        kind: 'bigquery#table',
        id: `${this.options.projectId}:${dataset}.${table}`,
        tableReference,
        schema: { fields: found.fields },
        numRows: String(found.numRows),
        type: 'TABLE',
      },
    };
  }
}

/** A positional query parameter as the API sends it. */
interface QueryParameter {
  parameterType?: { type?: string };
  parameterValue?: { value?: string | null };
}

/** The query with each `?` outside string literals replaced by its parameter as a SQL literal. */
function bindPositional(sql: string, params: QueryParameter[]): string {
  if (params.length === 0) return sql;
  let next = 0;
  return sql.replace(/'(?:[^']|'')*'|\?/g, (token) => {
    if (token !== '?') return token;
    const p = params[next++];
    const value = p?.parameterValue?.value ?? null;
    if (value === null) return 'NULL';
    const numeric = ['INT64', 'FLOAT64', 'NUMERIC', 'BIGNUMERIC', 'BOOL'].includes(p?.parameterType?.type ?? '');
    return numeric ? value : `'${value.replaceAll("'", "''")}'`;
  });
}

async function readJson(request: IncomingMessage): Promise<Json> {
  const parts: Buffer[] = [];
  for await (const part of request) parts.push(part as Buffer);
  const text = Buffer.concat(parts).toString('utf8');
  return text.length === 0 ? {} : (JSON.parse(text) as Json);
}
