/**
 * The warehouse's failures → WharfError naming the source (and for a statement, the mapping
 * and SQL file): 401/403 auth, 429/5xx and network errors transient, anything else (a 400)
 * the SQL's own error.
 */
import { WharfError, redactSecrets, sqlFileHint, type QuerySpec } from '@wharf/framework';

export function unreachableError(source: string, url: URL, err: unknown): WharfError {
  const code = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
  return new WharfError(`Source '${source}': cannot reach ${url.origin}: ${code}`, {
    code: 'template.connection',
    errorClass: 'connection',
    transient: true,
    cause: err,
  });
}

/** A request answered with a non-2xx `status`; `error` is the body's error text, if any. */
export function httpError(source: string, status: number, error: string | undefined, query?: QuerySpec): WharfError {
  const message = redactSecrets(error ?? `HTTP ${status}`);
  if (status === 401 || status === 403) {
    return new WharfError(`Source '${source}': authentication failed: ${message}`, {
      code: 'template.auth',
      errorClass: 'auth',
      hint: `Check the token of source '${source}'.`,
    });
  }
  if (status === 429 || status >= 500) {
    return new WharfError(`Source '${source}': the warehouse is unavailable: ${message}`, {
      code: 'template.unavailable',
      errorClass: 'connection',
      transient: true,
    });
  }
  const where = query ? `Mapping '${query.mapping}' (${query.sqlFile}) on source '${source}'` : `Source '${source}'`;
  return new WharfError(`${where}: ${message}`, {
    code: 'template.query-failed',
    errorClass: 'query',
    hint: query ? sqlFileHint(query, message) : undefined,
  });
}
