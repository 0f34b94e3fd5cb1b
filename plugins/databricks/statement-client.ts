/**
 * The SQL Statement Execution API (POST /api/2.0/sql/statements): submits a statement with
 * INLINE disposition and JSON_ARRAY format, polls GET /api/2.0/sql/statements/{id} until it
 * leaves PENDING/RUNNING, then follows the result chunks (`next_chunk_internal_link`) one at
 * a time, so memory is bounded by a chunk. A read aborted while the statement is still
 * running cancels it on the warehouse.
 */
import {
  WharfError,
  type ColumnInfo,
  type QuerySpec,
  type ResultPage,
  type Row,
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

export class StatementClient implements StatementRunner {
  constructor(
    private readonly config: DatabricksSource,
    private readonly token: TokenProvider,
    private readonly fetchImpl: typeof fetch,
  ) {}

  async *pages(sql: string, query?: QuerySpec, signal?: AbortSignal): AsyncGenerator<ResultPage> {
    let response = await this.request<StatementResponse>('POST', '/api/2.0/sql/statements', {
      statement: sql,
      warehouse_id: this.config.warehouseId,
      catalog: this.config.catalog,
      schema: this.config.schema,
      disposition: 'INLINE',
      format: 'JSON_ARRAY',
      wait_timeout: '10s',
      on_wait_timeout: 'CONTINUE',
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
    const columns = (response.manifest?.schema?.columns ?? []).map(columnInfo);
    let chunk: Chunk | undefined = response.result;
    while (chunk) {
      yield { columns, rows: (chunk.data_array ?? []).map((values) => toRow(values, columns)) };
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

function toRow(values: (string | null)[], columns: ColumnInfo[]): Row {
  const row: Row = {};
  columns.forEach((column, i) => {
    row[column.name] = parseValue(values[i], column);
  });
  return row;
}
