/**
 * The BigQuery bulk export for the columnar metrics path: the days' wrapped query runs as one
 * job for the group of days and its result is read in getQueryResults pages, unparsed
 * (`{f: [{v}]}` cells, already BigQuery's text for scalars), the next page fetched while the
 * current one is written; each row becomes a COPY text line for the store
 * (shared/text-rows.ts), with no Row object per row. A RECORD or REPEATED field travels as
 * the JSON text of the row path's value (nested-json.ts). A type without a kind keeps the row
 * path. (The Storage Read API, which would give Arrow, is not used.)
 */
import type { Job } from '@google-cloud/bigquery';
import { internalError } from '../../diagnostics/errors.js';
import { unescapeCopyText } from '../shared/text-export.js';
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
import { bigqueryDialect } from './dialect.js';
import { integerValue } from '../shared/text-values.js';
import { nestedJsonText, nestedJsonValue } from './nested-json.js';
import { parseDatetime, parseTimestamp, type BigQueryField, type RawCell } from './values.js';

type Kind = 'string' | 'integer' | 'number' | 'date' | 'timestamp' | 'datetime' | 'boolean' | 'nested';

const KINDS: Record<string, Exclude<Kind, 'nested'>> = {
  STRING: 'string',
  JSON: 'string',
  INTEGER: 'integer',
  INT64: 'integer',
  FLOAT: 'number',
  FLOAT64: 'number',
  NUMERIC: 'number',
  BIGNUMERIC: 'number',
  DATE: 'date',
  TIMESTAMP: 'timestamp',
  DATETIME: 'datetime',
  BOOLEAN: 'boolean',
  BOOL: 'boolean',
  // The row path keeps these as the cell's text: base64, `12:34:56.789`, WKT, `1-2 3 4:5:6`, `[a, b)`.
  BYTES: 'string',
  TIME: 'string',
  GEOGRAPHY: 'string',
  INTERVAL: 'string',
  RANGE: 'string',
};

const NESTED_TYPE = /^(RECORD|STRUCT)$|^ARRAY</;

/** How a described column (its nativeType; REPEATED fields are `ARRAY<…>`) travels as text, or null: the row path. */
const kindOf = (column: ColumnInfo): Kind | null =>
  KINDS[column.nativeType] ?? (NESTED_TYPE.test(column.nativeType) ? 'nested' : null);

/**
 * Rows asked for per page (BigQuery may return fewer: a page is at most about 10 MB). The
 * client parses a page into an object per cell: reading 1,000,000 rows in pages of 50,000
 * peaked at 541 MB for the bare client, in pages of 10,000 at 284 MB, in the same time.
 */
const BULK_PAGE_ROWS = 10_000;

const SPECIAL_NUMBER: Record<string, string> = { NaN: 'nan', Infinity: 'inf', '-Infinity': '-inf' };
const PARSED_SPECIAL: Record<string, number> = { nan: NaN, inf: Infinity, '-inf': -Infinity };

/** The field text of each scalar kind, from BigQuery's cell text. */
const FIELD_TEXT: Record<Exclude<Kind, 'nested'>, FieldText> = {
  string: (v) => copyEscape(String(v)),
  integer: (v) => String(v),
  // NaN and the infinities in the spelling DuckDB reads.
  number: (v) => SPECIAL_NUMBER[String(v)] ?? String(v),
  date: (v) => String(v),
  // The row path keeps TIMESTAMP and DATETIME as a Date: milliseconds.
  timestamp: (v) => String(parseTimestamp(String(v)).getTime()),
  datetime: (v) => String(parseDatetime(String(v)).getTime()),
  boolean: (v) => String(v),
};

/** The field text of each column, a nested one's from its field in the result's schema. */
function fieldTexts(kinds: Kind[], fields: BigQueryField[]): FieldText[] {
  return kinds.map((kind, i) => {
    if (kind !== 'nested') return FIELD_TEXT[kind];
    const field = fields[i];
    if (!field) throw internalError(`BigQuery returned result rows without the schema of column ${i + 1}`);
    const json = nestedJsonText(field);
    return (v) => copyEscape(json(v));
  });
}

/** A field back as the row path's value. */
function parseField(kind: Kind | null, text: string): Row[string] {
  if (kind === 'nested') return nestedJsonValue(unescapeCopyText(text)) as Row[string];
  if (kind === 'integer') return integerValue(text);
  if (kind === 'number') return PARSED_SPECIAL[text] ?? Number(text);
  // A DATETIME travels as epoch milliseconds, as a TIMESTAMP does.
  return commonFieldValue(kind === 'datetime' ? 'timestamp' : kind, text);
}

/** One page of raw rows, with the result's schema. */
export interface RawPage {
  rows: Array<{ f: RawCell[] }>;
  fields: BigQueryField[];
  pageToken?: string;
}

/** What the export borrows from its connector. */
export interface BigQueryExportHost {
  describe(query: QuerySpec): Promise<ColumnInfo[]>;
  dayStats(query: QuerySpec, filters: DayFilter[]): Promise<DayStats[]>;
  /** Starts the query job, classing its errors. */
  startJob(sql: string, query: QuerySpec): Promise<Job>;
  /** One page of the job's raw rows, waiting while the job runs, classing its errors. */
  rawPage(job: Job, query: QuerySpec, maxResults: number, pageToken?: string): Promise<RawPage>;
}

export function bigqueryColumnarExport(host: BigQueryExportHost): ColumnarExport {
  const tokens = new FingerprintTokens();
  return {
    ...textKindMembers({ kindOf, doubleKinds: ['integer', 'number'], parseField }),
    // JSON.stringify writes no whitespace between tokens.
    compactJson: (column) => kindOf(column) === 'nested',
    async copyDays(query: QuerySpec, filters: DayFilter[], options: CopyDaysOptions, sink: DayRowSink): Promise<void> {
      const { columns, dayTokens } = await exportStart(host, tokens, { query, filters, options });
      const list = columns.map((c) => `${QUERY_ALIAS}.${bigqueryDialect.identifier(c.name)}`).join(', ');
      const job = await host.startJob(daysSelect(bigqueryDialect, query.sql, filters, list), query);
      const kinds = columns.map((c) => kindOf(c)!);
      // The first page's schema gives a nested column's members.
      const writerFor = (fields: BigQueryField[]) =>
        new TextRowWriter(fieldTexts(kinds, fields), sink, { filters, tokens: dayTokens, mapping: query.mapping });
      await readPages(job, (token) => host.rawPage(job, query, BULK_PAGE_ROWS, token), writerFor, sink);
    },
    dayStats: (day, rowCount, sum) => tokens.dayStats(day, rowCount, sum),
  };
}

/** Writes every page, the next one already requested; cancels the job when the export fails. */
async function readPages(
  job: Job,
  fetchPage: (pageToken?: string) => Promise<RawPage>,
  writerFor: (fields: BigQueryField[]) => TextRowWriter,
  sink: DayRowSink,
): Promise<void> {
  const flow = new PageFlow();
  sink.attach(flow.control);
  let next: Promise<RawPage> | null = fetchPage();
  let finished = false;
  let writer: TextRowWriter | null = null;
  try {
    while (next) {
      const page: RawPage = await next;
      next = page.pageToken ? fetchPage(page.pageToken) : null;
      // Settled later; a failure of a page nobody awaits must not go unhandled meanwhile.
      next?.catch(() => undefined);
      if (page.rows.length === 0) continue;
      writer ??= writerFor(page.fields);
      const values: unknown[] = [];
      for (const raw of page.rows) {
        for (let i = 0; i < raw.f.length; i++) values[i] = raw.f[i]?.v;
        writer.row(values);
      }
      writer.flush();
      await flow.ready();
    }
    finished = true;
  } finally {
    // A job that nobody reads to its end should not keep running (and billing).
    if (!finished) await job.cancel().catch(() => undefined);
  }
}
