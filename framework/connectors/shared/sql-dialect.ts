/**
 * The few SQL spellings that differ between warehouses, so the query shapes in
 * wrapped-queries.ts are written once. Each SQL connector supplies one SqlDialect.
 */
import { WharfError } from '../../diagnostics/errors.js';
import { addDays } from '../../util/time.js';
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
  /** The first `n` rows of a SELECT; without it `... LIMIT n` (T-SQL writes `SELECT TOP (n) ...`). */
  limit?(select: string, n: number): string;
  /**
   * The text a string day column is compared with the day as: its first ten characters, so
   * `2026-10-05`, `2026-10-05T07:00:00Z` and `2026-10-05 07:00:00` all count for 2026-10-05
   * (as the metrics mapper reads them).
   */
  dayText(column: string): string;
  /**
   * An ISO date-time text column as an instant, comparable (through `timestampColumn`) with
   * `timestampLiteral`: `T` or space between date and time, a zone (`Z`, `+02:00`, `-08`)
   * or none (UTC), as the events mapper reads it. Text that is not such a date-time gives
   * NULL, never a query error: its row belongs to no day (a day with only such rows is
   * reported by the engine, see engine/day-column-check.ts).
   */
  textInstant(column: string): string;
}

/** An ISO date or date-time, with an optional zone: the text `textInstant` converts (POSIX regex). */
export const ISO_DATETIME_REGEX =
  '^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?)? *([Zz]|[+-][0-9]{2}(:?[0-9]{2})?)?$';

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
      if (filter.textAs === 'instant')
        return instantPredicate(dialect, dialect.timestampColumn(dialect.textInstant(column)), filter);
      return `${dialect.dayText(column)} = '${filter.day}'`;
    case 'timestamp':
      return instantPredicate(dialect, dialect.timestampColumn(column), filter);
    case 'integer':
    case 'double':
      return epochPredicate(column, filter);
    default:
      throw new WharfError(
        `The column '${filter.column}' has a type that cannot select a day (${filter.columnType}).`,
        {
          code: 'query.day-column-type',
          errorClass: 'query',
          hint: 'Return a DATE, an ISO date string, a TIMESTAMP, or UNIX seconds/milliseconds in that column.',
        },
      );
  }
}

/** The value in [fromUtc, toUtc). */
function instantPredicate(dialect: SqlDialect, value: string, filter: DayFilter): string {
  return `${value} >= ${dialect.timestampLiteral(filter.fromUtc)} AND ${value} < ${dialect.timestampLiteral(filter.toUtc)}`;
}

/**
 * The WHERE predicate selecting the rows of several days (one query for a range of days):
 * a BETWEEN over a DATE column when the days follow one another, else an IN list over DATE
 * and string day columns, so a day not asked for (a gap in a backfill) is not read;
 * otherwise the days' predicates joined by OR.
 */
export function daysPredicate(dialect: SqlDialect, filters: DayFilter[]): string {
  if (filters.length === 1) return dayPredicate(dialect, filters[0]);
  const [first] = filters;
  const last = filters[filters.length - 1];
  const column = `${QUERY_ALIAS}.${dialect.identifier(first.column)}`;
  if (first.columnType === 'date') {
    const consecutive = filters.every((f, i) => i === 0 || f.day === addDays(filters[i - 1].day, 1));
    if (consecutive) return `${column} BETWEEN ${dialect.dateLiteral(first.day)} AND ${dialect.dateLiteral(last.day)}`;
    return `${column} IN (${filters.map((f) => dialect.dateLiteral(f.day)).join(', ')})`;
  }
  if (first.columnType === 'string' && first.textAs !== 'instant')
    return `${dialect.dayText(column)} IN (${filters.map((f) => `'${f.day}'`).join(', ')})`;
  return filters.map((f) => `(${dayPredicate(dialect, f)})`).join(' OR ');
}

/** UNIX seconds or milliseconds in the day's bounds; the two ranges never overlap for real dates. */
function epochPredicate(column: string, filter: DayFilter): string {
  const fromMs = filter.fromUtc.getTime();
  const toMs = filter.toUtc.getTime();
  const seconds = `(${column} >= ${fromMs / 1000} AND ${column} < ${toMs / 1000})`;
  const millis = `(${column} >= ${fromMs} AND ${column} < ${toMs})`;
  return `(${seconds} OR ${millis})`;
}

/** `SELECT` limited to `n` rows in the dialect's spelling. */
export function limitRows(dialect: Pick<SqlDialect, 'limit'>, select: string, n: number): string {
  const rows = Math.max(0, Math.floor(n));
  return dialect.limit ? dialect.limit(select, rows) : `${select}\nLIMIT ${rows}`;
}

/** `CAST('2024-03-01 08:00:00.000' AS <type>)`: the instant as zone-less UTC wall time. */
export function utcWallTime(instant: Date, type: string): string {
  return `CAST(${sqlLiteral(instant.toISOString().replace('T', ' ').replace('Z', ''))} AS ${type})`;
}

/** A single-quoted SQL string literal. */
export function sqlLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * The dialect of Trino/Athena and other ANSI warehouses: identifiers always double-quoted,
 * instants as zone-less UTC TIMESTAMPs (sessions must run in UTC), string days matched on
 * their first ten characters so ISO date-times count too. Plugins start from it.
 */
export const ANSI_DIALECT: SqlDialect = {
  identifier: (name) => `"${name.replace(/"/g, '""')}"`,
  dateLiteral: (day) => `CAST(${sqlLiteral(day)} AS DATE)`,
  timestampLiteral: (instant) => utcWallTime(instant, 'TIMESTAMP'),
  timestampColumn: (expression) => expression,
  fingerprint: null,
  dayText: (column) => `SUBSTRING(CAST(${column} AS VARCHAR(64)), 1, 10)`,
  // Trino's timestamp text has a space before the time and a zone name or offset.
  textInstant: (column) =>
    `TRY(CAST(REPLACE(REPLACE(TRIM(CAST(${column} AS VARCHAR)), 'T', ' '), 'Z', ' UTC') AS TIMESTAMP WITH TIME ZONE))`,
};
