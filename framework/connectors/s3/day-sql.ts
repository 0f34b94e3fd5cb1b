/**
 * The SQL Wharf runs in DuckDB over downloaded parquet files. The convention for S3 mappings:
 * the mapping's SQL file is DuckDB SQL that selects from a relation named `source`, which Wharf
 * binds (as a temp view) to the parquet files of the day being read. Wharf wraps that query to
 * apply the day filter, count, fingerprint or limit it; the user's SQL is never edited.
 */
import { sqlLiteral, type SqlDialect } from '../shared/sql-dialect.js';
import { dayQuery, sampleQuery } from '../shared/wrapped-queries.js';
import type { DayFilter, QuerySpec } from '../types.js';

/** Name of the relation the user's SQL selects from. */
export const SOURCE_RELATION = 'source';

/** Creates (or replaces) the connection's temp view `source` over local parquet files. */
export function bindSourceSql(paths: readonly string[]): string {
  const list = paths.map(sqlLiteral).join(', ');
  return `CREATE OR REPLACE TEMP VIEW ${SOURCE_RELATION} AS SELECT * FROM read_parquet([${list}], union_by_name = true)`;
}

/** The user's query as a subquery: trailing semicolons dropped, a newline before `)` for trailing comments. */
export function userQuery(query: QuerySpec): string {
  return `(\n${query.sql.trim().replace(/;+\s*$/, '')}\n)`;
}

/**
 * The DayFilter contract in DuckDB SQL over parquet: dates equal the day, strings start with
 * it (as the built-in SQL sources read them); timestamps fall in [fromUtc, toUtc) (TIMESTAMP
 * without zone is read as UTC through epoch_ms); numbers are UNIX seconds or milliseconds.
 */
export const PARQUET_DIALECT: SqlDialect = {
  identifier: (name) => `"${name.replace(/"/g, '""')}"`,
  dateLiteral: (day) => `DATE ${sqlLiteral(day)}`,
  timestampLiteral: (instant) => String(instant.getTime()),
  timestampColumn: (expression) => `epoch_ms(${expression})`,
  fingerprint: null,
  dayText: (column) => `left(CAST(${column} AS VARCHAR), 10)`,
  textInstant: (column) => `TRY_CAST(trim(CAST(${column} AS VARCHAR)) AS TIMESTAMPTZ)`,
};

/** The user's query restricted to the filter's day. */
export function filteredSql(query: QuerySpec, filter: DayFilter): string {
  return dayQuery(PARQUET_DIALECT, query.sql, filter);
}

/**
 * Row count and an order-independent content digest of the filtered rows (count only without `fingerprint`: no row is
 * hashed).
 */
export function statsSql(query: QuerySpec, filter: DayFilter, fingerprint = true): string {
  const digest = fingerprint ? `coalesce(sum(hash(wharf_rows))::VARCHAR, '0')` : 'NULL';
  return `SELECT count(*)::BIGINT AS row_count, ${digest} AS fingerprint FROM (${filteredSql(query, filter)}) AS wharf_rows`;
}

/** The first rows of the user's query, unfiltered. */
export function limitSql(query: QuerySpec, limit: number): string {
  return sampleQuery(query.sql, limit);
}
