/**
 * Databricks failures → WharfError naming the source (and for a statement, the mapping and
 * SQL file): HTTP 401/403 auth, 429/5xx and unreachable hosts transient, a failed statement
 * a query error unless its error code says the warehouse was only busy.
 */
import { WharfError, redactSecrets, sqlFileHint, type QuerySpec } from '@wharf/framework';

/** Statement error codes that mean "try again later", not "the SQL is wrong". */
const TRANSIENT_SQL_ERRORS = new Set(['TEMPORARILY_UNAVAILABLE', 'RESOURCE_EXHAUSTED', 'DEADLINE_EXCEEDED']);

export interface StatementStatus {
  state: string;
  error?: { error_code?: string; message?: string };
}

export function statementError(source: string, status: StatementStatus, query?: QuerySpec): WharfError {
  const error = status.error ?? {};
  const where = query
    ? `Mapping '${query.mapping}' (${query.sqlFile}) on Databricks source '${source}'`
    : `Databricks source '${source}'`;
  const transient = TRANSIENT_SQL_ERRORS.has(error.error_code ?? '');
  return new WharfError(
    `${where}: the statement ${status.state.toLowerCase()}: ${redactSecrets(error.message ?? 'no message')}`,
    {
      code: 'databricks.statement-failed',
      errorClass: transient ? 'connection' : 'query',
      transient,
      hint: query && !transient ? sqlFileHint(query, error.message ?? '') : undefined,
      details: { errorCode: error.error_code, ...(query ? { mapping: query.mapping, sqlFile: query.sqlFile } : {}) },
    },
  );
}

export function unreachableError(source: string, url: URL, err: unknown): WharfError {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return new WharfError(
    `Databricks source '${source}': cannot reach ${url.origin}: ${cause?.code ?? cause?.message ?? (err as Error).message}`,
    {
      code: 'databricks.connection',
      errorClass: 'connection',
      transient: true,
      hint: `Check \`host\` of source '${source}' and the network.`,
      cause: err,
    },
  );
}

/** A request answered with a non-2xx status; `text` is the body (JSON with a message, or not). */
export function httpError(source: string, status: number, text: string): WharfError {
  let message = text;
  try {
    message = (JSON.parse(text) as { message?: string }).message ?? text;
  } catch {
    // Not JSON: keep the body text.
  }
  const summary = `Databricks source '${source}': HTTP ${status}: ${redactSecrets(message)}`;
  if (status === 401 || status === 403) {
    return new WharfError(summary, {
      code: 'databricks.auth',
      errorClass: 'auth',
      hint: `Check the token or OAuth credentials of source '${source}'.`,
    });
  }
  if (status === 429 || status >= 500)
    return new WharfError(summary, { code: 'databricks.unavailable', errorClass: 'connection', transient: true });
  if (status === 404)
    return new WharfError(summary, {
      code: 'databricks.not-found',
      errorClass: 'config',
      hint: `Check \`host\` and \`warehouseId\` of source '${source}'.`,
    });
  return new WharfError(summary, { code: 'databricks.request-failed', errorClass: 'query' });
}
