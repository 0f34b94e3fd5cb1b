/**
 * The SQL a warehouse connector sends, built around the user's query without editing it: the
 * day filter of the DayFilter contract, a row count, a presence check, a zero-row describe and
 * a sample. Written in the subset of SQL that Trino/Athena, Databricks, T-SQL and DuckDB
 * share, with the few differences (identifier quoting, timestamp type, row limit) supplied by
 * a dialect. Exported for plugins, so a new warehouse connector need not rewrite it.
 */
import { WharfError } from '../diagnostics/errors.js';
import type { DayFilter, QuerySpec } from './types.js';

/** What differs between warehouses in the generated SQL. */
export interface SqlDialect {
  quoteIdentifier(name: string): string;
  /** An instant as a SQL expression comparable with the warehouse's timestamp columns. */
  timestamp(instant: Date): string;
  /** The first `n` rows of a query (LIMIT, or TOP for T-SQL). */
  limit(sql: string, n: number): string;
}

/** ANSI double-quoted identifiers and LIMIT (Trino/Athena, DuckDB, PostgreSQL). */
export const ANSI_DIALECT: SqlDialect = {
  quoteIdentifier: (name) => `"${name.replace(/"/g, '""')}"`,
  timestamp: (instant) => utcWallTime(instant, 'TIMESTAMP'),
  limit: (sql, n) => `${sql} LIMIT ${n}`,
};

/** The statements a connector runs for one user query. */
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

export function sqlDayQueries(dialect: SqlDialect, query: QuerySpec): DayQueries {
  const inner = `(\n${query.sql.trim().replace(/;+\s*$/, '')}\n) wharf_q`;
  const day = (filter: DayFilter) => `SELECT * FROM ${inner} WHERE ${dayPredicate(dialect, filter, 'wharf_q')}`;
  return {
    day,
    count: (filter) => `SELECT COUNT(*) AS row_count FROM (${day(filter)}) wharf_d`,
    exists: (filter) => `SELECT CASE WHEN EXISTS (${day(filter)}) THEN 1 ELSE 0 END AS has_data`,
    describe: () => `SELECT * FROM ${inner} WHERE 1 = 0`,
    sample: (n) => dialect.limit(`SELECT * FROM ${inner}`, Math.max(0, Math.floor(n))),
  };
}

/**
 * The DayFilter contract (as connectors/sql/day-query.ts applies it for the built-in SQL
 * sources): dates equal the day; strings start with it (`2024-05-01` or `2024-05-01T...`); timestamps fall in [fromUtc, toUtc)
 * (as the dialect writes instants; UTC wall time needs sessions in UTC); numbers are UNIX seconds
 * or milliseconds in the same bounds.
 */
export function dayPredicate(dialect: SqlDialect, filter: DayFilter, alias: string): string {
  const column = `${alias}.${dialect.quoteIdentifier(filter.column)}`;
  const from = filter.fromUtc.getTime();
  const to = filter.toUtc.getTime();
  switch (filter.columnType) {
    case 'date':
      return `${column} = CAST(${literal(filter.day)} AS DATE)`;
    case 'string':
      return `SUBSTRING(CAST(${column} AS VARCHAR(64)), 1, 10) = ${literal(filter.day)}`;
    case 'timestamp':
      return `${column} >= ${dialect.timestamp(filter.fromUtc)} AND ${column} < ${dialect.timestamp(filter.toUtc)}`;
    case 'integer':
    case 'double':
      return `((${column} >= ${from / 1000} AND ${column} < ${to / 1000}) OR (${column} >= ${from} AND ${column} < ${to}))`;
    default:
      throw new WharfError(`The column '${filter.column}' has a type that cannot select a day (${filter.columnType}).`, {
        code: 'query.day-column-type',
        errorClass: 'query',
        hint: 'Return a DATE, an ISO date string, a TIMESTAMP, or UNIX seconds/milliseconds in that column.',
      });
  }
}

/** `CAST('2024-03-01 08:00:00.000' AS <type>)`: the instant as zone-less UTC wall time. */
export function utcWallTime(instant: Date, type: string): string {
  return `CAST(${literal(instant.toISOString().replace('T', ' ').replace('Z', ''))} AS ${type})`;
}

/** A single-quoted SQL string literal. */
export function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
