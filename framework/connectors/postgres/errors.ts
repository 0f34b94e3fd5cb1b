/**
 * Driver and server errors → WharfError (worded by shared/errors.ts) with the ledger's class
 * and whether a retry can help. SQLSTATE classes: 28 auth, 08 connection, 57P0x shutdown/cannot connect now and 53
 * insufficient resources (transient), 40001/40P01 serialization/deadlock (transient), the
 * rest a query error.
 */
import { WharfError } from '../../diagnostics/errors.js';
import { connectorError, TRANSIENT_SOCKET_CODES } from '../shared/errors.js';
import { queryTimeoutError } from '../shared/query-timeout.js';
import type { QuerySpec } from '../types.js';

interface PgLikeError extends Error {
  code?: string;
  /** Where in the statement the server found the error: a 1-based character index, as text. */
  position?: string;
}

/**
 * The server's message with the line its position points at, as psql shows it (`LINE 3: …`),
 * so that the hint can name the line of the SQL file (shared/errors.ts).
 */
function withLine(err: PgLikeError, statement: string | undefined): string {
  const at = Number(err.position);
  if (!statement || !Number.isInteger(at) || at < 1) return err.message;
  // The position counts characters (code points), not UTF-16 units: an emoji is one.
  const characters = Array.from(statement);
  if (at > characters.length + 1) return err.message;
  const line = characters
    .slice(0, at - 1)
    .join('')
    .split('\n').length;
  return `${err.message}\nLINE ${line}: ${statement.split('\n')[line - 1]}`;
}

export function classify(err: PgLikeError): { errorClass: 'auth' | 'connection' | 'query'; transient: boolean } {
  const code = err.code ?? '';
  if (code.startsWith('28') || code === '3D000') return { errorClass: 'auth', transient: false };
  if (code.startsWith('08') || code.startsWith('57P') || code.startsWith('53'))
    return { errorClass: 'connection', transient: true };
  if (code === '40001' || code === '40P01' || code === '55P03') return { errorClass: 'query', transient: true };
  if (
    TRANSIENT_SOCKET_CODES.has(code) ||
    /Connection terminated|connection timeout|timeout expired/i.test(err.message)
  ) {
    return { errorClass: 'connection', transient: true };
  }
  if (code === 'ENOTFOUND' || /self.signed|certificate|SSL/i.test(err.message))
    return { errorClass: 'connection', transient: false };
  return { errorClass: 'query', transient: false };
}

/**
 * `at.query`: the mapping's query that failed; `at.statement`: the text sent, when known, into
 * which a server error's position points.
 */
export function pgError(
  err: unknown,
  source: string,
  kind: string,
  { query, statement }: { query?: QuerySpec; statement?: string } = {},
): WharfError {
  if (err instanceof WharfError) return err;
  const e = err instanceof Error ? (err as PgLikeError) : new Error(String(err));
  // 57014 query_canceled: Wharf's statement_timeout fired (the server already cancelled the statement).
  if ((e as PgLikeError).code === '57014' && /statement timeout/i.test(e.message))
    return queryTimeoutError(source, query, err);
  const { errorClass, transient } = classify(e);
  const hint =
    errorClass === 'auth'
      ? 'Check the user, password and database in the source module and its environment variables.'
      : errorClass === 'connection'
        ? 'Check host, port and SSL settings; transient failures are retried with backoff.'
        : undefined;
  return connectorError(
    { kind, sourceName: source, query: errorClass === 'query' ? query : undefined },
    {
      errorClass,
      transient,
      code: `source.${errorClass}`,
      message: errorClass === 'query' ? withLine(e, statement) : e.message,
      hint,
      cause: err,
    },
  );
}
