/**
 * How the Snowflake protocol fake encodes DuckDB results in Snowflake's JSON result format:
 * a `rowtype` entry per column and every value as text (numbers as digits, DATE as days since
 * the epoch, timestamps as epoch seconds with nine fractional digits, TIMESTAMP_TZ followed by
 * its offset index, TIME as seconds since midnight, BINARY as upper-case hex, booleans as 1/0,
 * VARIANT as JSON text), as snowflake-sdk expects.
 */

/** One column of Snowflake's `rowtype`. */
export interface RowType {
  name: string;
  type: string;
  scale: number | null;
  precision: number | null;
  length: number | null;
  byteLength: number | null;
  nullable: boolean;
  database: string;
  schema: string;
  table: string;
  collation: null;
}

/** A result column: its rowtype, the SQL producing its wire text, and a text post-step. */
export interface WireColumn {
  rowType: RowType;
  /** DuckDB expression (over column reference `ref`) yielding the value's wire text. */
  select(ref: string): string;
  /** Final touch in JS, for encodings SQL cannot do simply (timestamps). */
  finish?(text: string): string;
}

function rowType(name: string, type: string, scale: number | null = null, precision: number | null = null): RowType {
  const text = type === 'text' || type === 'variant';
  return {
    name,
    type,
    scale,
    precision,
    length: text ? 16_777_216 : null,
    byteLength: text ? 16_777_216 : null,
    nullable: true,
    database: '',
    schema: '',
    table: '',
    collation: null,
  };
}

/** Epoch microseconds → `seconds.fffffffff`, floor-divided so pre-1970 instants stay right. */
export function epochMicrosToSeconds(text: string): string {
  const micros = BigInt(text);
  let seconds = micros / 1_000_000n;
  if (micros < 0n && seconds * 1_000_000n !== micros) seconds -= 1n;
  const fraction = micros - seconds * 1_000_000n;
  return `${seconds}.${fraction.toString().padStart(6, '0')}000`;
}

const INTEGER_TYPES = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT)$/;

/** The wire encoding for a DuckDB column of type `duckType`. */
export function wireColumn(name: string, duckType: string): WireColumn {
  const decimal = /^DECIMAL\((\d+),(\d+)\)$/.exec(duckType);
  if (INTEGER_TYPES.test(duckType))
    return { rowType: rowType(name, 'fixed', 0, 38), select: (ref) => `CAST(${ref} AS VARCHAR)` };
  if (decimal) {
    return {
      rowType: rowType(name, 'fixed', Number(decimal[2]), Number(decimal[1])),
      select: (ref) => `CAST(${ref} AS VARCHAR)`,
    };
  }
  switch (duckType) {
    case 'DOUBLE':
    case 'FLOAT':
      return {
        rowType: rowType(name, 'real'),
        select: (ref) =>
          `CASE WHEN isnan(${ref}) THEN 'NaN' WHEN isinf(${ref}) AND ${ref} > 0 THEN 'inf' WHEN isinf(${ref}) THEN '-inf' ELSE CAST(${ref} AS VARCHAR) END`,
      };
    case 'DATE':
      return { rowType: rowType(name, 'date'), select: (ref) => `CAST(${ref} - DATE '1970-01-01' AS VARCHAR)` };
    case 'TIMESTAMP':
      return {
        rowType: rowType(name, 'timestamp_ntz', 9),
        select: (ref) => `CAST(epoch_us(${ref}) AS VARCHAR)`,
        finish: epochMicrosToSeconds,
      };
    case 'TIMESTAMP WITH TIME ZONE':
      // Result version 1: "<epoch seconds> <offset index>", where index 1440 is UTC.
      return {
        rowType: rowType(name, 'timestamp_tz', 9),
        select: (ref) => `CAST(epoch_us(${ref}) AS VARCHAR)`,
        finish: (text) => `${epochMicrosToSeconds(text)} 1440`,
      };
    case 'BOOLEAN':
      return {
        rowType: rowType(name, 'boolean'),
        select: (ref) => `CASE WHEN ${ref} IS NULL THEN NULL WHEN ${ref} THEN '1' ELSE '0' END`,
      };
    case 'TIME':
      return {
        rowType: rowType(name, 'time', 9),
        select: (ref) => `CAST(epoch_us(DATE '1970-01-01' + ${ref}) AS VARCHAR)`,
        finish: epochMicrosToSeconds,
      };
    case 'BLOB':
      return { rowType: rowType(name, 'binary'), select: (ref) => `upper(hex(${ref}))` };
    case 'JSON':
      return { rowType: rowType(name, 'variant'), select: (ref) => `CAST(${ref} AS VARCHAR)` };
    default:
      return { rowType: rowType(name, 'text'), select: (ref) => `CAST(${ref} AS VARCHAR)` };
  }
}
