/**
 * Turns S3 SDK and DuckDB failures into WharfErrors that name the source (and, for query
 * errors, the mapping and its SQL file), classified so only transient ones are retried.
 * Messages pass through redactSecrets, so a credential echoed by a server never leaks.
 */
import { WharfError, messageOf } from '../../diagnostics/errors.js';
import { redactSecrets } from '../../diagnostics/redact.js';
import { fileLineInMessage } from '../shared/errors.js';
import type { QuerySpec } from '../types.js';

const AUTH_ERRORS = new Set([
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'AccessDenied',
  'ExpiredToken',
  'CredentialsProviderError',
  'InvalidToken',
]);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EPIPE',
  'EHOSTUNREACH',
]);
const THROTTLING = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'RequestTimeout',
  'InternalError',
  'ServiceUnavailable',
  'TimeoutError',
]);

interface AwsLikeError {
  name?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

/** A WharfError for a failed S3 call; WharfErrors pass through unchanged. */
export function s3Error(err: unknown, source: string, what: string): WharfError {
  if (err instanceof WharfError) return err;
  const e = (err ?? {}) as AwsLikeError;
  const name = e.name ?? '';
  const status = e.$metadata?.httpStatusCode ?? 0;
  const detail = redactSecrets(messageOf(err) || name || 'unknown error');
  const message = `S3 source '${source}': could not ${what}: ${detail}`;
  if (AUTH_ERRORS.has(name) || status === 401 || status === 403) {
    return new WharfError(message, {
      code: 's3.auth',
      errorClass: 'auth',
      hint: `Check the credentials of source '${source}' and that they may list and read the bucket.`,
      cause: err,
    });
  }
  if (name === 'NoSuchBucket') {
    return new WharfError(message, {
      code: 's3.no-such-bucket',
      errorClass: 'config',
      hint: `Check \`bucket\` and \`region\` of source '${source}'.`,
      cause: err,
    });
  }
  if (NETWORK_CODES.has(e.code ?? '') || NETWORK_CODES.has(name) || status === 0) {
    return new WharfError(message, {
      code: 's3.connection',
      errorClass: 'connection',
      transient: true,
      hint: `Check \`endpoint\`/\`region\` of source '${source}' and the network.`,
      cause: err,
    });
  }
  if (THROTTLING.has(name) || status >= 500 || status === 429) {
    return new WharfError(message, { code: 's3.unavailable', errorClass: 'connection', transient: true, cause: err });
  }
  return new WharfError(message, { code: 's3.request-failed', errorClass: 'connection', cause: err });
}

/** A WharfError for SQL that DuckDB rejected: DuckDB's own message plus the mapping and SQL file. */
export function queryError(err: unknown, query: QuerySpec): WharfError {
  if (err instanceof WharfError) return err;
  const detail = redactSecrets(messageOf(err));
  const line = fileLineInMessage(query, detail);
  const where = line ? ` DuckDB's line ${line.named} is line ${line.fileLine} of ${query.sqlFile}.` : '';
  return new WharfError(
    `Mapping '${query.mapping}' (${query.sqlFile}): DuckDB could not run the query over the S3 parquet files: ${detail}`,
    {
      code: 'query.failed',
      errorClass: 'query',
      hint: `S3 mappings are DuckDB SQL that selects from the relation \`source\` (the day's parquet files); see docs/connectors-s3.md.${where}`,
      details: { mapping: query.mapping, sqlFile: query.sqlFile },
      cause: err,
    },
  );
}
