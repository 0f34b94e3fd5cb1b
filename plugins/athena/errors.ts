/**
 * Athena failures as WharfErrors that name the source (and for SQL errors the mapping and SQL
 * file), classified so that only transient ones are retried.
 */
import { WharfError, redactSecrets, sqlFileHint, type QuerySpec } from '@wharf/framework';

const AUTH = new Set([
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'AccessDeniedException',
  'ExpiredTokenException',
  'CredentialsProviderError',
  'InvalidClientTokenId',
]);
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EAI_AGAIN', 'EPIPE', 'EHOSTUNREACH']);
const THROTTLE = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'InternalServerException',
  'ServiceUnavailableException',
  'TimeoutError',
]);

interface AwsLike {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

export function athenaCallError(err: unknown, source: string): WharfError {
  if (err instanceof WharfError) return err;
  const e = (err ?? {}) as AwsLike;
  const name = e.name ?? '';
  const status = e.$metadata?.httpStatusCode ?? 0;
  const message = `Athena source '${source}': ${redactSecrets(e.message || name || String(err))}`;
  if (AUTH.has(name) || status === 403) {
    return new WharfError(message, {
      code: 'athena.auth',
      errorClass: 'auth',
      hint: `Check the credentials of source '${source}'.`,
      cause: err,
    });
  }
  if (NETWORK.has(e.code ?? '') || NETWORK.has(name) || status === 0) {
    return new WharfError(message, {
      code: 'athena.connection',
      errorClass: 'connection',
      transient: true,
      hint: `Check \`region\`/\`endpoint\` of source '${source}' and the network.`,
      cause: err,
    });
  }
  if (THROTTLE.has(name) || status >= 500 || status === 429) {
    return new WharfError(message, {
      code: 'athena.unavailable',
      errorClass: 'connection',
      transient: true,
      cause: err,
    });
  }
  return new WharfError(message, { code: 'athena.request-failed', errorClass: 'query', cause: err });
}

/**
 * A query Athena ran and failed: its own reason, the mapping and the SQL file, and for the
 * SQL's own error the line of the file that Athena's `line 3:8:` names.
 */
export function athenaQueryError(
  reason: string,
  source: string,
  query: QuerySpec | undefined,
  retryable: boolean,
): WharfError {
  const where = query
    ? `Mapping '${query.mapping}' (${query.sqlFile}) on Athena source '${source}'`
    : `Athena source '${source}'`;
  return new WharfError(`${where}: the query failed: ${redactSecrets(reason)}`, {
    code: 'athena.query-failed',
    errorClass: retryable ? 'connection' : 'query',
    transient: retryable,
    hint: query && !retryable ? sqlFileHint(query, reason) : undefined,
    details: query ? { mapping: query.mapping, sqlFile: query.sqlFile } : {},
  });
}
