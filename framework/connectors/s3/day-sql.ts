/**
 * The SQL Wharf runs in DuckDB over downloaded parquet files. The convention for S3 mappings:
 * the mapping's SQL file is DuckDB SQL that selects from a relation named `source`, which Wharf
 * binds (as a temp view) to the parquet files of the day being read. Wharf wraps that query to
 * apply the day filter, count, fingerprint or limit it; the user's SQL is never edited.
 */
import { WharfError } from '../../diagnostics/errors.js';
import type { DayFilter, QuerySpec } from '../types.js';

/** Name of the relation the user's SQL selects from. */
export const SOURCE_RELATION = 'source';

/** Creates (or replaces) the connection's temp view `source` over local parquet files. */
export function bindSourceSql(paths: readonly string[]): string {
  const list = paths.map(quoteLiteral).join(', ');
  return `CREATE OR REPLACE TEMP VIEW ${SOURCE_RELATION} AS SELECT * FROM read_parquet([${list}], union_by_name = true)`;
}

/** The user's query as a subquery: trailing semicolons dropped, a newline before `)` for trailing comments. */
export function userQuery(query: QuerySpec): string {
  return `(\n${query.sql.trim().replace(/;+\s*$/, '')}\n)`;
}

/** The user's query restricted to the filter's day. */
export function filteredSql(query: QuerySpec, filter: DayFilter): string {
  return `SELECT * FROM ${userQuery(query)} AS wharf_q WHERE ${dayPredicate(filter, 'wharf_q')}`;
}

/** Row count and an order-independent content digest of the filtered rows. */
export function statsSql(query: QuerySpec, filter: DayFilter): string {
  return `SELECT count(*)::BIGINT AS row_count, coalesce(sum(hash(wharf_rows))::VARCHAR, '0') AS fingerprint FROM (${filteredSql(query, filter)}) AS wharf_rows`;
}

/** The first rows of the user's query, unfiltered. */
export function limitSql(query: QuerySpec, limit: number): string {
  return `SELECT * FROM ${userQuery(query)} AS wharf_q LIMIT ${Math.max(0, Math.floor(limit))}`;
}

/**
 * The DayFilter contract in DuckDB SQL: dates equal the day, strings start with it (as the
 * built-in SQL sources read them); timestamps fall in
 * [fromUtc, toUtc) (TIMESTAMP without zone is read as UTC through epoch_ms); numbers are UNIX
 * seconds or milliseconds in the same bounds.
 */
export function dayPredicate(filter: DayFilter, alias: string): string {
  const column = `${alias}.${quoteIdentifier(filter.column)}`;
  const from = filter.fromUtc.getTime();
  const to = filter.toUtc.getTime();
  switch (filter.columnType) {
    case 'date':
      return `${column} = DATE ${quoteLiteral(filter.day)}`;
    case 'string':
      return `left(CAST(${column} AS VARCHAR), 10) = ${quoteLiteral(filter.day)}`;
    case 'timestamp':
      return `epoch_ms(${column}) >= ${from} AND epoch_ms(${column}) < ${to}`;
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

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
