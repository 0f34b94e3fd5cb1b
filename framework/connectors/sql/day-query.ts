/**
 * How SQL connectors wrap the user's query: the query becomes a subquery and Wharf adds the
 * day's filter around it, so the warehouse filters and only that day's rows travel. Shared
 * by every connector that speaks SQL (DuckDB, PostgreSQL, Redshift, and plugins that want it).
 */
import { WharfError } from '../../diagnostics/errors.js';
import type { DayFilter, QuerySpec } from '../types.js';

/** A double-quoted SQL identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** The user's SQL without trailing semicolons, on its own lines (a trailing `--` comment stays harmless). */
export function innerSql(query: QuerySpec): string {
  return query.sql.replace(/[\s;]+$/u, '');
}

/** `SELECT * FROM (<user sql>) AS wharf_q`, optionally with a WHERE clause. */
export function wrapQuery(query: QuerySpec, where?: string, select = '*'): string {
  return `SELECT ${select} FROM (\n${innerSql(query)}\n) AS wharf_q${where ? ` WHERE ${where}` : ''}`;
}

/** UTC wall time for a TIMESTAMP literal (sources run with their session zone set to UTC). */
function utcLiteral(instant: Date): string {
  return `TIMESTAMP '${instant.toISOString().replace('T', ' ').replace('Z', '')}'`;
}

/**
 * The WHERE predicate restricting the query to the filter's day. `filter.day` is a
 * validated ISO date and the bounds are Dates, so the literals cannot carry injected SQL.
 */
export function dayPredicate(filter: DayFilter): string {
  const col = `wharf_q.${quoteIdent(filter.column)}`;
  switch (filter.columnType) {
    case 'date':
      return `${col} = DATE '${filter.day}'`;
    case 'string':
      return `LEFT(CAST(${col} AS VARCHAR), 10) = '${filter.day}'`;
    case 'timestamp':
      return `${col} >= ${utcLiteral(filter.fromUtc)} AND ${col} < ${utcLiteral(filter.toUtc)}`;
    case 'integer':
    case 'double': {
      const [s, e] = [filter.fromUtc.getTime() / 1000, filter.toUtc.getTime() / 1000];
      return `((${col} >= ${s} AND ${col} < ${e}) OR (${col} >= ${s * 1000} AND ${col} < ${e * 1000}))`;
    }
    default:
      throw new WharfError(`The column '${filter.column}' has a type that cannot select a day (${filter.columnType}).`, {
        code: 'query.day-column-type',
        errorClass: 'query',
        hint: 'Return a DATE, an ISO date string, a TIMESTAMP, or UNIX seconds/milliseconds in that column.',
      });
  }
}

/** The SQL of one day's rows. */
export function daySql(query: QuerySpec, filter: DayFilter): string {
  return wrapQuery(query, dayPredicate(filter));
}

/** Names a query in errors: source, mapping and SQL file. */
export function queryLabel(sourceName: string, kind: string, query: QuerySpec): string {
  return `source '${sourceName}' (${kind}), mapping '${query.mapping}' (${query.sqlFile})`;
}
