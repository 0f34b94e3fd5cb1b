/**
 * Classifies snowflake-sdk failures: login rejections (GS codes 390xxx) are auth errors,
 * network and HTTP 5xx/429 failures are transient connection errors, and SQL failures are
 * terminal query errors carrying Snowflake's own message.
 */
import { connectorError, TRANSIENT_SOCKET_CODES, type FailureSite } from '../shared/errors.js';
import type { WharfError } from '../../diagnostics/errors.js';

/** The fields of a snowflake-sdk error that classify it (also sent across the export's thread). */
export interface SdkError {
  name?: string;
  code?: string | number;
  sqlState?: string;
  message?: string;
  response?: { statusCode?: number; status?: number };
  cause?: { code?: string };
}

function statusOf(err: SdkError): number | undefined {
  return err.response?.statusCode ?? err.response?.status;
}

/** SQLSTATE classes worth retrying: connection exceptions and operator intervention. */
function transientSqlState(sqlState: string | undefined): boolean {
  return sqlState !== undefined && (sqlState.startsWith('08') || sqlState.startsWith('57'));
}

function isNetwork(err: SdkError): boolean {
  const code = err.cause?.code ?? (typeof err.code === 'string' ? err.code : undefined);
  return err.name === 'NetworkError' || (code !== undefined && TRANSIENT_SOCKET_CODES.has(code));
}

/** A WharfError for any failure of snowflake-sdk at `site`. */
export function snowflakeError(site: FailureSite, thrown: unknown): WharfError {
  const err = (thrown ?? {}) as SdkError;
  const message = err.message ?? String(thrown);
  const code = String(err.code ?? '');
  const status = statusOf(err);
  const base = { message, cause: thrown };
  if (code.startsWith('390') || status === 401 || status === 403) {
    return connectorError(site, {
      ...base,
      errorClass: 'auth',
      transient: false,
      code: 'snowflake.auth',
      hint: 'Check the username, the password or private key (and its passphrase), and that the user may use the role and warehouse.',
    });
  }
  if (isNetwork(err) || (status !== undefined && (status >= 500 || status === 429))) {
    return connectorError(site, {
      ...base,
      errorClass: 'connection',
      transient: true,
      code: 'snowflake.connection',
      hint: 'Check the account identifier (or accessUrl) and that this machine can reach Snowflake.',
    });
  }
  if (err.name === 'OperationFailedError' || err.sqlState !== undefined) {
    const transient = transientSqlState(err.sqlState);
    return connectorError(site, {
      ...base,
      errorClass: site.query || site.statement ? 'query' : 'connection',
      transient,
      code: `snowflake.sql.${code || 'error'}`,
    });
  }
  return connectorError(site, { ...base, errorClass: 'connection', transient: false, code: 'snowflake.client' });
}
