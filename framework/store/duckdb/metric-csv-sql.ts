/**
 * The SQL of the columnar metrics load (see metric-csv-load.ts): the metrics rules a row
 * decides alone, written as expressions over the exported columns (`c0`, `c1`, …; text, or
 * DOUBLE and DATE where the export's text always reads back exactly), so DuckDB checks a file
 * at once. The files are in PostgreSQL's COPY text format (ColumnarExport): a text field with
 * a backslash holds an escape, so its row is left to the row path, which reads it unescaped.
 * The checks are deliberately strict: a row they do not accept outright is not rejected here
 * but handed to the row path's own checks.
 */
import type { MetricsCsvSpec, MetricTarget } from '../types.js';
import { numberText } from './number-text-sql.js';

/** A SQL string literal. */
export const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** Number text as PostgreSQL writes it, the only form accepted here without the row path. */
const NUMBER_TEXT = literal('-?[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?');

/**
 * The CSV reader's buffer. DuckDB's default (32 MB) is also the size of a character-encoding
 * buffer it allocates outside its memory cap with the C library's malloc for every file it
 * opens, even a UTF-8 one; freeing it raised glibc's mmap threshold to 32 MB, after which
 * every such buffer and much else stayed in glibc's per-thread arenas: 100-170 MB of peak
 * RSS in an events load, beyond every DuckDB cap (docs/engine-measurements.md). Lines longer
 * than the buffer still read (a bulk file's lines are at most 1 MB, OVERSIZE_ROW_BYTES).
 */
export const CSV_BUFFER = 'buffer_size = 2097152';

/**
 * `read_csv` of one exported file (COPY text format): tab-separated, no quoting, `\N` the
 * only NULL (an empty field is an empty string), no sniffing, every malformed line an error.
 * Escapes are left as they are (see rowRules).
 */
export function readCsv(
  file: string,
  spec: Pick<MetricsCsvSpec, 'columnTypes' | 'fingerprint' | 'filesOmitDay'>,
): string {
  const columns = spec.columnTypes.flatMap((t, i) => (i === 0 && spec.filesOmitDay ? [] : [`'c${i}': '${t}'`]));
  if (spec.fingerprint) columns.push(`'fp': 'BIGINT'`);
  return `read_csv(${literal(file)}, header = false, auto_detect = false, delim = '\t', quote = '', escape = '', nullstr = '\\N', ${CSV_BUFFER}, columns = {${columns.join(', ')}}, strict_mode = true)`;
}

/** `read_parquet` of a day's parquet file, whose columns are named `c0`, `c1`, … and typed as `columnTypes`. */
export function readParquet(file: string): string {
  return `read_parquet(${literal(file)})`;
}

/** A text column that holds no escape (NULL stays NULL); constants need no check. */
function unescaped(spec: MetricsCsvSpec, target: MetricTarget): string {
  const c = column(spec, target);
  return c && c.type === 'VARCHAR' ? ` AND NOT contains(${c.name}, '\\')` : '';
}

const column = (spec: MetricsCsvSpec, target: MetricTarget) => {
  const t = spec.targets[target];
  return 'column' in t
    ? { name: `c${t.column}`, type: spec.columnTypes[t.column], numeric: t.numeric, double: t.double === true }
    : null;
};

/** A text target: the column's text (a number column's as the row path writes the number; NULL: the row path's). */
function text(spec: MetricsCsvSpec, target: MetricTarget): string {
  const c = column(spec, target);
  if (c) return c.double ? numberText(c.name) : c.name;
  const t = spec.targets[target] as { constant: string | number | null };
  return t.constant === null ? 'CAST(NULL AS VARCHAR)' : literal(String(t.constant));
}

function number(spec: MetricsCsvSpec, target: MetricTarget): string {
  const c = column(spec, target);
  if (c) return c.type === 'DOUBLE' ? c.name : `TRY_CAST(${c.name} AS DOUBLE)`;
  const t = spec.targets[target] as { constant: string | number | null };
  return t.constant === null ? 'CAST(NULL AS DOUBLE)' : `CAST(${Number(t.constant)} AS DOUBLE)`;
}

function numberOk(spec: MetricsCsvSpec, target: MetricTarget): string {
  const c = column(spec, target);
  if (!c) return 'true';
  const form = c.numeric || c.type === 'DOUBLE' ? '' : `regexp_full_match(${c.name}, ${NUMBER_TEXT}) AND `;
  return `(${c.name} IS NULL OR (${form}isfinite(${number(spec, target)})))`;
}

function dayOk(spec: MetricsCsvSpec, day: string): string {
  const c = column(spec, 'date');
  // A DATE day column needs no check: the export filters on it and hands each row to its own
  // day (ColumnarExport.copyDays), and leaving the column out spares parsing it.
  if (c?.type === 'DATE') return 'true';
  return `left(${text(spec, 'date')}, 10) = ${literal(day)}`;
}

/**
 * Whether a row passes every rule it decides alone (NULL when a rule cannot tell, which a
 * WHERE treats as false): the column rules, and a value — metric_value, or both numerator
 * and denominator; a numerator without a denominator is a ratio row missing its denominator
 * (MetricsMapper's rowValueProblem).
 */
export function rowRules(spec: MetricsCsvSpec, day: string): string {
  const declared = spec.idTypes.length ? spec.idTypes.map(literal).join(', ') : 'NULL';
  const [unit, idType, name] = (['unit_id', 'id_type', 'metric_name'] as const).map((t) => text(spec, t));
  const [value, num, den] = (['metric_value', 'numerator', 'denominator'] as const).map((t) => number(spec, t));
  // id_type needs no escape check: an escaped text never equals a declared id type as such.
  const columns = `${unit} <> ''${unescaped(spec, 'unit_id')} AND ${idType} IN (${declared}) AND ${dayOk(spec, day)} AND ${name} <> ''${unescaped(spec, 'metric_name')} AND strlen(${name}) <= 127 AND ${(['metric_value', 'numerator', 'denominator'] as const).map((t) => numberOk(spec, t)).join(' AND ')}`;
  const values = `((${num} IS NOT NULL AND ${den} IS NOT NULL) OR (${value} IS NOT NULL AND ${num} IS NULL))`;
  return `${columns} AND ${values}`;
}

/** The rows rowRules does not accept for certain (NULL-safe). */
export function rowNotOk(spec: MetricsCsvSpec, day: string): string {
  return `NOT coalesce(${rowRules(spec, day)}, false)`;
}

/** The metrics columns of a row accepted outright, after ingestion and date. */
export function acceptedColumns(spec: MetricsCsvSpec): string {
  const [unit, idType, name] = (['unit_id', 'id_type', 'metric_name'] as const).map((t) => text(spec, t));
  const [value, num, den] = (['metric_value', 'numerator', 'denominator'] as const).map((t) => number(spec, t));
  return `${unit}, ${idType}, ${name}, ${value}, ${num}, ${den}`;
}

/**
 * The exported columns as the row path's checks read them: text, with DATE columns back as `YYYY-MM-DD` (DOUBLE
 * columns come back as numbers). `omittedDay`: the relation leaves out the day column (a text file of a day whose
 * day column is a DATE, see MetricsCsvSpec.filesOmitDay), whose text is that day.
 */
export function rawColumns(spec: MetricsCsvSpec, omittedDay?: string): string {
  return spec.columnTypes
    .map((t, i) => {
      if (i === 0 && omittedDay !== undefined) return literal(omittedDay);
      return t === 'DATE' ? `strftime(c${i}, '%Y-%m-%d')` : `c${i}`;
    })
    .join(', ');
}

/** A row's metric name and exported columns (`raw`: rawColumns), for rows accepted outright without a denominator. */
export function valueOnlyColumns(spec: MetricsCsvSpec, raw: string): { select: string; where: string } {
  return {
    select: `${text(spec, 'metric_name')} AS wharf_metric, ${raw}`,
    where: `${number(spec, 'denominator')} IS NULL`,
  };
}
