/**
 * The columnar export of sources that run their query in DuckDB (the DuckDB source, and S3's
 * parquet files read by DuckDB): DuckDB writes the days' rows itself, in PostgreSQL's COPY
 * text format (see ColumnarExport), into a named pipe that Node reads as bytes and hands to
 * the sink row by row, so DuckDB's writing and the store's loading overlap and no row becomes
 * a JavaScript value. Each column is written as text that parseRow turns back into exactly
 * the value streamDay gives (types without such a text keep the row path).
 */
import { constants as fsConstants, openSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { Socket } from 'node:net';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { WharfError } from '../../diagnostics/errors.js';
import { DayRouter, unescapeCopyText } from './text-export.js';
import type {
  ColumnInfo,
  CopyDaysOptions,
  DayFilter,
  DayRowSink,
  DayStats,
  ParquetDaysOptions,
  QuerySpec,
  Row,
} from '../types.js';
import { QUERY_ALIAS, sqlLiteral } from './sql-dialect.js';
import { commonFieldValue, textKindMembers } from './text-kinds.js';
import { withPipe } from './fifo-pool.js';
import {
  clientTextSql,
  isClientTextType,
  isJsonExactNested,
  nestedJsonSql,
  nestedJsonValue,
} from './nested-json-sql.js';
import { inPipeExportSlot } from './pipe-export-slots.js';
import { integerValue } from './text-values.js';

type TextKind =
  'string' | 'text' | 'integer' | 'wideInteger' | 'double' | 'decimal' | 'date' | 'timestamp' | 'boolean' | 'nested';

const INTEGER_TYPES = /^(TINYINT|SMALLINT|INTEGER|BIGINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT)$/;
/**
 * Integers that can pass 10^21, where a double's text takes an exponent: read as text by the
 * store (not parsed as a DOUBLE while reading), so a row the row path's checks see has the
 * exact digits, the row path's bigint.
 */
const WIDE_INTEGER_TYPES = /^(HUGEINT|UHUGEINT|BIGNUM)$/;
// Written as epoch_ms, which truncates a TIMESTAMP_NS as the row path's conversion to a Date does.
const TIMESTAMP_TYPES = /^(TIMESTAMP|TIMESTAMP WITH TIME ZONE|TIMESTAMP_S|TIMESTAMP_MS|TIMESTAMP_NS)$/;

/**
 * How a DuckDB column travels as text, by its type name, or null when no text gives back
 * exactly the row path's value (nested types of other leaves, a UNION). A DECIMAL
 * travels as its exact text, which the row path's number is read from
 * (SOURCE_VALUE_CONVERTER); a nested value as its JSON; a TIME, INTERVAL, BIT or BLOB as the
 * client's text of it, which is the row path's value.
 */
export function textKindOf(column: ColumnInfo): TextKind | null {
  const native = column.nativeType.toUpperCase();
  if (isJsonExactNested(column.nativeType)) return 'nested';
  if (native === 'VARCHAR' || native === 'JSON' || native === 'UUID' || native.startsWith('ENUM(')) return 'string';
  if (INTEGER_TYPES.test(native)) return 'integer';
  if (WIDE_INTEGER_TYPES.test(native)) return 'wideInteger';
  if (native === 'DOUBLE' || native === 'FLOAT') return 'double';
  if (native.startsWith('DECIMAL(')) return 'decimal';
  if (native === 'DATE') return 'date';
  if (TIMESTAMP_TYPES.test(native)) return 'timestamp';
  if (native === 'BOOLEAN') return 'boolean';
  if (isClientTextType(native)) return 'text';
  return null;
}

/** COPY's escapes, the backslash first. */
const ESCAPES: [string, string][] = [
  ["'\\'", '\\\\'],
  ['chr(9)', '\\t'],
  ['chr(10)', '\\n'],
  ['chr(13)', '\\r'],
];

/**
 * A string with COPY's escapes. The replacements run only for a text that holds one of the
 * four characters: four `contains` cost a third of four `replace`s, which copy every text.
 */
function escapedText(text: string): string {
  const escaped = ESCAPES.reduce((t, [from, to]) => `replace(${t}, ${from}, '${to}')`, text);
  const special = ESCAPES.map(([from]) => `contains(${text}, ${from})`).join(' OR ');
  return `CASE WHEN ${special} THEN ${escaped} ELSE ${text} END`;
}

/**
 * The column's text in the export: strings with COPY's escapes for backslash, tab, newline
 * and carriage return; FLOAT widened to DOUBLE first (the row path's number); a timestamp
 * as UNIX milliseconds, the precision the row path's Date keeps.
 */
function textExpression(column: ColumnInfo): string {
  const ref = `${QUERY_ALIAS}."${column.name.replace(/"/g, '""')}"`;
  switch (textKindOf(column)) {
    case 'string':
      return escapedText(`CAST(${ref} AS VARCHAR)`);
    case 'double':
      return `CAST(CAST(${ref} AS DOUBLE) AS VARCHAR)`;
    case 'timestamp':
      return `CAST(epoch_ms(${ref}) AS VARCHAR)`;
    case 'nested':
      return escapedText(nestedJsonSql(ref, column.nativeType));
    case 'text':
      return escapedText(clientTextSql(ref, column.nativeType.toUpperCase()));
    default:
      return `CAST(${ref} AS VARCHAR)`;
  }
}

/** Integer types every value of which a DOUBLE holds exactly; wider ones are converted through their text. */
const EXACT_IN_DOUBLE = /^(TINYINT|SMALLINT|INTEGER|UTINYINT|USMALLINT|UINTEGER)$/;

/**
 * A column of a day's parquet file (ColumnarExport.parquetDays): what the store reads from
 * the text export's field as `type`. VARCHAR is the exported text; DOUBLE and DATE are the
 * value that text parses to, which is the column's own value for DOUBLE, FLOAT (widened, as
 * the text is), narrow integers and DATE (DuckDB writes a double's shortest text that reads
 * back as the same double), and otherwise the parse of the text itself.
 */
function typedExpression(column: ColumnInfo, type: ParquetDaysOptions['columnTypes'][number]): string {
  const ref = `${QUERY_ALIAS}."${column.name.replace(/"/g, '""')}"`;
  const kind = textKindOf(column);
  if (type === 'VARCHAR') return textExpression(column);
  if (type === 'DOUBLE' && (kind === 'double' || EXACT_IN_DOUBLE.test(column.nativeType.toUpperCase())))
    return `CAST(${ref} AS DOUBLE)`;
  if (type === 'DATE' && kind === 'date') return `CAST(${ref} AS DATE)`;
  return `CAST(${textExpression(column)} AS ${type})`;
}

/** The select list of a day's parquet file: the typed columns as `c0`, `c1`, … */
export function parquetSelect(columns: ColumnInfo[], types: ParquetDaysOptions['columnTypes']): string {
  return columns.map((c, i) => `${typedExpression(c, types[i])} AS c${i}`).join(', ');
}

/** Writes the rows of `select` into a parquet file; returns how many. */
export async function writeParquet(connection: DuckDBConnection, select: string, file: string): Promise<number> {
  return (await connection.run(`COPY (${select}) TO ${sqlLiteral(file)} (FORMAT parquet)`)).rowsChanged;
}

/** The path of day `day`'s file in the export's folder. */
export const parquetDayFile = (dir: string, day: number) => join(dir, `day-${day}.parquet`);

const NON_FINITE: Record<string, number> = { nan: NaN, inf: Infinity, '-inf': -Infinity };

/**
 * One exported field back as the row path's value (the store may hand DOUBLE fields back as
 * JavaScript's own number text).
 */
function parseField(kind: TextKind | null, text: string): Row[string] {
  if (kind === 'integer' || kind === 'wideInteger') return integerValue(text);
  if (kind === 'double') return NON_FINITE[text] ?? Number(text);
  if (kind === 'decimal') return Number(text);
  if (kind === 'nested') return nestedJsonValue(unescapeCopyText(text));
  return commonFieldValue(kind, text);
}

/** The ColumnarExport members every DuckDB-run source shares. */
export const duckdbTextColumns = {
  ...textKindMembers({ kindOf: textKindOf, doubleKinds: ['integer', 'double', 'decimal'], parseField }),
  // A nested column is written by to_json; a JSON column as it was stored, which may have spaces.
  compactJson: (column: ColumnInfo) => textKindOf(column) === 'nested',
};

/**
 * The export's select list over the wrapped query: the columns as text, then (when asked) a
 * fingerprint term, 0 (see FingerprintTokens).
 */
export function exportSelect(columns: ColumnInfo[], fingerprint: boolean): string {
  const list = columns.map(textExpression);
  if (fingerprint) list.push('0');
  return list.join(', ');
}

/** The described columns of `names`, in that order. */
export function columnsNamed(described: ColumnInfo[], names: string[], query: QuerySpec): ColumnInfo[] {
  return names.map((name) => {
    const column = described.find((c) => c.name === name);
    if (!column) {
      const message = `The export of mapping '${query.mapping}' asked for column '${name}', which its query lacks.`;
      throw new WharfError(message, { code: 'query.export-column', errorClass: 'internal' });
    }
    return column;
  });
}

/**
 * A day's fingerprint travels through the store's sum of fingerprint terms: these sources'
 * fingerprints are not sums of per-row terms (DuckDB's is a XOR of row hashes), so the day's
 * fingerprint is computed in the warehouse before the export, every row's term is 0 except
 * the first row of the day, whose term is a token standing for it, and dayStats reads the
 * token back.
 */
export class FingerprintTokens {
  private next = 1n;
  private readonly byToken = new Map<string, string>();

  token(fingerprint: string): string {
    const token = String(this.next++);
    this.byToken.set(token, fingerprint);
    return token;
  }

  dayStats(day: string, rowCount: number, sum: string | null): DayStats {
    const fingerprint = sum === null ? null : (this.byToken.get(sum) ?? null);
    if (sum !== null) this.byToken.delete(sum);
    return { day, rowCount, fingerprint: rowCount === 0 ? null : fingerprint };
  }
}

/** What the start of an export borrows from its connector. */
export interface ExportDescriber {
  describe(query: QuerySpec): Promise<ColumnInfo[]>;
  dayStats(query: QuerySpec, filters: DayFilter[]): Promise<DayStats[]>;
}

export interface ExportRequest {
  query: QuerySpec;
  filters: DayFilter[];
  options: CopyDaysOptions;
}

/**
 * The columns an export asks for and, when it carries fingerprints, each day's token: these
 * sources' fingerprints are not sums of row terms, so they are computed first.
 */
export async function exportStart(
  host: ExportDescriber,
  tokens: FingerprintTokens,
  { query, filters, options }: ExportRequest,
): Promise<{ columns: ColumnInfo[]; dayTokens: (string | null)[] | null }> {
  const columns = columnsNamed(await host.describe(query), options.columns, query);
  const dayTokens = options.fingerprint
    ? (await host.dayStats(query, filters)).map((s) => s.fingerprint && tokens.token(s.fingerprint))
    : null;
  return { columns, dayTokens };
}

/** What one export into a sink needs. */
export interface PipeExport {
  connection: DuckDBConnection;
  /** The full SELECT whose rows are exported (text columns, then the fingerprint term when asked). */
  select: string;
  /** The day index of a row: routed by its first ten bytes, or a fixed day. */
  route: DayRouter | number;
  /** Per day index, the day's fingerprint token for its first row (null: no fingerprint column). */
  tokens: (string | null)[] | null;
  mapping: string;
}

/**
 * Runs the export: DuckDB writes the rows into a named pipe while they are read and handed
 * to the sink. Stops DuckDB when the sink fails; rejects with the first failure. At most a
 * few run at once in a process (pipe-export-slots.ts).
 */
export function exportThroughPipe(job: PipeExport, sink: DayRowSink): Promise<void> {
  return inPipeExportSlot(() => runPipeExport(job, sink));
}

function runPipeExport(job: PipeExport, sink: DayRowSink): Promise<void> {
  return withPipe(async (fifo) => {
    const reading = readRows(fifo, job, sink);
    const format = `FORMAT csv, DELIMITER '\t', QUOTE '', ESCAPE '', HEADER false, NULLSTR '\\N'`;
    const copy = job.connection.run(`COPY (${job.select}) TO ${sqlLiteral(fifo)} (${format})`);
    const copied = copy.then(
      () => null,
      async (err: unknown) => {
        // The reader may still be waiting for a writer to open the pipe: open it to end the read.
        await unblockReader(fifo);
        return err;
      },
    );
    const read = reading.then(
      () => null,
      (err: unknown) => {
        job.connection.interrupt();
        return err;
      },
    );
    const [readError, copyError] = await Promise.all([read, copied]);
    if (readError !== null) throw readError;
    if (copyError !== null) throw copyError;
  });
}

async function unblockReader(fifo: string): Promise<void> {
  try {
    // Non-blocking: with no reader left, this fails (ENXIO) instead of waiting.
    await (await open(fifo, fsConstants.O_WRONLY | fsConstants.O_NONBLOCK)).close();
  } catch {
    // Nobody reads the pipe any more.
  }
}

/**
 * Splits the pipe's bytes into rows and hands each to its day; after a failure it drains the
 * pipe so DuckDB can finish.
 */
function readRows(fifo: string, job: PipeExport, sink: DayRowSink): Promise<void> {
  return new Promise((resolve, reject) => {
    const stream = pipeReader(fifo);
    const seen = new Set<number>();
    let carry: Buffer | null = null;
    let failure: unknown = null;
    const deliver = (buf: Buffer, start: number, end: number) => {
      const day = typeof job.route === 'number' ? job.route : job.route.dayOf(buf, start, end);
      if (day < 0) throw outsideDays(job.mapping, buf.toString('utf8', start, Math.min(end, start + 200)));
      const token = job.tokens?.[day];
      if (token && !seen.has(day)) {
        seen.add(day);
        // The row ends with its term `0` and a newline: the day's first row carries the token.
        const row = Buffer.concat([buf.subarray(start, end - 2), Buffer.from(`${token}\n`)]);
        return sink.row(day, row, 0, row.length);
      }
      sink.row(day, buf, start, end);
    };
    sink.attach({ pause: () => stream.pause(), resume: () => stream.resume() });
    stream.on('data', (data: Buffer | string) => {
      if (failure !== null) return;
      try {
        carry = splitRows(carry, data as Buffer, deliver);
      } catch (err) {
        failure = err;
        stream.resume();
      }
    });
    stream.on('end', () => {
      // DuckDB ends every row with a newline; a tail without one would be a cut row.
      if (carry && failure === null) failure = outsideDays(job.mapping, carry.toString('utf8', 0, 200));
    });
    stream.on('error', reject);
    stream.on('close', () => (failure !== null ? reject(failure) : resolve()));
  });
}

/**
 * The pipe's read end, read by Node's event loop rather than its thread pool: a file stream
 * would block a pool thread in open() until DuckDB opens the pipe, and in read() while it is
 * empty, and DuckDB's COPY needs a pool thread to do either; with as many exports starting
 * as pool threads, every thread waited in open() for a COPY that could not start. Opened
 * without blocking, it is already there when DuckDB opens the pipe to write; it ends once
 * DuckDB (or unblockReader) has opened and closed it.
 */
function pipeReader(fifo: string): Socket {
  const fd = openSync(fifo, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  return new Socket({ fd, readable: true, writable: false });
}

/** Hands every complete row of `carry + data` to `deliver`; returns the incomplete tail. */
type Deliver = (buf: Buffer, start: number, end: number) => void;

function splitRows(carry: Buffer | null, data: Buffer, deliver: Deliver): Buffer | null {
  let buf = data;
  let pos = 0;
  if (carry) {
    const nl = data.indexOf(10);
    if (nl < 0) return Buffer.concat([carry, data]);
    const first = Buffer.concat([carry, data.subarray(0, nl + 1)]);
    deliver(first, 0, first.length);
    pos = nl + 1;
  }
  for (let nl = buf.indexOf(10, pos); nl >= 0; nl = buf.indexOf(10, pos)) {
    deliver(buf, pos, nl + 1);
    pos = nl + 1;
  }
  buf = buf.subarray(pos);
  return buf.length ? Buffer.from(buf) : null;
}

function outsideDays(mapping: string, text: string): WharfError {
  const message = `The export of mapping '${mapping}' returned a row outside the days asked for: ${text.trim()}`;
  return new WharfError(message, { code: 'query.export-day', errorClass: 'internal' });
}
