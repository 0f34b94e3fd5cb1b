/**
 * The warehouse's wire protocol, kept apart from the connector so the connector reads as
 * Wharf logic. This template's API: POST /v1/query {sql, pageSize} with a bearer token answers
 * {columns: [{name, type}], rows, next?}; GET `next` answers the following page. Failures map
 * to WharfErrors in errors.ts, values to row values in values.ts.
 */
import {
  rowPages,
  type ColumnInfo,
  type QuerySpec,
  type RawResultPage,
  type ResultPage,
  type RowValue,
  type StatementRunner,
} from '@wharf/framework';
import { httpError, unreachableError } from './errors.js';
import type { TemplateHttpSource } from './options.js';
import { columnInfo, toValue } from './values.js';

interface Page {
  columns?: { name: string; type: string }[];
  rows: unknown[][];
  next?: string;
}

export class ApiClient implements StatementRunner {
  constructor(
    private readonly config: TemplateHttpSource,
    private readonly token: string,
  ) {}

  /** The result pages of one statement; `query` names the mapping in SQL errors. */
  pages(sql: string, query?: QuerySpec, signal?: AbortSignal): AsyncIterable<ResultPage> {
    return rowPages(this.rawPages(sql, query, signal), this.value);
  }

  /**
   * One value as the API sends it, as the connector contract's value. With rawPages, this gives
   * the connector its bulk export (the columnar path).
   */
  readonly value = (raw: unknown, column: ColumnInfo): RowValue => toValue(raw, column.type);

  /** The same pages, each row as the API's array of values. */
  async *rawPages(sql: string, query?: QuerySpec, signal?: AbortSignal): AsyncGenerator<RawResultPage> {
    let page = await this.request('/v1/query', { sql, pageSize: this.config.pageSize ?? 5000 }, query);
    const columns = (page.columns ?? []).map(columnInfo);
    for (;;) {
      yield { columns, rows: page.rows };
      signal?.throwIfAborted();
      if (!page.next) return;
      page = await this.request(page.next, undefined, query);
    }
  }

  private async request(path: string, body: unknown, query?: QuerySpec): Promise<Page> {
    const url = new URL(path, this.config.endpoint);
    let response: Response;
    try {
      response = await fetch(url, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      throw unreachableError(this.config.name, url, err);
    }
    const payload = (await response.json().catch(() => ({}))) as Page & { error?: string };
    if (response.ok) return payload;
    throw httpError(this.config.name, response.status, payload.error, query);
  }
}
