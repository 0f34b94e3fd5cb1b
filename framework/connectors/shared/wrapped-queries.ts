/**
 * The query shapes every SQL connector sends: the user's SQL wrapped as a subquery and
 * filtered, limited, or aggregated in the warehouse so only what is needed travels.
 */
import type { DayFilter, DayStats, DayStatsOptions, QuerySpec } from '../types.js';
import { dayPredicate, daysPredicate, limitRows, QUERY_ALIAS, type SqlDialect } from './sql-dialect.js';

/**
 * The user's SQL without its trailing semicolons, on its own lines so comments stay closed.
 * Semicolons are removed from the last line of SQL even when a comment follows them
 * (`;;; -- done`) or comment-only lines come after it; inside the wrapper they would end the
 * statement early.
 */
function inner(sql: string): string {
  const lines = sql.trimEnd().split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    if (/^\s*(--.*)?$/.test(lines[i])) continue;
    lines[i] = lines[i].replace(/;[\s;]*(--.*)?$/, (_, comment: string | undefined) => (comment ? ` ${comment}` : ''));
    break;
  }
  return lines.join('\n').trim();
}

/**
 * The line of the SQL file that line `queryLine` of a wrapped query shows, or null when that
 * line is Wharf's wrapper. Every wrapped query starts with one line of its own (`SELECT … FROM
 * (`), then the file's SQL from its first line that is not blank (inner() trims the rest).
 */
export function fileLineOf(sql: string, queryLine: number): number | null {
  const blankLinesBefore = (/^\s*/.exec(sql)![0].match(/\n/g) ?? []).length;
  const lines = inner(sql).split('\n').length;
  if (queryLine < 2 || queryLine > lines + 1) return null;
  return queryLine - 1 + blankLinesBefore;
}

function from(sql: string): string {
  return `FROM (\n${inner(sql)}\n) AS ${QUERY_ALIAS}`;
}

/** One day of the query's rows. */
export function dayQuery(dialect: SqlDialect, sql: string, filter: DayFilter): string {
  return `SELECT * ${from(sql)}\nWHERE ${dayPredicate(dialect, filter)}`;
}

/** The first `limit` rows, unfiltered. */
export function sampleQuery(sql: string, limit: number, dialect: Pick<SqlDialect, 'limit'> = {}): string {
  return limitRows(dialect, `SELECT * ${from(sql)}`, limit);
}

/** No rows, only the result's columns. */
export function describeQuery(sql: string, dialect: Pick<SqlDialect, 'limit'> = {}): string {
  return sampleQuery(sql, 0, dialect);
}

/** One row when the day has data, none otherwise. */
export function hasDataQuery(dialect: SqlDialect, sql: string, filter: DayFilter): string {
  return limitRows(dialect, `SELECT 1 AS wharf_hit ${from(sql)}\nWHERE ${dayPredicate(dialect, filter)}`, 1);
}

/**
 * Count and fingerprint per day, one row per filter (`wharf_day`, `wharf_rows`, `wharf_fp`),
 * in a single round trip. With `{ fingerprint: false }` `wharf_fp` is NULL and the warehouse
 * only counts: hashing every row of a day is the costly part, and only rechecks with
 * reloadOnFingerprintChange read it.
 */
export function dayStatsQuery(
  dialect: SqlDialect,
  sql: string,
  filters: DayFilter[],
  options: DayStatsOptions = {},
): string {
  const fingerprint = options.fingerprint === false ? 'NULL' : (dialect.fingerprint ?? 'NULL');
  return filters
    .map(
      (filter) =>
        `SELECT '${filter.day}' AS wharf_day, COUNT(*) AS wharf_rows, ${fingerprint} AS wharf_fp ${from(sql)}\nWHERE ${dayPredicate(dialect, filter)}`,
    )
    .join('\nUNION ALL\n');
}

/**
 * Each filter's DayStats from the rows of dayStatsQuery (a day without rows has none: count 0).
 * Column names are read as written or upper-cased, as Snowflake returns unquoted names.
 */
export function dayStatsOf(filters: DayFilter[], rows: Record<string, unknown>[]): DayStats[] {
  const column = (row: Record<string, unknown> | undefined, name: string) => row?.[name] ?? row?.[name.toUpperCase()];
  const byDay = new Map(rows.map((row) => [String(column(row, 'wharf_day')), row]));
  return filters.map(({ day }) => {
    const row = byDay.get(day);
    const fingerprint = column(row, 'wharf_fp');
    return {
      day,
      rowCount: Number(column(row, 'wharf_rows') ?? 0),
      fingerprint: fingerprint === null || fingerprint === undefined ? null : String(fingerprint),
    };
  });
}

/** The statements a statement connector runs for one user query (see sqlDayQueries). */
export interface DayQueries {
  /** The user's rows of the filter's day. */
  day(filter: DayFilter): string;
  /** One row, one column `row_count`: the day's number of rows. */
  count(filter: DayFilter): string;
  /** One row, one column `has_data`: 1 when the day has a row, else 0. */
  exists(filter: DayFilter): string;
  /** Zero rows with the query's result columns. */
  describe(): string;
  /** The first `n` rows, unfiltered. */
  sample(n: number): string;
}

/**
 * The shapes above for one user query, with a count and presence check that each answer in a
 * single row: what plugins (and StatementConnector) send to warehouses without fingerprints.
 */
export function sqlDayQueries(dialect: SqlDialect, query: QuerySpec): DayQueries {
  const day = (filter: DayFilter) => dayQuery(dialect, query.sql, filter);
  return {
    day,
    count: (filter) => `SELECT COUNT(*) AS row_count FROM (${day(filter)}) AS wharf_d`,
    exists: (filter) => `SELECT CASE WHEN EXISTS (${day(filter)}) THEN 1 ELSE 0 END AS has_data`,
    describe: () => describeQuery(query.sql, dialect),
    sample: (n) => sampleQuery(query.sql, n, dialect),
  };
}

/** The days' rows of the query as the select list `list` (bulk exports), filtered as dayQuery filters each day. */
export function daysSelect(dialect: SqlDialect, sql: string, filters: DayFilter[], list: string): string {
  return `SELECT ${list} ${from(sql)}\nWHERE ${daysPredicate(dialect, filters)}`;
}
