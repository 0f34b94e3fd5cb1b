/**
 * The PostgreSQL bulk export for the columnar metrics path: the days' wrapped query sent as
 * `COPY (…) TO STDOUT` (text format: cheaper for the server to write than CSV) and read off
 * the socket by CopyOutQuery, each row routed to its day by the text of its day column
 * (exported first, so no row is parsed), without a JavaScript value per row. Redshift has no
 * `COPY … TO STDOUT`, so it keeps the cursor path.
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
import { CopyOutQuery } from './copy-out.js';
import { exactCsvTypeOf, ROW_VALUE_TYPES } from './values.js';

type Parser = (text: string) => unknown;
const parsers = ROW_VALUE_TYPES as unknown as { getTypeParser(oid: number, format: 'text'): Parser };

/** The oid behind a described column (`nativeType` is `oid N`). */
export function oidOf(column: ColumnInfo): number {
  return Number(/^oid (\d+)$/.exec(column.nativeType ?? '')?.[1] ?? NaN);
}

/**
 * The days' query, plus (when asked) the row's fingerprint term: the same
 * `hashtext(row as text)` whose sum is the postgres dialect's day fingerprint.
 */
function exportQuery(sql: string, dialect: SqlDialect, filters: DayFilter[], options: CopyDaysOptions): string {
  const inner = sql.replace(/(\s*;)+\s*$/, '').trim();
  const list = options.columns.map((name) => `${QUERY_ALIAS}.${dialect.identifier(name)}`);
  if (options.fingerprint) list.push(`CAST(hashtext(CAST(${QUERY_ALIAS} AS TEXT)) AS BIGINT) AS wharf_fp_term`);
  return `SELECT ${list.join(', ')} FROM (\n${inner}\n) AS ${QUERY_ALIAS}\nWHERE ${daysPredicate(dialect, filters)}`;
}

const DASH = 0x2d;
const ZERO = 0x30;

/** `YYYY-MM-DD` as the number YYYYMMDD. */
export function dayNumber(day: string): number {
  return Number(day.slice(0, 4) + day.slice(5, 7) + day.slice(8, 10));
}

/**
 * The day (YYYYMMDD) that starts the exported row `buf[start, end)`, or NaN when it does not start with `YYYY-MM-DD`.
 */
export function rowDayNumber(buf: Buffer, start: number, end: number): number {
  if (start + 10 > end || buf[start + 4] !== DASH || buf[start + 7] !== DASH) return NaN;
  // Written out: this runs once per exported row.
  const y1 = buf[start] - ZERO,
    y2 = buf[start + 1] - ZERO,
    y3 = buf[start + 2] - ZERO,
    y4 = buf[start + 3] - ZERO;
  const m1 = buf[start + 5] - ZERO,
    m2 = buf[start + 6] - ZERO,
    d1 = buf[start + 8] - ZERO,
    d2 = buf[start + 9] - ZERO;
  // Unsigned, a byte below '0' is above 9 too.
  if (
    y1 >>> 0 > 9 ||
    y2 >>> 0 > 9 ||
    y3 >>> 0 > 9 ||
    y4 >>> 0 > 9 ||
    m1 >>> 0 > 9 ||
    m2 >>> 0 > 9 ||
    d1 >>> 0 > 9 ||
    d2 >>> 0 > 9
  )
    return NaN;
  return y1 * 10_000_000 + y2 * 1_000_000 + y3 * 100_000 + y4 * 10_000 + m1 * 1000 + m2 * 100 + d1 * 10 + d2;
}

/** Widest span of YYYYMMDD numbers looked up in a table; wider spans use a Map. */
const MAX_TABLE_SPAN = 1 << 20;

/**
 * The index of each row's day among the days asked for, from the text the row starts with
 * (-1: none of them). A table indexed by YYYYMMDD offset, since a Map lookup per row showed
 * up next to the copy of the row itself.
 */
export class DayRouter {
  private readonly base: number;
  private readonly table: Int16Array | null;
  private readonly map: Map<number, number>;

  constructor(days: string[]) {
    const numbers = days.map(dayNumber);
    this.map = new Map();
    numbers.forEach((n, i) => {
      if (!this.map.has(n)) this.map.set(n, i);
    });
    this.base = Math.min(...numbers);
    const span = Math.max(...numbers) - this.base + 1;
    this.table = span <= MAX_TABLE_SPAN ? new Int16Array(span).fill(-1) : null;
    for (const [n, i] of this.map) if (this.table) this.table[n - this.base] = i;
  }

  dayOf(buf: Buffer, start: number, end: number): number {
    const n = rowDayNumber(buf, start, end);
    if (this.table === null) return this.map.get(n) ?? -1;
    const at = n - this.base;
    // NaN fails both comparisons.
    return at >= 0 && at < this.table.length ? this.table[at] : -1;
  }
}

const COPY_ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/**
 * A field of COPY's text format as the value's text: `\n`, `\t` and the other letter escapes
 * become their control characters, and a backslash before any other character stands for
 * that character (COPY TO writes no octal or hex escapes).
 */
export function unescapeCopyText(field: string): string {
  if (!field.includes('\\')) return field;
  return field.replace(/\\(.)/gs, (_, c: string) => COPY_ESCAPES[c] ?? c);
}

/** The columnar export of one PostgreSQL pool; `run` borrows a client and classes its errors. */
export function pgColumnarExport(
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
        const sql = `COPY (${exportQuery(query.sql, dialect, filters, options)}) TO STDOUT`;
        // One day needs no routing (and a TIMESTAMP day column's text is not the zone's day).
        const copy = new CopyOutQuery(sql, (buf, start, end) => {
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
      fingerprint: sum === null ? null : `postgres:${sum}`,
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
