/**
 * mssql/tedious failures as WharfErrors naming the source (and for SQL errors the mapping and
 * SQL file), classified so that only transient ones are retried.
 */
import { WharfError, redactSecrets, sqlFileHint, type QuerySpec } from '@wharf/framework';

const NETWORK = new Set(['ESOCKET', 'ETIMEOUT', 'ECONNCLOSED', 'ECONNRESET', 'ECONNREFUSED']);
/** SQL Server error numbers worth retrying: deadlock victim, resource limits, service busy. */
const TRANSIENT_NUMBERS = new Set([1205, 40197, 40501, 40613, 49918, 49919, 49920, 10928, 10929]);

interface MssqlLike {
  code?: string;
  number?: number;
  /** The batch's line the error is on: SQL Server reports it apart from the message. */
  lineNumber?: number;
  message?: string;
  originalError?: { code?: string };
}

export function synapseError(err: unknown, source: string, query?: QuerySpec): WharfError {
  if (err instanceof WharfError) return err;
  const e = (err ?? {}) as MssqlLike;
  const code = e.code ?? e.originalError?.code ?? '';
  const text = redactSecrets(e.message ?? String(err));
  if (code === 'ELOGIN') {
    return new WharfError(`Synapse source '${source}': login failed: ${text}`, {
      code: 'synapse.auth',
      errorClass: 'auth',
      hint: `Check user and password of source '${source}'.`,
      cause: err,
    });
  }
  if (NETWORK.has(code)) {
    return new WharfError(`Synapse source '${source}': connection failed: ${text}`, {
      code: 'synapse.connection',
      errorClass: 'connection',
      transient: true,
      hint: `Check server and port of source '${source}' and the network.`,
      cause: err,
    });
  }
  const transient = TRANSIENT_NUMBERS.has(e.number ?? 0);
  const where = query
    ? `Mapping '${query.mapping}' (${query.sqlFile}) on Synapse source '${source}'`
    : `Synapse source '${source}'`;
  return new WharfError(`${where}: ${text}`, {
    code: 'synapse.query-failed',
    errorClass: transient ? 'connection' : 'query',
    transient,
    hint: query && !transient ? sqlFileHint(query, text, e.lineNumber || undefined) : undefined,
    details: { number: e.number, ...(query ? { mapping: query.mapping, sqlFile: query.sqlFile } : {}) },
    cause: err,
  });
}
