/**
 * The PostgreSQL bulk export for the columnar metrics path: the day's wrapped query sent as
 * `COPY (…) TO STDOUT (FORMAT csv)` and written straight to a file, without a JavaScript
 * object per row. Redshift has no `COPY … TO STDOUT`, so it keeps the cursor path.
 */
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { SqlDialect } from '../shared/sql-dialect.js';
import { dayPredicate, QUERY_ALIAS } from '../shared/sql-dialect.js';
import type { ColumnarExport, ColumnInfo, DayFilter, DayStats, QuerySpec, Row } from '../types.js';
import { ROW_VALUE_TYPES } from './pg-types.js';

type Parser = (text: string) => unknown;
const parsers = ROW_VALUE_TYPES as unknown as { getTypeParser(oid: number, format: 'text'): Parser };

/** The oid behind a described column (`nativeType` is `oid N`). */
export function oidOf(column: ColumnInfo): number {
  return Number(/^oid (\d+)$/.exec(column.nativeType ?? '')?.[1] ?? NaN);
}

/**
 * The day query of wrapped-queries.ts plus the row's fingerprint term: the same
 * `hashtext(row as text)` whose sum is the postgres dialect's day fingerprint.
 */
function exportQuery(sql: string, dialect: SqlDialect, filter: DayFilter): string {
  const inner = sql.replace(/(\s*;)+\s*$/, '').trim();
  return `SELECT ${QUERY_ALIAS}.*, CAST(hashtext(CAST(${QUERY_ALIAS} AS TEXT)) AS BIGINT) AS wharf_fp_term FROM (\n${inner}\n) AS ${QUERY_ALIAS}\nWHERE ${dayPredicate(dialect, filter)}`;
}

/** The columnar export of one PostgreSQL pool; `run` borrows a client and classes its errors. */
export function pgColumnarExport(dialect: SqlDialect, run: <T>(query: QuerySpec, fn: (client: pg.PoolClient) => Promise<T>) => Promise<T>): ColumnarExport {
  return {
    textColumns: (columns) => columns.every((c) => Number.isFinite(oidOf(c))),
    copyDay: (query: QuerySpec, filter: DayFilter, file: string) =>
      run(query, async (client) => {
        const sql = `COPY (${exportQuery(query.sql, dialect, filter)}) TO STDOUT (FORMAT csv)`;
        await pipeline(client.query(copyTo(sql)), createWriteStream(file));
      }),
    dayStats: (day: string, rowCount: number, sum: string | null): DayStats => ({ day, rowCount, fingerprint: sum === null ? null : `postgres:${sum}` }),
    parseRow(columns: ColumnInfo[], raw: (string | null)[]): Row {
      const row: Row = {};
      columns.forEach((c, i) => {
        const text = raw[i];
        row[c.name] = text === null ? null : (parsers.getTypeParser(oidOf(c), 'text')(text) as Row[string]);
      });
      return row;
    },
  };
}
