/**
 * The SQL of the columnar metrics load (see metric-csv-load.ts): the metrics rules written
 * as expressions over the CSV columns (`c0`, `c1`, …, all text), so DuckDB checks a whole
 * day at once. The checks are deliberately strict: a row they do not accept outright is not
 * rejected here but handed to the row path's own checks.
 */
import type { MetricsCsvSpec, MetricTarget } from '../types.js';

/** A SQL string literal. */
export const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** Number text as PostgreSQL writes it, the only form accepted here without the row path. */
const NUMBER_TEXT = literal('-?[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?');

function text(spec: MetricsCsvSpec, target: MetricTarget): string {
  const t = spec.targets[target];
  if ('column' in t) return `c${t.column}`;
  return t.constant === null ? 'CAST(NULL AS VARCHAR)' : literal(String(t.constant));
}

function number(spec: MetricsCsvSpec, target: MetricTarget): string {
  const t = spec.targets[target];
  if ('column' in t) return `TRY_CAST(c${t.column} AS DOUBLE)`;
  return t.constant === null ? 'CAST(NULL AS DOUBLE)' : `CAST(${Number(t.constant)} AS DOUBLE)`;
}

function numberOk(spec: MetricsCsvSpec, target: MetricTarget): string {
  const t = spec.targets[target];
  if (!('column' in t)) return 'true';
  const c = `c${t.column}`;
  const form = t.numeric ? '' : `regexp_full_match(${c}, ${NUMBER_TEXT}) AND `;
  return `(${c} IS NULL OR (${form}isfinite(TRY_CAST(${c} AS DOUBLE))))`;
}

/** Whether a row passes every column rule for certain (NULL-safe). */
export function columnsOk(spec: MetricsCsvSpec, day: string): string {
  const declared = spec.idTypes.length ? spec.idTypes.map(literal).join(', ') : 'NULL';
  const [unit, idType, date, name] = (['unit_id', 'id_type', 'date', 'metric_name'] as const).map((t) => text(spec, t));
  return `coalesce(${unit} <> '' AND ${idType} IN (${declared}) AND left(${date}, 10) = ${literal(day)} AND ${name} <> '' AND strlen(${name}) <= 127 AND ${(['metric_value', 'numerator', 'denominator'] as const).map((t) => numberOk(spec, t)).join(' AND ')}, false)`;
}

/** The checked columns of the rows accepted outright, with their row number. */
export function acceptedColumns(spec: MetricsCsvSpec): string {
  const [unit, idType, name] = (['unit_id', 'id_type', 'metric_name'] as const).map((t) => text(spec, t));
  const [value, num, den] = (['metric_value', 'numerator', 'denominator'] as const).map((t) => number(spec, t));
  return `rowid AS rn, ${unit} AS unit_id, ${idType} AS id_type, ${name} AS metric_name, ${value} AS metric_value, ${num} AS numerator, ${den} AS denominator`;
}

/**
 * The value rules over all rows whose columns passed: `kind` is `ok`, a row-time rule code,
 * or `moved` (accepted without a denominator before the metric showed itself a ratio, which
 * the row path moves to the rejects at the end of the day). Rows count in export order.
 */
export function classifiedSql(valid: string, firsts: string, ratioOnly: boolean): string {
  return `SELECT v.*, CASE
    WHEN numerator IS NOT NULL AND denominator IS NOT NULL THEN 'ok'
    WHEN denominator IS NULL AND (${ratioOnly} OR f.first_both < v.rn OR numerator IS NOT NULL) THEN 'denominator.null_in_ratio'
    WHEN metric_value IS NULL AND denominator IS NOT NULL THEN 'numerator.missing'
    WHEN metric_value IS NULL THEN 'metric_value.missing'
    WHEN denominator IS NULL AND f.first_both > v.rn THEN 'moved'
    ELSE 'ok' END AS kind
  FROM ${valid} v LEFT JOIN ${firsts} f USING (metric_name)`;
}

/** Per metric, the row number of its first row with both numerator and denominator (NULL: not a ratio). */
export function firstsSql(valid: string): string {
  return `SELECT metric_name, min(rn) FILTER (WHERE numerator IS NOT NULL AND denominator IS NOT NULL) AS first_both FROM ${valid} GROUP BY metric_name`;
}
