/**
 * The PostgreSQL bulk export for the columnar paths: the days' wrapped query sent as
 * `COPY (…) TO STDOUT` (text format: cheaper for the server to write than CSV) and read off
 * the socket by CopyOutQuery, each row routed to its day by the text of its day column
 * (exported first, so no row is parsed), without a JavaScript value per row. Redshift has no
 * `COPY … TO STDOUT`: there the wrapped query runs as a plain query whose DataRow messages are
 * read off the socket the same way and written as the lines COPY would have written, so the
 * rest of the path cannot tell the two apart. Redshift has no row fingerprint (its dayStats
 * counts only): its export carries a fingerprint term of 0 and reports no fingerprint.
 */
import type pg from 'pg';
import { WharfError } from '../../diagnostics/errors.js';
import type { SqlDialect } from '../shared/sql-dialect.js';
import { daysPredicate, QUERY_ALIAS } from '../shared/sql-dialect.js';
import type {
  ColumnarExport,
  ColumnInfo,
  CopyDaysOptions,
  DayFilter,
  DayRowSink,
  DayStats,
  QuerySpec,
  Row,
} from '../types.js';
import { DayRouter, unescapeCopyText } from '../shared/text-export.js';
import { CopyOutQuery, dataRowsAsCopyText, QUERY_ROWS, type CopyRowHandler } from './copy-out.js';
import { exactCsvTypeOf, ROW_VALUE_TYPES } from './values.js';

type Parser = (text: string) => unknown;
const parsers = ROW_VALUE_TYPES as unknown as { getTypeParser(oid: number, format: 'text'): Parser };

/** The oid behind a described column (`nativeType` is `oid N`). */
export function oidOf(column: ColumnInfo): number {
  return Number(/^oid (\d+)$/.exec(column.nativeType ?? '')?.[1] ?? NaN);
}

/**
 * The days' query, plus (when asked) the row's fingerprint term: the same
 * `hashtext(row as text)` whose sum is the postgres dialect's day fingerprint, or 0 for a
 * dialect without one (Redshift, whose days count only).
 */
function exportQuery(sql: string, dialect: SqlDialect, filters: DayFilter[], options: CopyDaysOptions): string {
  const inner = sql.replace(/(\s*;)+\s*$/, '').trim();
  const list = options.columns.map((name) => `${QUERY_ALIAS}.${dialect.identifier(name)}`);
  const term = dialect.fingerprint ? `CAST(hashtext(CAST(${QUERY_ALIAS} AS TEXT)) AS BIGINT)` : '0';
  if (options.fingerprint) list.push(`${term} AS wharf_fp_term`);
  return `SELECT ${list.join(', ')} FROM (\n${inner}\n) AS ${QUERY_ALIAS}\nWHERE ${daysPredicate(dialect, filters)}`;
}

/** The query reading the export's rows, each handed to `onRow` as a line of COPY's text format. */
function exportRowsQuery(kind: 'postgres' | 'redshift', select: string, onRow: CopyRowHandler): CopyOutQuery {
  if (kind === 'postgres') return new CopyOutQuery(`COPY (${select}) TO STDOUT`, onRow);
  return new CopyOutQuery(select, dataRowsAsCopyText(onRow), QUERY_ROWS);
}

/** The columnar export of one PostgreSQL or Redshift pool; `run` borrows a client and classes its errors. */
export function pgColumnarExport(
  kind: 'postgres' | 'redshift',
  dialect: SqlDialect,
  run: <T>(query: QuerySpec, fn: (client: pg.PoolClient) => Promise<T>) => Promise<T>,
): ColumnarExport {
  return {
    textColumns: (columns) => columns.every((c) => Number.isFinite(oidOf(c))),
    exactCsvType: (column) => exactCsvTypeOf(oidOf(column)),
    timestampText: 'canonical',
    copyDays: (query: QuerySpec, filters: DayFilter[], options: CopyDaysOptions, sink: DayRowSink) =>
      run(query, async (client) => {
        const router = new DayRouter(filters.map((f) => f.day));
        const select = exportQuery(query.sql, dialect, filters, options);
        // One day needs no routing (and a TIMESTAMP day column's text is not the zone's day).
        const copy = exportRowsQuery(kind, select, (buf, start, end) => {
          const day = filters.length === 1 ? 0 : router.dayOf(buf, start, end);
          if (day < 0) {
            throw new WharfError(
              `The export of mapping '${query.mapping}' returned a row outside the days asked for: ${buf.toString('utf8', start, Math.min(end, start + 200)).trim()}`,
              {
                code: 'query.export-day',
                errorClass: 'internal',
              },
            );
          }
          sink.row(day, buf, start, end);
        });
        sink.attach(copy);
        client.query(copy);
        await copy.done;
      }),
    dayStats: (day: string, rowCount: number, sum: string | null): DayStats => ({
      day,
      rowCount,
      fingerprint: sum === null || !dialect.fingerprint ? null : `postgres:${sum}`,
    }),
    parseRow(columns: ColumnInfo[], raw: (string | null)[]): Row {
      const row: Row = {};
      columns.forEach((c, i) => {
        const text = raw[i];
        row[c.name] =
          text === null ? null : (parsers.getTypeParser(oidOf(c), 'text')(unescapeCopyText(text)) as Row[string]);
      });
      return row;
    },
  };
}
