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
import { dayQuery } from '../shared/wrapped-queries.js';
import type { ColumnarExport, ColumnInfo, DayFilter, QuerySpec, Row } from '../types.js';
import { ROW_VALUE_TYPES } from './pg-types.js';

type Parser = (text: string) => unknown;
const parsers = ROW_VALUE_TYPES as unknown as { getTypeParser(oid: number, format: 'text'): Parser };

/** The oid behind a described column (`nativeType` is `oid N`). */
export function oidOf(column: ColumnInfo): number {
  return Number(/^oid (\d+)$/.exec(column.nativeType ?? '')?.[1] ?? NaN);
}

/** The columnar export of one PostgreSQL pool; `run` borrows a client and classes its errors. */
export function pgColumnarExport(dialect: SqlDialect, run: <T>(query: QuerySpec, fn: (client: pg.PoolClient) => Promise<T>) => Promise<T>): ColumnarExport {
  return {
    textColumns: (columns) => columns.every((c) => Number.isFinite(oidOf(c))),
    copyDay: (query: QuerySpec, filter: DayFilter, file: string) =>
      run(query, async (client) => {
        const sql = `COPY (${dayQuery(dialect, query.sql, filter)}) TO STDOUT (FORMAT csv)`;
        await pipeline(client.query(copyTo(sql)), createWriteStream(file));
      }),
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
