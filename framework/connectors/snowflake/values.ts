/**
 * Turns snowflake-sdk result values into RowValues. Numbers and JSON are fetched as strings
 * (`fetchAsString`) so 64-bit integers and special doubles survive exactly; the rest is
 * converted from the driver's own objects.
 */
import { integerValue } from '../shared/text-values.js';
import type { ColumnInfo, LogicalType, Row, RowValue } from '../types.js';

/** The part of snowflake-sdk's Column this module needs. */
export interface SnowflakeColumn {
  getName(): string;
  getType(): string;
  getScale(): number;
}

// BINARY, TIME and the geospatial types are strings on the row path (convert), so mappings read them as text.
const TYPES: Record<string, LogicalType> = {
  real: 'double',
  text: 'string',
  binary: 'string',
  time: 'string',
  geography: 'string',
  geometry: 'string',
  date: 'date',
  timestamp_ntz: 'timestamp',
  timestamp_ltz: 'timestamp',
  timestamp_tz: 'timestamp',
  boolean: 'boolean',
  variant: 'json',
  object: 'json',
  array: 'json',
};

/** The engine's view of a Snowflake column type (FIXED with scale 0 is an integer). */
export function logicalType(column: SnowflakeColumn): LogicalType {
  const type = column.getType();
  if (type === 'fixed') return column.getScale() > 0 ? 'double' : 'integer';
  return TYPES[type] ?? 'other';
}

/** A result column as `describe` reports it. */
export function columnInfo(column: SnowflakeColumn): ColumnInfo {
  const scale = column.getType() === 'fixed' ? `(${column.getScale()})` : '';
  return { name: column.getName(), type: logicalType(column), nativeType: `${column.getType().toUpperCase()}${scale}` };
}

const SPECIAL_DOUBLES: Record<string, number> = {
  nan: Number.NaN,
  inf: Number.POSITIVE_INFINITY,
  '+inf': Number.POSITIVE_INFINITY,
  infinity: Number.POSITIVE_INFINITY,
  '-inf': Number.NEGATIVE_INFINITY,
  '-infinity': Number.NEGATIVE_INFINITY,
};

/** A Snowflake FLOAT's text ('1.5', 'NaN', 'inf', '-inf') as a number. */
export function parseDouble(text: string): number {
  return SPECIAL_DOUBLES[text.toLowerCase()] ?? Number(text);
}

function convert(value: unknown, type: LogicalType, column: SnowflakeColumn): RowValue {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'integer':
      return integerValue(String(value));
    case 'double':
      return column.getType() === 'real' ? parseDouble(String(value)) : Number(value);
    case 'date':
      return (value as Date).toISOString().slice(0, 10);
    case 'timestamp':
      return new Date((value as Date).getTime());
    case 'string':
      // A BINARY comes as a Buffer: its lower-case hex.
      return Buffer.isBuffer(value) ? value.toString('hex') : (value as string);
    case 'other':
      return Buffer.isBuffer(value) ? value.toString('hex') : String(value);
    default:
      return value as RowValue;
  }
}

/** Builds a converter for rows of a result with these columns. */
export function rowConverter(columns: SnowflakeColumn[]): (raw: Record<string, unknown>) => Row {
  const plan = columns.map((column) => ({ column, name: column.getName(), type: logicalType(column) }));
  return (raw) => {
    const row: Row = {};
    for (const { column, name, type } of plan) row[name] = convert(raw[name], type, column);
    return row;
  };
}
