/**
 * The few SQL spellings that differ between warehouses, so the query shapes in
 * wrapped-queries.ts are written once. Each SQL connector supplies one SqlDialect.
 */
import type { DayFilter } from '../types.js';

export interface SqlDialect {
  /** Quotes a column name when it is not a plain identifier. */
  identifier(name: string): string;
  /** A DATE literal for `YYYY-MM-DD`. */
  dateLiteral(day: string): string;
  /** A literal for a UTC instant, comparable with `timestampColumn(...)`. */
  timestampLiteral(instant: Date): string;
  /** The column expression used in timestamp comparisons (casts that make zones line up). */
  timestampColumn(expression: string): string;
  /** An aggregate over the rows of alias `wharf_q` giving a content digest, or null if none. */
  fingerprint: string | null;
}

/** The alias Wharf gives the user's query when wrapping it. */
export const QUERY_ALIAS = 'wharf_q';

const PLAIN_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `name` as is when it is a plain identifier, else wrapped in `quote` (doubled inside). */
export function quoteIfNeeded(name: string, quote: string): string {
  return PLAIN_IDENTIFIER.test(name) ? name : `${quote}${name.replaceAll(quote, quote + quote)}${quote}`;
}

/** The WHERE predicate restricting the wrapped query to the filter's day. */
export function dayPredicate(dialect: SqlDialect, filter: DayFilter): string {
  const column = `${QUERY_ALIAS}.${dialect.identifier(filter.column)}`;
  switch (filter.columnType) {
    case 'date':
      return `${column} = ${dialect.dateLiteral(filter.day)}`;
    case 'string':
      return `${column} = '${filter.day}'`;
    case 'timestamp': {
      const value = dialect.timestampColumn(column);
      return `${value} >= ${dialect.timestampLiteral(filter.fromUtc)} AND ${value} < ${dialect.timestampLiteral(filter.toUtc)}`;
    }
    case 'integer':
    case 'double':
      return epochPredicate(column, filter);
    default:
      throw new Error(`Column '${filter.column}' of type ${filter.columnType} cannot identify a day.`);
  }
}

/** UNIX seconds or milliseconds in the day's bounds; the two ranges never overlap for real dates. */
function epochPredicate(column: string, filter: DayFilter): string {
  const fromMs = filter.fromUtc.getTime();
  const toMs = filter.toUtc.getTime();
  const seconds = `(${column} >= ${fromMs / 1000} AND ${column} < ${toMs / 1000})`;
  const millis = `(${column} >= ${fromMs} AND ${column} < ${toMs})`;
  return `(${seconds} OR ${millis})`;
}
