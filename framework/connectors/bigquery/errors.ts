/**
 * Classifies BigQuery client failures by HTTP status and the API's error reasons: 401 and
 * access-denied are auth errors, throttling and backend errors are transient, invalid queries
 * and missing tables are terminal query errors carrying BigQuery's own message.
 */
import type { WharfError } from '../../diagnostics/errors.js';
import { connectorError, TRANSIENT_SOCKET_CODES, type FailureSite } from '../shared/errors.js';

interface ApiErrorLike {
  code?: number | string;
  message?: string;
  errors?: Array<{ reason?: string; message?: string }>;
}

const AUTH_REASONS = new Set(['authError', 'unauthorized', 'accessDenied', 'forbidden']);
const TRANSIENT_REASONS = new Set([
  'backendError',
  'internalError',
  'rateLimitExceeded',
  'jobRateLimitExceeded',
  'jobBackendError',
]);

function reasonsOf(err: ApiErrorLike): string[] {
  return (err.errors ?? []).map((entry) => entry.reason ?? '').filter(Boolean);
}

/** A WharfError for any failure of @google-cloud/bigquery at `site`. */
export function bigqueryError(site: FailureSite, thrown: unknown): WharfError {
  const err = (thrown ?? {}) as ApiErrorLike;
  const message = err.message ?? String(thrown);
  const status = typeof err.code === 'number' ? err.code : undefined;
  const reasons = reasonsOf(err);
  const base = { message, cause: thrown };
  if (status === 401 || reasons.some((reason) => AUTH_REASONS.has(reason))) {
    return connectorError(site, {
      ...base,
      errorClass: 'auth',
      transient: false,
      code: 'bigquery.auth',
      hint: 'Check the service-account credentials and that the account has BigQuery Job User and Data Viewer roles on the project.',
    });
  }
  const socket = typeof err.code === 'string' && TRANSIENT_SOCKET_CODES.has(err.code);
  if (
    socket ||
    (status !== undefined && (status >= 500 || status === 429)) ||
    reasons.some((reason) => TRANSIENT_REASONS.has(reason))
  ) {
    return connectorError(site, {
      ...base,
      errorClass: 'connection',
      transient: true,
      code: 'bigquery.unavailable',
      hint: socket ? 'Check the apiEndpoint and that this machine can reach BigQuery.' : undefined,
    });
  }
  if (status !== undefined || reasons.length > 0) {
    return connectorError(site, {
      ...base,
      errorClass: site.query ? 'query' : 'connection',
      transient: false,
      code: `bigquery.${reasons[0] ?? status}`,
    });
  }
  return connectorError(site, { ...base, errorClass: 'connection', transient: false, code: 'bigquery.client' });
}
