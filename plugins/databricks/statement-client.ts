/**
 * The SQL Statement Execution API (POST /api/2.0/sql/statements): submits a statement with
 * INLINE disposition and JSON_ARRAY format, polls GET /api/2.0/sql/statements/{id} until it
 * leaves PENDING/RUNNING, then follows the result chunks (`next_chunk_internal_link`) one at
 * a time, so memory is bounded by a chunk. A read aborted while the statement is still
 * running cancels it on the warehouse.
 */
import {
  rowPages,
  WharfError,
  type ColumnInfo,
  type QuerySpec,
  type RawResultPage,
  type ResultPage,
  type Row,
  type RowValue,
  type StatementRunner,
} from '@wharf/framework';
import type { TokenProvider } from './auth.js';
import { httpError, statementError, unreachableError, type StatementStatus } from './errors.js';
import type { DatabricksSource } from './options.js';
import { columnInfo, parseValue, type ManifestColumn } from './values.js';

interface Chunk {
  data_array?: (string | null)[][];
  next_chunk_internal_link?: string;
}

interface StatementResponse {
  statement_id: string;
  status: StatementStatus;
  manifest?: { schema?: { columns?: ManifestColumn[] } };
  result?: Chunk;
}

/** A named parameter of a statement (`:name` in its text); no value is SQL NULL. */
export interface StatementParameter {
  name: string;
  value?: string;
  type: string;
}

/** A statement's id, result columns and every row (a SQL session's statements return small results). */
export interface StatementResult {
  statementId: string;
  columns: ColumnInfo[];
  rows: Row[];
}

export class StatementClient implements StatementRunner {
  constructor(
    private readonly config: DatabricksSource,
    private readonly token: TokenProvider,
    private readonly fetchImpl: typeof fetch,
  ) {}

  pages(sql: string, query?: QuerySpec, signal?: AbortSignal): AsyncIterable<ResultPage> {
    return rowPages(this.rawPages(sql, query, signal), this.value);
  }

  /** A value as JSON_ARRAY sends it (a string, or null) as the connector contract's value. */
  readonly value = (raw: unknown, column: ColumnInfo): RowValue => parseValue(raw as string | null, column);

  /** The pages with each value as Databricks' text. */
  async *rawPages(sql: string, query?: QuerySpec, signal?: AbortSignal): AsyncGenerator<RawResultPage> {
    const response = await this.finished({ statement: sql }, query, signal);
    yield* this.chunks(response, signal);
  }

  /** Runs one statement with its default schema (else the source's) and named parameters; reads all its rows. */
  async statement(
    sql: string,
    options: { schema?: string; parameters: StatementParameter[] },
  ): Promise<StatementResult> {
    const response = await this.finished({
      statement: sql,
      schema: options.schema ?? this.config.schema,
      parameters: options.parameters,
    });
    const rows: Row[] = [];
    let columns: ColumnInfo[] = [];
    for await (const page of rowPages(this.chunks(response), this.value)) {
      columns = page.columns;
      rows.push(...page.rows);
    }
    return { statementId: response.statement_id, columns, rows };
  }

  /** Submits a statement and polls it until it leaves PENDING/RUNNING; a statement that did not succeed throws. */
  private async finished(
    body: { statement: string; schema?: string; parameters?: StatementParameter[] },
    query?: QuerySpec,
    signal?: AbortSignal,
  ): Promise<StatementResponse> {
    let response = await this.request<StatementResponse>('POST', '/api/2.0/sql/statements', {
      warehouse_id: this.config.warehouseId,
      catalog: this.config.catalog,
      schema: this.config.schema,
      disposition: 'INLINE',
      format: 'JSON_ARRAY',
      wait_timeout: '10s',
      on_wait_timeout: 'CONTINUE',
      ...body,
    });
    const id = response.statement_id;
    try {
      while (response.status.state === 'PENDING' || response.status.state === 'RUNNING') {
        signal?.throwIfAborted();
        await new Promise((resolve) => setTimeout(resolve, this.config.pollIntervalMs ?? 1000));
        response = await this.request<StatementResponse>('GET', `/api/2.0/sql/statements/${id}`);
      }
    } catch (err) {
      await this.cancel(id);
      throw err;
    }
    if (response.status.state !== 'SUCCEEDED') throw statementError(this.config.name, response.status, query);
    return response;
  }

  /** The result's pages, following the chunk links one at a time. */
  private async *chunks(response: StatementResponse, signal?: AbortSignal): AsyncGenerator<RawResultPage> {
    const columns = (response.manifest?.schema?.columns ?? []).map(columnInfo);
    let chunk: Chunk | undefined = response.result;
    while (chunk) {
      yield { columns, rows: chunk.data_array ?? [] };
      signal?.throwIfAborted();
      chunk = chunk.next_chunk_internal_link
        ? await this.request<Chunk>('GET', chunk.next_chunk_internal_link)
        : undefined;
    }
  }

  private async cancel(id: string): Promise<void> {
    await this.request('POST', `/api/2.0/sql/statements/${id}/cancel`).catch(() => undefined);
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const url = new URL(path, this.config.host);
    let response: Response;
    try {
      response = await this.fetchImpl(url, {
        method,
        headers: { authorization: `Bearer ${await this.token()}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      if (err instanceof WharfError) throw err;
      throw unreachableError(this.config.name, url, err);
    }
    const text = await response.text();
    if (!response.ok) throw httpError(this.config.name, response.status, text);
    return (text ? JSON.parse(text) : {}) as T;
  }
}
