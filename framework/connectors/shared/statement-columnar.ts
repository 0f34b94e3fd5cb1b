/**
 * The bulk export of statement connectors (Athena, Databricks, Synapse, plugins) whose runner
 * offers raw pages: the days' wrapped query runs once for the group of days, and each row's
 * raw values become one line of PostgreSQL's COPY text format (shared/text-rows.ts), each
 * value written from the runner's own conversion, so a line read back with parseRow is the
 * row `pages` gives. No Row object and none of the row path's per-row checks: the store
 * checks the rows column-wise. A column of logical type `other` keeps the row path.
 */
import { WharfError } from '../../diagnostics/errors.js';
import type {
  ColumnarExport,
  ColumnInfo,
  CopyDaysOptions,
  DayFilter,
  DayRowSink,
  LogicalType,
  QuerySpec,
  Row,
  RowValue,
} from '../types.js';
import { exportStart, FingerprintTokens, type ExportDescriber } from './duckdb-columnar.js';
import { Deadline, queryTimeoutError, timeoutOf } from './query-timeout.js';
import type { SqlDialect } from './sql-dialect.js';
import { QUERY_ALIAS } from './sql-dialect.js';
import { commonFieldValue, textKindMembers } from './text-kinds.js';
import { copyEscape, PageFlow, TextRowWriter, type FieldText } from './text-rows.js';
import { integerValue } from './text-values.js';
import { daysSelect } from './wrapped-queries.js';
import type { RawResultPage } from './statement-connector.js';

type Kind = 'integer' | 'double' | 'boolean' | 'date' | 'timestamp' | 'text';

/** JSON columns travel as text: the runner's value of one must be the JSON text (see `textOf`). */
const KINDS: Partial<Record<LogicalType, Kind>> = {
  integer: 'integer',
  double: 'double',
  boolean: 'boolean',
  date: 'date',
  timestamp: 'timestamp',
  string: 'text',
  json: 'text',
};

const kindOf = (column: ColumnInfo): Kind | null => KINDS[column.type] ?? null;

/** NaN and the infinities in the spelling DuckDB reads; -0 keeps its sign. */
function doubleText(n: number): string {
  if (Number.isFinite(n)) return Object.is(n, -0) ? '-0' : String(n);
  return Number.isNaN(n) ? 'nan' : n > 0 ? 'inf' : '-inf';
}

const PARSED_SPECIAL: Record<string, number> = { nan: NaN, inf: Infinity, '-inf': -Infinity };

/** A field back as the row path's value. */
function parseField(kind: Kind | null, text: string): Row[string] {
  if (kind === 'integer') return integerValue(text);
  if (kind === 'double') return PARSED_SPECIAL[text] ?? Number(text);
  return commonFieldValue(kind, text);
}

/** The raw pages of a runner, and its conversion of one raw value (see StatementRunner.rawPages). */
export interface RawPages {
  pages(sql: string, query?: QuerySpec, signal?: AbortSignal): AsyncIterable<RawResultPage>;
  value(raw: unknown, column: ColumnInfo): RowValue;
}

export interface StatementExportOptions {
  kind: string;
  sourceName: string;
  dialect: SqlDialect;
  raw: RawPages;
}

export function statementColumnarExport(host: ExportDescriber, options: StatementExportOptions): ColumnarExport {
  const tokens = new FingerprintTokens();
  return {
    ...textKindMembers({ kindOf, doubleKinds: ['integer', 'double'], parseField }),
    async copyDays(query: QuerySpec, filters: DayFilter[], copy: CopyDaysOptions, sink: DayRowSink): Promise<void> {
      const { columns, dayTokens } = await exportStart(host, tokens, { query, filters, options: copy });
      const list = columns.map((c) => `${QUERY_ALIAS}.${options.dialect.identifier(c.name)}`).join(', ');
      const sql = daysSelect(options.dialect, query.sql, filters, list);
      // The page's columns, as `pages` converts with them.
      const writerFor = (page: RawResultPage) =>
        new TextRowWriter(fieldTexts(page.columns, options), sink, {
          filters,
          tokens: dayTokens,
          mapping: query.mapping,
        });
      const deadline = new Deadline(timeoutOf(query));
      try {
        await writePages(options.raw.pages(sql, query, deadline.signal), writerFor, sink);
      } catch (err) {
        if (deadline.timedOut) throw queryTimeoutError(options.sourceName, query, err);
        throw err;
      } finally {
        deadline.clear();
      }
    },
    dayStats: (day, rowCount, sum) => tokens.dayStats(day, rowCount, sum),
  };
}

/** Each column's field text: the runner's value of the raw value, written as parseField reads it back. */
function fieldTexts(columns: ColumnInfo[], options: StatementExportOptions): FieldText[] {
  return columns.map((column): FieldText => {
    const value = (raw: unknown) => options.raw.value(raw, column);
    switch (kindOf(column)) {
      case 'integer':
      case 'boolean':
        return (raw) => nullable(value(raw), String);
      case 'double':
        return (raw) => nullable(value(raw), (v) => doubleText(v as number));
      case 'timestamp':
        // The row path's Date, as epoch milliseconds.
        return (raw) => nullable(value(raw), (v) => String((v as Date).getTime()));
      default:
        return (raw) => nullable(value(raw), (v) => copyEscape(textOf(v, column, options)));
    }
  });
}

function nullable(value: RowValue, text: (v: RowValue) => string): string | null {
  return value === null ? null : text(value);
}

/** A text, date or JSON column's value, which travels as text; anything else could not come back as itself. */
function textOf(value: RowValue, column: ColumnInfo, options: StatementExportOptions): string {
  if (typeof value === 'string') return value;
  throw new WharfError(
    `The ${options.kind} connector of source '${options.sourceName}' gave ${column.type} column '${column.name}' ` +
      `(${column.nativeType}) a value that is not text (${value instanceof Date ? 'a Date' : typeof value}); ` +
      `its bulk export needs the value's text.`,
    {
      code: 'query.export-value',
      errorClass: 'internal',
      hint: `The connector's runner must give ${column.type} values as text when it offers rawPages (see the plugin guide).`,
    },
  );
}

/** Writes every page, pausing while the sink catches up. */
async function writePages(
  pages: AsyncIterable<RawResultPage>,
  writerFor: (page: RawResultPage) => TextRowWriter,
  sink: DayRowSink,
): Promise<void> {
  const flow = new PageFlow();
  sink.attach(flow.control);
  let writer: TextRowWriter | null = null;
  for await (const page of pages) {
    if (page.rows.length === 0) continue;
    writer ??= writerFor(page);
    for (const row of page.rows) writer.row(row);
    writer.flush();
    await flow.ready();
  }
}
