/**
 * The BigQuery bulk export for the columnar metrics path: the days' wrapped query runs as one
 * job for the group of days and its result is read in getQueryResults pages, unparsed
 * (`{f: [{v}]}` cells, already BigQuery's text for scalars), the next page fetched while the
 * current one is written; each row becomes a COPY text line for the store
 * (shared/text-rows.ts), with no Row object per row. RECORD, REPEATED and other nested or
 * binary fields keep the row path. (The Storage Read API, which would give Arrow, is not used.)
 */
import type { Job } from '@google-cloud/bigquery';
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
import { parseDatetime, parseTimestamp, type RawCell } from './values.js';

type Kind = 'string' | 'integer' | 'number' | 'date' | 'timestamp' | 'datetime' | 'boolean';

const KINDS: Record<string, Kind> = {
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
};

/** How a described column (its nativeType; REPEATED fields are `ARRAY<…>`) travels as text, or null: the row path. */
const kindOf = (column: ColumnInfo): Kind | null => KINDS[column.nativeType] ?? null;

/**
 * Rows asked for per page (BigQuery may return fewer: a page is at most about 10 MB). The
 * client parses a page into an object per cell: reading 1,000,000 rows in pages of 50,000
 * peaked at 541 MB for the bare client, in pages of 10,000 at 284 MB, in the same time.
 */
const BULK_PAGE_ROWS = 10_000;

const SPECIAL_NUMBER: Record<string, string> = { NaN: 'nan', Infinity: 'inf', '-Infinity': '-inf' };
const PARSED_SPECIAL: Record<string, number> = { nan: NaN, inf: Infinity, '-inf': -Infinity };

/** The field text of each kind, from BigQuery's cell text. */
const FIELD_TEXT: Record<Kind, FieldText> = {
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

/** A field back as the row path's value. */
function parseField(kind: Kind | null, text: string): Row[string] {
  if (kind === 'integer') return integerValue(text);
  if (kind === 'number') return PARSED_SPECIAL[text] ?? Number(text);
  // A DATETIME travels as epoch milliseconds, as a TIMESTAMP does.
  return commonFieldValue(kind === 'datetime' ? 'timestamp' : kind, text);
}

/** One page of raw rows. */
export interface RawPage {
  rows: Array<{ f: RawCell[] }>;
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
    async copyDays(query: QuerySpec, filters: DayFilter[], options: CopyDaysOptions, sink: DayRowSink): Promise<void> {
      const { columns, dayTokens } = await exportStart(host, tokens, { query, filters, options });
      const list = columns.map((c) => `${QUERY_ALIAS}.${bigqueryDialect.identifier(c.name)}`).join(', ');
      const job = await host.startJob(daysSelect(bigqueryDialect, query.sql, filters, list), query);
      const fields = columns.map((c) => FIELD_TEXT[kindOf(c)!]);
      const writer = new TextRowWriter(fields, sink, { filters, tokens: dayTokens, mapping: query.mapping });
      await readPages(job, (token) => host.rawPage(job, query, BULK_PAGE_ROWS, token), writer, sink);
    },
    dayStats: (day, rowCount, sum) => tokens.dayStats(day, rowCount, sum),
  };
}

/** Writes every page, the next one already requested; cancels the job when the export fails. */
async function readPages(
  job: Job,
  fetchPage: (pageToken?: string) => Promise<RawPage>,
  writer: TextRowWriter,
  sink: DayRowSink,
): Promise<void> {
  const flow = new PageFlow();
  sink.attach(flow.control);
  let next: Promise<RawPage> | null = fetchPage();
  let finished = false;
  try {
    while (next) {
      const page: RawPage = await next;
      next = page.pageToken ? fetchPage(page.pageToken) : null;
      // Settled later; a failure of a page nobody awaits must not go unhandled meanwhile.
      next?.catch(() => undefined);
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
