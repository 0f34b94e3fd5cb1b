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
import { isDuckDBFileLockError } from '../util/duckdb.js';

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
  const locked = isDuckDBFileLockError(err);
  return new WharfError(`The DuckDB store at ${where} could not be opened: ${reason}`, {
    code: locked ? 'store.in-use' : 'store.open-failed',
    errorClass: 'state',
    hint: locked
      ? 'Another process (an agent, another ingest) has the store open; DuckDB allows one process per store file. Wait for it, or use a PostgreSQL store to share it.'
      : 'Check that the path is a file this user can write.',
    cause: err,
  });
}

/** A PostgreSQL store failure in words: `message` follows "The PostgreSQL store". */
interface PostgresFailure {
  code: WharfErrorCode;
  message: string;
  hint: string;
  errorClass: 'config' | 'auth' | 'connection';
}

/** Network failures worth a retry: a name that did not resolve for now, nobody listening, no answer in time. */
const TRANSIENT_CODES = new Set(['EAI_AGAIN', 'ECONNREFUSED', 'ETIMEDOUT']);

const URL_SCHEMES = ['postgres:', 'postgresql:', 'socket:'];

const invalidUrl = (env: string, why: string, cause?: unknown) =>
  new WharfError(`The PostgreSQL store URL in ${env} ${why}.`, {
    code: 'store.invalid-url',
    errorClass: 'config',
    hint: `Set ${env} to a URL such as postgres://USER:PASSWORD@HOST:5432/DATABASE (store.url in wharf.config.ts names the variable).`,
    cause,
  });

/**
 * Refuses a store URL that is not a PostgreSQL URL before connecting: the driver reads any
 * other text as a path under a placeholder host named 'base' and fails on DNS, naming a host
 * the user never wrote. Only the scheme is quoted; the URL holds the password.
 */
export function checkPostgresUrl(url: string, env: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (err) {
    throw invalidUrl(env, 'is not a valid URL', err);
  }
  if (!URL_SCHEMES.includes(parsed.protocol))
    throw invalidUrl(env, `is not a postgres:// URL (it starts with '${parsed.protocol}//')`);
}

function postgresOpenError(err: unknown, env: string): WharfError {
  const e = (err ?? {}) as DriverError;
  const setting = `the URL in ${env} (store.url in wharf.config.ts)`;
  if (err instanceof TypeError && /Invalid URL/i.test(err.message)) return invalidUrl(env, 'is not a valid URL', err);
  const failure: PostgresFailure = networkFailure(e, setting) ??
    serverFailure(e, env, setting) ?? {
      code: 'store.open-failed',
      message: `could not be opened: ${redactSecrets(messageOf(err).split('\n')[0])}${e.code ? ` (${e.code})` : ''}.`,
      hint: `Check ${setting} and that the server is reachable.`,
      errorClass: 'connection',
    };
  const { code, message, hint, errorClass } = failure;
  return new WharfError(`The PostgreSQL store ${message}`, {
    code,
    errorClass,
    transient: TRANSIENT_CODES.has(e.code ?? ''),
    hint,
    cause: err,
  });
}

/** The server could not be reached (name, port, network). */
function networkFailure(e: DriverError, setting: string): PostgresFailure | undefined {
  switch (e.code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return {
        code: 'store.host-not-found',
        message: `host '${e.hostname ?? '?'}' could not be found (DNS: ${e.code}).`,
        hint: `Check the host in ${setting}.`,
        errorClass: 'connection',
      };
    case 'ECONNREFUSED':
      return {
        code: 'store.connection-refused',
        message: `refused the connection at ${e.address ?? '?'}:${e.port ?? '?'}: is the server running there?`,
        hint: `Check the host and port in ${setting}, and that PostgreSQL is running.`,
        errorClass: 'connection',
      };
    case 'ETIMEDOUT':
      return {
        code: 'store.timeout',
        message: 'did not answer in time.',
        hint: `Check the host and port in ${setting}, and the network path to it.`,
        errorClass: 'connection',
      };
    default:
      return undefined;
  }
}

/** The server answered and refused (credentials, database, permissions). */
function serverFailure(e: DriverError, env: string, setting: string): PostgresFailure | undefined {
  switch (e.code) {
    case '28P01':
    case '28000':
      return {
        code: 'store.auth-failed',
        message: `refused the user name or password (PostgreSQL ${e.code}).`,
        hint: `Check the user and password in ${setting}.`,
        errorClass: 'auth',
      };
    case '3D000':
      return {
        code: 'store.no-database',
        message: `database named in ${env} does not exist (PostgreSQL 3D000).`,
        hint: `Create the database, or fix its name in ${setting}.`,
        errorClass: 'config',
      };
    case '42501':
      return {
        code: 'store.permission',
        message: `user may not create or use the store schema (PostgreSQL 42501).`,
        hint: `Grant the user CREATE on the database, or create the schema for it (store.schema in wharf.config.ts).`,
        errorClass: 'auth',
      };
    default:
      return undefined;
  }
}
