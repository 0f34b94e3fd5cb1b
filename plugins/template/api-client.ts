/**
 * The warehouse's wire protocol, kept apart from the connector so the connector reads as
 * Wharf logic. This template's API: POST /v1/query {sql, pageSize} with a bearer token answers
 * {columns: [{name, type}], rows, next?}; GET `next` answers the following page. Failures map
 * to WharfErrors: 401/403 auth, 429/5xx and network errors transient, 400 the SQL's own error.
 */
import { WharfError, integerValue, redactSecrets, type ColumnInfo, type LogicalType, type QuerySpec, type ResultPage, type Row, type StatementRunner, type RowValue } from '@wharf/framework';
import type { TemplateHttpSource } from './options.js';

interface Page {
  columns?: { name: string; type: string }[];
  rows: unknown[][];
  next?: string;
}

const LOGICAL: Record<string, LogicalType> = { string: 'string', integer: 'integer', double: 'double', boolean: 'boolean', date: 'date', timestamp: 'timestamp', json: 'json' };

export class ApiClient implements StatementRunner {
  constructor(
    private readonly config: TemplateHttpSource,
    private readonly token: string,
  ) {}

  /** The result pages of one statement; `query` names the mapping in SQL errors. */
  async *pages(sql: string, query?: QuerySpec): AsyncGenerator<ResultPage> {
    let page = await this.request('/v1/query', { sql, pageSize: this.config.pageSize ?? 5000 }, query);
    const columns = (page.columns ?? []).map((c) => ({ name: c.name, type: LOGICAL[c.type] ?? 'other', nativeType: c.type }));
    for (;;) {
      yield { columns, rows: page.rows.map((values) => toRow(values, columns)) };
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
      const code = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
      throw new WharfError(`Source '${this.config.name}': cannot reach ${url.origin}: ${code}`, { code: 'template.connection', errorClass: 'connection', transient: true, cause: err });
    }
    const payload = (await response.json().catch(() => ({}))) as Page & { error?: string };
    if (response.ok) return payload;
    const message = redactSecrets(payload.error ?? `HTTP ${response.status}`);
    if (response.status === 401 || response.status === 403) {
      throw new WharfError(`Source '${this.config.name}': authentication failed: ${message}`, { code: 'template.auth', errorClass: 'auth', hint: `Check the token of source '${this.config.name}'.` });
    }
    if (response.status === 429 || response.status >= 500) {
      throw new WharfError(`Source '${this.config.name}': the warehouse is unavailable: ${message}`, { code: 'template.unavailable', errorClass: 'connection', transient: true });
    }
    const where = query ? `Mapping '${query.mapping}' (${query.sqlFile}) on source '${this.config.name}'` : `Source '${this.config.name}'`;
    throw new WharfError(`${where}: ${message}`, { code: 'template.query-failed', errorClass: 'query' });
  }
}

/** Wire values → the connector contract (see RowValue in @wharf/framework). */
function toRow(values: unknown[], columns: ColumnInfo[]): Row {
  const row: Row = {};
  columns.forEach((column, i) => {
    row[column.name] = toValue(values[i], column.type);
  });
  return row;
}

function toValue(value: unknown, type: LogicalType): RowValue {
  if (value === null || value === undefined) return null;
  if (type === 'integer') return integerValue(value as string);
  if (type === 'double') return Number(value);
  if (type === 'timestamp') return new Date(value as string);
  return value as RowValue;
}
