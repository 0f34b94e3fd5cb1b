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
 * (`LINE 3:`), Snowflake (`line 3 at position 0`), BigQuery (`at [3:1]`), Trino and Athena
 * (`line 3:8:`), Spark and Databricks (`line 3 pos 7`, `line 3, pos 7`).
 */
const LINE_IN_MESSAGE = [
  /\bLINE (\d+):/,
  /\bline (\d+) at position \d+/i,
  /\bat \[(\d+):\d+\]/,
  /\bline (\d+):\d+:/,
  /\bline (\d+),? pos \d+/,
];

/**
 * The line of the mapping's SQL file that the line a query error names shows: Wharf wraps the
 * file's SQL in a query of its own, so the warehouse counts from the wrapper. The line is read
 * from the message unless the driver gave it apart (`line`, as SQL Server's does). Null when
 * no line is named, or a line of the wrapper.
 */
export function fileLineInMessage(
  query: QuerySpec,
  message: string,
  line?: number,
): { named: number; fileLine: number } | null {
  const named = line ?? lineInMessage(message);
  const fileLine = named !== null ? fileLineOf(query.sql, named) : null;
  return named !== null && fileLine !== null ? { named, fileLine } : null;
}

function lineInMessage(message: string): number | null {
  for (const pattern of LINE_IN_MESSAGE) {
    const m = pattern.exec(message);
    if (m) return Number(m[1]);
  }
  return null;
}

/**
 * Where to look for a failed query's mistake, for a query error's hint: the line of the SQL
 * file that the line the warehouse names shows, or where the file starts in Wharf's wrapper
 * when the message names no line of the file. `line` is the failing line when the driver
 * reports it apart from the message. Connectors of plugins word their own errors and add
 * this as the hint.
 */
export function sqlFileHint(query: QuerySpec, message: string, line?: number): string {
  const found = fileLineInMessage(query, message, line);
  if (found)
    return `Fix the SQL in ${query.sqlFile}: the warehouse's line ${found.named} is line ${found.fileLine} of the file (Wharf wraps the file's SQL in a query of its own).`;
  return `Fix the SQL in ${query.sqlFile}. Line numbers in the warehouse's message count from Wharf's wrapper, in which the file's line ${fileLineOf(query.sql, 2) ?? 1} is line 2.`;
}

function queryHint(site: FailureSite, errorClass: ErrorClass, message: string): string | undefined {
  return errorClass === 'query' && site.query ? sqlFileHint(site.query, message) : undefined;
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
