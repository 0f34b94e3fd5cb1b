/**
 * The Snowflake bulk export for the columnar metrics path: the days' wrapped query runs once
 * for the group of days, its result chunks are streamed by snowflake-sdk as arrays (no
 * object per row), numbers and text as the warehouse sent them, and each row is written as
 * a COPY text line for the store (shared/text-rows.ts). Types whose text the row path would
 * not read back exactly (VARIANT's pretty-printed JSON is kept, but binary, TIME and
 * geography are not) keep the row path.
 */
import type { Readable } from 'node:stream';
import type { RowStatement } from 'snowflake-sdk';
import { exportStart, FingerprintTokens } from '../shared/duckdb-columnar.js';
import { QUERY_ALIAS } from '../shared/sql-dialect.js';
import { copyEscape, PageFlow, TextRowWriter, type FieldText } from '../shared/text-rows.js';
import { commonFieldValue, textKindMembers } from '../shared/text-kinds.js';
import { daysSelect } from '../shared/wrapped-queries.js';
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
import { snowflakeDialect } from './dialect.js';
import { integerValue } from '../shared/text-values.js';
import { parseDouble } from './values.js';

type Kind = 'string' | 'integer' | 'decimal' | 'real' | 'date' | 'timestamp' | 'boolean';

/** How a described column (its nativeType, e.g. `FIXED(2)`) travels as text, or null: the row path. */
function kindOf(column: ColumnInfo): Kind | null {
  const native = column.nativeType.toUpperCase();
  if (native === 'FIXED(0)') return 'integer';
  if (native.startsWith('FIXED(')) return 'decimal';
  if (native === 'REAL') return 'real';
  if (native === 'TEXT' || native === 'VARIANT' || native === 'OBJECT' || native === 'ARRAY') return 'string';
  if (native === 'DATE') return 'date';
  if (native.startsWith('TIMESTAMP_')) return 'timestamp';
  return native === 'BOOLEAN' ? 'boolean' : null;
}

const SPECIAL_REAL: Record<string, string> = { nan: 'nan', inf: 'inf', '+inf': 'inf', infinity: 'inf' };

/** A REAL's text: numbers as sent, NaN and infinities in the spelling DuckDB reads ('nan', 'inf', '-inf'). */
function realText(value: unknown): string {
  const text = String(value);
  const last = text.charCodeAt(text.length - 1);
  if (last >= 48 && last <= 57) return text;
  const lower = text.toLowerCase();
  return lower.startsWith('-') ? `-${SPECIAL_REAL[lower.slice(1)] ?? lower.slice(1)}` : (SPECIAL_REAL[lower] ?? lower);
}

/** The field text of each kind, from the values snowflake-sdk gives (numbers and JSON fetched as strings). */
const FIELD_TEXT: Record<Kind, FieldText> = {
  string: (v) => copyEscape(String(v)),
  integer: (v) => String(v),
  decimal: (v) => String(v),
  real: realText,
  // The row path's text of a DATE (the driver's Date at UTC midnight).
  date: (v) => (v as Date).toISOString().slice(0, 10),
  // The row path keeps a timestamp as a Date: milliseconds.
  timestamp: (v) => String((v as Date).getTime()),
  boolean: (v) => (v ? 'true' : 'false'),
};

/** A field back as the row path's value. */
function parseField(kind: Kind | null, text: string): Row[string] {
  if (kind === 'integer') return integerValue(text);
  if (kind === 'decimal') return Number(text);
  if (kind === 'real') return parseDouble(text);
  return commonFieldValue(kind, text);
}

/** What the export borrows from its connector. */
export interface SnowflakeExportHost {
  describe(query: QuerySpec): Promise<ColumnInfo[]>;
  dayStats(query: QuerySpec, filters: DayFilter[]): Promise<DayStats[]>;
  /** Starts a statement whose rows stream as arrays (numbers and JSON as strings), classing its errors. */
  startArrays(sqlText: string, query: QuerySpec): Promise<RowStatement>;
  /** The error to raise for a failure while the rows stream. */
  streamError(query: QuerySpec, err: unknown): Error;
}

export function snowflakeColumnarExport(host: SnowflakeExportHost): ColumnarExport {
  const tokens = new FingerprintTokens();
  return {
    ...textKindMembers({ kindOf, doubleKinds: ['integer', 'decimal', 'real'], parseField }),
    async copyDays(query: QuerySpec, filters: DayFilter[], options: CopyDaysOptions, sink: DayRowSink): Promise<void> {
      const { columns, dayTokens } = await exportStart(host, tokens, { query, filters, options });
      const list = columns.map((c) => `${QUERY_ALIAS}.${snowflakeDialect.identifier(c.name)}`).join(', ');
      const statement = await host.startArrays(daysSelect(snowflakeDialect, query.sql, filters, list), query);
      const writer = new TextRowWriter(
        columns.map((c) => FIELD_TEXT[kindOf(c)!]),
        sink,
        { filters, tokens: dayTokens, mapping: query.mapping },
      );
      await streamInto(statement, writer, sink).catch((err: unknown) => {
        throw host.streamError(query, err);
      });
    },
    dayStats: (day, rowCount, sum) => tokens.dayStats(day, rowCount, sum),
  };
}

/** Streams the statement's rows through the writer, paused while the sink catches up; cancels it on failure. */
async function streamInto(statement: RowStatement, writer: TextRowWriter, sink: DayRowSink): Promise<void> {
  const stream: Readable = statement.streamRows();
  const flow = new PageFlow();
  sink.attach(flow.control);
  let finished = false;
  try {
    for await (const values of stream) {
      writer.row(values as unknown[]);
      // The loop pulls the rows: waiting here holds the stream.
      if (flow.paused) await flow.ready();
    }
    writer.flush();
    finished = true;
  } finally {
    stream.destroy();
    // An export that stops early should not leave the warehouse working for nobody.
    if (!finished) statement.cancel(() => undefined);
  }
}
