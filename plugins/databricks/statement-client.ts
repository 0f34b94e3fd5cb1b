/**
 * The SQL Statement Execution API (POST /api/2.0/sql/statements): submits a statement with
 * INLINE disposition and JSON_ARRAY format, polls GET /api/2.0/sql/statements/{id} until it
 * leaves PENDING/RUNNING, then follows the result chunks (`next_chunk_internal_link`) one at
 * a time, so memory is bounded by a chunk. A read aborted while the statement is still
 * running cancels it on the warehouse.
 */
import { WharfError, redactSecrets, type ColumnInfo, type QuerySpec, type ResultPage, type Row, type StatementRunner } from '@wharf/framework';
import type { TokenProvider } from './auth.js';
import type { DatabricksSource } from './options.js';
import { columnInfo, parseValue, type ManifestColumn } from './values.js';

interface Chunk {
  data_array?: (string | null)[][];
  next_chunk_internal_link?: string;
}

interface StatementResponse {
  statement_id: string;
  status: { state: string; error?: { error_code?: string; message?: string } };
  manifest?: { schema?: { columns?: ManifestColumn[] } };
  result?: Chunk;
}

const TRANSIENT_SQL_ERRORS = new Set(['TEMPORARILY_UNAVAILABLE', 'RESOURCE_EXHAUSTED', 'DEADLINE_EXCEEDED']);

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
    if (response.status.state !== 'SUCCEEDED') throw this.statementError(response, query);
    const columns = (response.manifest?.schema?.columns ?? []).map(columnInfo);
    let chunk: Chunk | undefined = response.result;
    while (chunk) {
      yield { columns, rows: (chunk.data_array ?? []).map((values) => toRow(values, columns)) };
      signal?.throwIfAborted();
      chunk = chunk.next_chunk_internal_link ? await this.request<Chunk>('GET', chunk.next_chunk_internal_link) : undefined;
    }
  }

  private async cancel(id: string): Promise<void> {
    await this.request('POST', `/api/2.0/sql/statements/${id}/cancel`).catch(() => undefined);
  }

  private statementError(response: StatementResponse, query?: QuerySpec): WharfError {
    const error = response.status.error ?? {};
    const where = query ? `Mapping '${query.mapping}' (${query.sqlFile}) on Databricks source '${this.config.name}'` : `Databricks source '${this.config.name}'`;
    const transient = TRANSIENT_SQL_ERRORS.has(error.error_code ?? '');
    return new WharfError(`${where}: the statement ${response.status.state.toLowerCase()}: ${redactSecrets(error.message ?? 'no message')}`, {
      code: 'databricks.statement-failed',
      errorClass: transient ? 'connection' : 'query',
      transient,
      details: { errorCode: error.error_code, ...(query ? { mapping: query.mapping, sqlFile: query.sqlFile } : {}) },
    });
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
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new WharfError(`Databricks source '${this.config.name}': cannot reach ${url.origin}: ${cause?.code ?? cause?.message ?? (err as Error).message}`, {
        code: 'databricks.connection',
        errorClass: 'connection',
        transient: true,
        hint: `Check \`host\` of source '${this.config.name}' and the network.`,
        cause: err,
      });
    }
    const text = await response.text();
    if (!response.ok) throw this.httpError(response.status, text);
    return (text ? JSON.parse(text) : {}) as T;
  }

  private httpError(status: number, text: string): WharfError {
    let message = text;
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? text;
    } catch {
      // Not JSON: keep the body text.
    }
    const summary = `Databricks source '${this.config.name}': HTTP ${status}: ${redactSecrets(message)}`;
    if (status === 401 || status === 403) {
      return new WharfError(summary, { code: 'databricks.auth', errorClass: 'auth', hint: `Check the token or OAuth credentials of source '${this.config.name}'.` });
    }
    if (status === 429 || status >= 500) return new WharfError(summary, { code: 'databricks.unavailable', errorClass: 'connection', transient: true });
    if (status === 404) return new WharfError(summary, { code: 'databricks.not-found', errorClass: 'config', hint: `Check \`host\` and \`warehouseId\` of source '${this.config.name}'.` });
    return new WharfError(summary, { code: 'databricks.request-failed', errorClass: 'query' });
  }
}

function toRow(values: (string | null)[], columns: ColumnInfo[]): Row {
  const row: Row = {};
  columns.forEach((column, i) => {
    row[column.name] = parseValue(values[i], column);
  });
  return row;
}
