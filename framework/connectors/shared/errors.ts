/**
 * Error wording shared by connectors, so every connector names the source, and for query
 * failures the mapping and SQL file, the same way; secrets are redacted on the way out.
 */
import { redactSecrets } from '../../diagnostics/redact.js';
import type { WharfErrorCode } from '../../diagnostics/error-codes.js';
import { WharfError, type ErrorClass } from '../../diagnostics/errors.js';
import type { QuerySpec } from '../types.js';
import { fileLineOf } from './wrapped-queries.js';

/** Who failed: the source and, for a query, which mapping's SQL. */
export interface FailureSite {
  kind: string;
  sourceName: string;
  query?: QuerySpec;
  /** For a SQL session's statement (an experiment in the warehouse): its first line. */
  statement?: string;
}

export interface FailureFacts {
  errorClass: ErrorClass;
  transient: boolean;
  /** The warehouse's or driver's own message. */
  message: string;
  code: WharfErrorCode;
  hint?: string;
  cause?: unknown;
}

function where(site: FailureSite): string {
  const source = `${site.kind} source '${site.sourceName}'`;
  if (site.statement) return `${source}, statement '${site.statement}'`;
  if (!site.query) return source;
  return `${source}, mapping '${site.query.mapping}' (${site.query.sqlFile})`;
}

const LEADS: Record<ErrorClass, string> = {
  auth: 'authentication failed',
  connection: 'could not reach the warehouse',
  query: 'the query failed',
  config: 'the configuration is invalid',
  validation: 'validation failed',
  state: 'the state is inconsistent',
  internal: 'an unexpected error occurred',
};

/**
 * How warehouses name the line of a query error: DuckDB and PostgreSQL-style parsers
 * (`LINE 3:`), Snowflake (`line 3 at position 0`), BigQuery (`at [3:1]`).
 */
const LINE_IN_MESSAGE = [/\bLINE (\d+):/, /\bline (\d+) at position \d+/i, /\bat \[(\d+):\d+\]/];

/**
 * The line of the mapping's SQL file that the line a query error's message names shows: Wharf
 * wraps the file's SQL in a query of its own, so the warehouse counts from the wrapper. Null
 * when the message names no line, or a line of the wrapper.
 */
export function fileLineInMessage(query: QuerySpec, message: string): { named: number; fileLine: number } | null {
  const named = LINE_IN_MESSAGE.map((pattern) => pattern.exec(message)).find((m) => m !== null);
  const fileLine = named ? fileLineOf(query.sql, Number(named[1])) : null;
  return named && fileLine !== null ? { named: Number(named[1]), fileLine } : null;
}

/** Where to look for a SQL error: the file's line the message names, or where the file starts in the wrapper. */
function queryHint(site: FailureSite, errorClass: ErrorClass, message: string): string | undefined {
  if (errorClass !== 'query' || !site.query) return undefined;
  const { sqlFile, sql } = site.query;
  const line = fileLineInMessage(site.query, message);
  if (line)
    return `Fix the SQL in ${sqlFile}: the warehouse's line ${line.named} is line ${line.fileLine} of the file (Wharf wraps the file's SQL in a query of its own).`;
  return `Fix the SQL in ${sqlFile}. Line numbers in the warehouse's message count from Wharf's wrapper, in which the file's line ${fileLineOf(sql, 2) ?? 1} is line 2.`;
}

/** A WharfError for a connector failure, naming the site and carrying the redacted message. */
export function connectorError(site: FailureSite, facts: FailureFacts): WharfError {
  const message = redactSecrets(`${where(site)}: ${LEADS[facts.errorClass]}: ${facts.message}`);
  return new WharfError(message, {
    code: facts.code,
    errorClass: facts.errorClass,
    transient: facts.transient,
    hint: facts.hint ?? queryHint(site, facts.errorClass, facts.message),
    details: { source: site.sourceName, kind: site.kind, mapping: site.query?.mapping, sqlFile: site.query?.sqlFile },
    cause: facts.cause,
  });
}

/** Node socket error codes meaning the host could not be reached (worth retrying). */
export const TRANSIENT_SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
]);

/** The error a stream raises when its AbortSignal fires: the day was not fully read. */
export function abortedError(site: FailureSite): WharfError {
  return connectorError(site, {
    errorClass: 'connection',
    transient: true,
    code: 'connector.aborted',
    message: 'reading the day was cancelled before it finished',
  });
}
