/**
 * A store that cannot be opened, explained: which store, what went wrong in words, and the
 * setting to fix (the environment variable behind `store.url`, or `store.path`). Driver
 * errors carry the URL or host in odd places (a TypeError's `input`, pg's raw error object),
 * so the message is built from known facts only and never quotes the URL itself.
 */
import type { StoreConfig } from '../config/types.js';
import type { WharfErrorCode } from '../diagnostics/error-codes.js';
import { messageOf, WharfError } from '../diagnostics/errors.js';
import { redactSecrets } from '../diagnostics/redact.js';

interface DriverError {
  code?: string;
  hostname?: string;
  address?: string;
  port?: number;
}

/** The WharfError for a failure to open `config`'s store; WharfErrors pass through unchanged. */
export function storeOpenError(err: unknown, config: StoreConfig): WharfError {
  if (err instanceof WharfError) return err;
  return config.kind === 'duckdb' ? duckdbOpenError(err, config.path) : postgresOpenError(err, config.url.env);
}

function duckdbOpenError(err: unknown, path: string | undefined): WharfError {
  const where = path ? `'${path}' (store.path in wharf.config.ts)` : 'the default path .wharf/store.duckdb';
  // The whole message, on one line: DuckDB names the process holding a locked file (PID) on a later line.
  const reason = redactSecrets(messageOf(err).replace(/\s*\n\s*/g, ' '));
  const locked = /Could not set lock on file/i.test(reason);
  return new WharfError(`The DuckDB store at ${where} could not be opened: ${reason}`, {
    code: locked ? 'store.in-use' : 'store.open-failed',
    errorClass: 'state',
    hint: locked
      ? 'Another process (an agent, another ingest) has the store open; DuckDB allows one process per store file. Wait for it, or use a PostgreSQL store to share it.'
      : 'Check that the path is a file this user can write.',
    cause: err,
  });
}

function postgresOpenError(err: unknown, env: string): WharfError {
  const e = (err ?? {}) as DriverError;
  const setting = `the URL in ${env} (store.url in wharf.config.ts)`;
  const fail = (code: WharfErrorCode, message: string, hint: string, errorClass: 'config' | 'auth' | 'connection', transient = false) =>
    new WharfError(`The PostgreSQL store ${message}`, { code, errorClass, transient, hint, cause: err });
  if (err instanceof TypeError && /Invalid URL/i.test(err.message)) {
    return fail('store.invalid-url', `URL in ${env} is not a valid URL.`, `Set ${env} to a URL such as postgres://USER:PASSWORD@HOST:5432/DATABASE (store.url in wharf.config.ts names the variable).`, 'config');
  }
  switch (e.code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return fail('store.host-not-found', `host '${e.hostname ?? '?'}' could not be found (DNS: ${e.code}).`, `Check the host in ${setting}.`, 'connection', e.code === 'EAI_AGAIN');
    case 'ECONNREFUSED':
      return fail('store.connection-refused', `refused the connection at ${e.address ?? '?'}:${e.port ?? '?'}: is the server running there?`, `Check the host and port in ${setting}, and that PostgreSQL is running.`, 'connection', true);
    case 'ETIMEDOUT':
      return fail('store.timeout', 'did not answer in time.', `Check the host and port in ${setting}, and the network path to it.`, 'connection', true);
    case '28P01':
    case '28000':
      return fail('store.auth-failed', `refused the user name or password (PostgreSQL ${e.code}).`, `Check the user and password in ${setting}.`, 'auth');
    case '3D000':
      return fail('store.no-database', `database named in ${env} does not exist (PostgreSQL 3D000).`, `Create the database, or fix its name in ${setting}.`, 'config');
    case '42501':
      return fail('store.permission', `user may not create or use the store schema (PostgreSQL 42501).`, `Grant the user CREATE on the database, or create the schema for it (store.schema in wharf.config.ts).`, 'auth');
    default:
      return fail('store.open-failed', `could not be opened: ${redactSecrets(messageOf(err).split('\n')[0])}${e.code ? ` (${e.code})` : ''}.`, `Check ${setting} and that the server is reachable.`, 'connection');
  }
}
