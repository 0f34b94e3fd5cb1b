/**
 * Turns BigQuery's raw `{f: [{v}]}` rows into RowValues using the result schema. Rows are
 * fetched unparsed (`skipParsing`) so INT64 beyond 2^53 and special FLOAT64 values survive;
 * TIMESTAMPs arrive as int64 microseconds (`formatOptions.useInt64Timestamp`).
 */
import { integerValue } from '../shared/text-values.js';
import type { ColumnInfo, LogicalType, Row, RowValue } from '../types.js';

/** A field of a BigQuery table schema (the REST API's TableFieldSchema). */
export interface BigQueryField {
  name: string;
  type: string;
  mode?: string;
  fields?: BigQueryField[];
}

/** A raw cell, as the REST API returns it. */
export interface RawCell {
  v: unknown;
}

const TYPES: Record<string, LogicalType> = {
  INTEGER: 'integer',
  INT64: 'integer',
  FLOAT: 'double',
  FLOAT64: 'double',
  NUMERIC: 'double',
  BIGNUMERIC: 'double',
  STRING: 'string',
  // Kept as the cell's text (base64, `12:34:56.789000`, WKT, …) on the row path.
  BYTES: 'string',
  TIME: 'string',
  GEOGRAPHY: 'string',
  INTERVAL: 'string',
  RANGE: 'string',
  BOOLEAN: 'boolean',
  BOOL: 'boolean',
  DATE: 'date',
  TIMESTAMP: 'timestamp',
  DATETIME: 'timestamp',
  JSON: 'json',
  RECORD: 'json',
  STRUCT: 'json',
};

/** The engine's view of a BigQuery field type (REPEATED and RECORD fields are JSON). */
export function logicalType(field: BigQueryField): LogicalType {
  if (field.mode === 'REPEATED') return 'json';
  return TYPES[field.type] ?? 'other';
}

/** A result field as `describe` reports it. */
export function columnInfo(field: BigQueryField): ColumnInfo {
  const nativeType = field.mode === 'REPEATED' ? `ARRAY<${field.type}>` : field.type;
  return { name: field.name, type: logicalType(field), nativeType };
}

/** A FLOAT64's text ('1.5', 'NaN', 'Infinity', '-Infinity') as a number. */
function parseDouble(text: string): number {
  return Number(text);
}

/** int64 microseconds since the epoch (or float seconds from older formats) as a Date. */
export function parseTimestamp(text: string): Date {
  if (/^-?\d+$/.test(text)) {
    const micros = BigInt(text);
    let millis = micros / 1000n;
    if (micros < 0n && millis * 1000n !== micros) millis -= 1n;
    return new Date(Number(millis));
  }
  return new Date(Number(text) * 1000);
}

/** A DATETIME ('2024-03-01T12:34:56.789000') read as UTC. */
export function parseDatetime(text: string): Date {
  return new Date(`${text.replace(' ', 'T').slice(0, 23)}Z`);
}

function scalar(value: string, field: BigQueryField): RowValue {
  switch (field.type) {
    case 'INTEGER':
    case 'INT64':
      return integerValue(value);
    case 'FLOAT':
    case 'FLOAT64':
    case 'NUMERIC':
    case 'BIGNUMERIC':
      return parseDouble(value);
    case 'BOOLEAN':
    case 'BOOL':
      return value === 'true';
    case 'TIMESTAMP':
      return parseTimestamp(value);
    case 'DATETIME':
      return parseDatetime(value);
    default:
      return value;
  }
}

/**
 * A RECORD or REPEATED cell, or a member of one, as plain JSON data: a TIMESTAMP or DATETIME
 * member as ISO text, an INT64 beyond 2^53 as its digits (JSON.stringify writes neither a
 * Date's own text nor a bigint).
 */
function jsonData(value: unknown, field: BigQueryField): unknown {
  if (value === null || value === undefined) return null;
  if (field.mode === 'REPEATED')
    return (value as RawCell[]).map((cell) => jsonData(cell.v, { ...field, mode: 'NULLABLE' }));
  if (field.type === 'RECORD' || field.type === 'STRUCT') {
    const cells = (value as { f: RawCell[] }).f;
    return Object.fromEntries(
      (field.fields ?? []).map((child, index) => [child.name, jsonData(cells[index]?.v, child)]),
    );
  }
  const result = scalar(String(value), field);
  return result instanceof Date ? result.toISOString() : typeof result === 'bigint' ? result.toString() : result;
}

/** A cell as the row path's value: a RECORD or REPEATED field as plain JSON data. */
export function cellValue(value: unknown, field: BigQueryField): unknown {
  if (value === null || value === undefined) return null;
  if (field.mode === 'REPEATED' || field.type === 'RECORD' || field.type === 'STRUCT') return jsonData(value, field);
  return scalar(String(value), field);
}

/** Builds a converter for raw rows of a result with this schema. */
export function rowConverter(fields: BigQueryField[]): (raw: { f: RawCell[] }) => Row {
  return (raw) => {
    const row: Row = {};
    fields.forEach((field, index) => {
      row[field.name] = cellValue(raw.f[index]?.v, field) as RowValue;
    });
    return row;
  };
}
