/**
 * The query shapes every SQL connector sends: the user's SQL wrapped as a subquery and
 * filtered, limited, or aggregated in the warehouse so only what is needed travels.
 */
import type { DayFilter } from '../types.js';
import { dayPredicate, QUERY_ALIAS, type SqlDialect } from './sql-dialect.js';

/** The user's SQL without a trailing semicolon, on its own lines so comments stay closed. */
function inner(sql: string): string {
  return sql.replace(/(\s*;)+\s*$/, '').trim();
}

function from(sql: string): string {
  return `FROM (\n${inner(sql)}\n) AS ${QUERY_ALIAS}`;
}

/** One day of the query's rows. */
export function dayQuery(dialect: SqlDialect, sql: string, filter: DayFilter): string {
  return `SELECT * ${from(sql)}\nWHERE ${dayPredicate(dialect, filter)}`;
}

/** The first `limit` rows, unfiltered. */
export function sampleQuery(sql: string, limit: number): string {
  return `SELECT * ${from(sql)}\nLIMIT ${Math.max(0, Math.floor(limit))}`;
}

/** No rows, only the result's columns. */
export function describeQuery(sql: string): string {
  return sampleQuery(sql, 0);
}

/** One row when the day has data, none otherwise. */
export function hasDataQuery(dialect: SqlDialect, sql: string, filter: DayFilter): string {
  return `SELECT 1 AS wharf_hit ${from(sql)}\nWHERE ${dayPredicate(dialect, filter)}\nLIMIT 1`;
}

/**
 * Count and fingerprint per day, one row per filter (`wharf_day`, `wharf_rows`, `wharf_fp`),
 * in a single round trip.
 */
export function dayStatsQuery(dialect: SqlDialect, sql: string, filters: DayFilter[]): string {
  const fingerprint = dialect.fingerprint ?? 'NULL';
  return filters
    .map(
      (filter) =>
        `SELECT '${filter.day}' AS wharf_day, COUNT(*) AS wharf_rows, ${fingerprint} AS wharf_fp ${from(sql)}\nWHERE ${dayPredicate(dialect, filter)}`,
    )
    .join('\nUNION ALL\n');
}
