/**
 * DuckDB result values → Wharf's normalized JS values (the same as connectors produce, see
 * RowValue in connectors/types.ts): safe integers as numbers, larger ones as bigint, DATE as
 * 'YYYY-MM-DD', timestamps as Date.
 */
import type { DuckDBResultReader, DuckDBValueConverter, JS } from '@duckdb/node-api';
import {
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBMapType,
  DuckDBMapValue,
  DuckDBTimestampMillisecondsValue,
  DuckDBTimestampSecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  DuckDBTypeId,
  JSDuckDBValueConverter,
} from './duckdb-api.js';

/**
 * A source's values as JavaScript values: JSDuckDBValueConverter's, except that a DECIMAL
 * becomes the double nearest its exact value (`Number` of its exact text), which the bulk
 * export reproduces from the same text (DuckDB's own conversion of a DECIMAL whose digits
 * exceed a double's, through a 128-bit integer, can round twice, which no text gives back);
 * that a STRUCT, MAP, LIST or ARRAY becomes plain JSON data (nestedValue); and that a TIME,
 * INTERVAL, BIT or BLOB is its text, as inside a nested value (the client's own values are a
 * count of microseconds, an object, bytes, which JSON writes as an object of numbers).
 */
export const SOURCE_VALUE_CONVERTER: DuckDBValueConverter<JS> = (value, type, converter) => {
  if (value instanceof DuckDBDecimalValue) return Number(value.toString());
  if (NESTED_TYPES.has(type.typeId)) return nestedValue(value, type, nestedValue);
  if (value !== null && TEXT_TYPES.has(type.typeId)) return String(value);
  return JSDuckDBValueConverter(value, type, converter);
};

/**
 * Types whose value is the client's text of it: DuckDB's own (`12:34:56.5`, `1 day
 * 02:00:00`, `0101`), but for a blob, whose text leaves a backslash as it is (`\x00` escapes
 * for the rest). The bulk export writes the same text (connectors/shared/nested-json-sql.ts,
 * CLIENT_TEXT_TYPES, by type name).
 */
const TEXT_TYPES = new Set([
  DuckDBTypeId.TIME,
  DuckDBTypeId.TIME_NS,
  DuckDBTypeId.TIME_TZ,
  DuckDBTypeId.INTERVAL,
  DuckDBTypeId.BIT,
  DuckDBTypeId.BLOB,
]);

/** Whether a type's row-path value is the client's text of it (TEXT_TYPES). */
export const isClientTextTypeId = (typeId: DuckDBTypeId): boolean => TEXT_TYPES.has(typeId);

const NESTED_TYPES = new Set([DuckDBTypeId.STRUCT, DuckDBTypeId.MAP, DuckDBTypeId.LIST, DuckDBTypeId.ARRAY]);
/** Members JSDuckDBValueConverter already gives as JSON data (a number, a string or a boolean). */
const JSON_MEMBER_TYPES = new Set([
  DuckDBTypeId.BOOLEAN,
  DuckDBTypeId.TINYINT,
  DuckDBTypeId.SMALLINT,
  DuckDBTypeId.INTEGER,
  DuckDBTypeId.UTINYINT,
  DuckDBTypeId.USMALLINT,
  DuckDBTypeId.UINTEGER,
  DuckDBTypeId.FLOAT,
  DuckDBTypeId.DOUBLE,
  DuckDBTypeId.VARCHAR,
  DuckDBTypeId.ENUM,
  DuckDBTypeId.UUID,
]);
const WIDE_INTEGER_TYPES = new Set([
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.UBIGINT,
  DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UHUGEINT,
  DuckDBTypeId.BIGNUM,
]);
const TIMESTAMP_TYPES = new Set([
  DuckDBTypeId.TIMESTAMP,
  DuckDBTypeId.TIMESTAMP_S,
  DuckDBTypeId.TIMESTAMP_MS,
  DuckDBTypeId.TIMESTAMP_NS,
  DuckDBTypeId.TIMESTAMP_TZ,
]);

/**
 * A nested value, or a member of one, as plain JSON data, which is what the events contract
 * reads (a user object, metadata of strings) and JSON.stringify writes: a MAP as an object of
 * its keys' text, as JSON writes a map (DuckDB's `to_json` too), not a list of key and value
 * pairs (a MAP(VARCHAR, VARCHAR) of event properties, as parquet files from Spark hold them,
 * is then the JSON object the contract asks for); a timestamp as ISO text, as JSON.stringify
 * writes a Date (not the Date, whose own text depends on the machine's time zone); a DATE as
 * DuckDB writes it (dateText); a 64-bit or wider integer as a number when a double holds it
 * exactly, else as its digits (JSON.stringify writes no bigint); a DECIMAL as the row's
 * DECIMALs are; anything else (a TIME, an INTERVAL, a blob) as the client's text of it, as at
 * the top (TEXT_TYPES).
 */
const nestedValue: DuckDBValueConverter<JS> = (value, type, converter) => {
  if (value === null) return null;
  if (type instanceof DuckDBMapType && value instanceof DuckDBMapValue) {
    const entries = value.entries.map((e) => [
      String(converter(e.key, type.keyType, converter)),
      converter(e.value, type.valueType, converter),
    ]);
    return Object.fromEntries(entries) as JS;
  }
  if (NESTED_TYPES.has(type.typeId) || JSON_MEMBER_TYPES.has(type.typeId))
    return JSDuckDBValueConverter(value, type, converter);
  if (value instanceof DuckDBDecimalValue) return Number(value.toString());
  if (value instanceof DuckDBDateValue) return dateText(value);
  if (WIDE_INTEGER_TYPES.has(type.typeId)) {
    const wide = JSDuckDBValueConverter(value, type, converter) as bigint;
    return Number.isSafeInteger(Number(wide)) ? Number(wide) : wide.toString();
  }
  if (TIMESTAMP_TYPES.has(type.typeId)) {
    const date = dateOf(() => JSDuckDBValueConverter(value, type, converter) as Date);
    if (date) return date.toISOString();
    const micros = finiteMicros(value);
    if (micros !== null) return farTimestampText(micros, value instanceof DuckDBTimestampTZValue);
  }
  // An infinite timestamp's text is `infinity`; a TIME's `HH:MM:SS`.
  return String(value);
};

/**
 * A DATE as DuckDB writes it (and `to_json`): `YYYY-MM-DD`, `YYYY-MM-DD (BC)` before year 1,
 * `infinity`. The client's own text writes year 0 (1 BC) as `0000` and the infinities as
 * the dates they are stored as.
 */
function dateText(date: DuckDBDateValue): string {
  if (!date.isFinite) return date.days > 0 ? 'infinity' : '-infinity';
  const text = date.toString();
  return text.startsWith('0000-') ? `0001${text.slice(4)} (BC)` : text;
}

/** A finite TIMESTAMP, TIMESTAMPTZ, TIMESTAMP_S or TIMESTAMP_MS in microseconds (null: infinite, or another type). */
function finiteMicros(value: unknown): bigint | null {
  if (value instanceof DuckDBTimestampValue || value instanceof DuckDBTimestampTZValue)
    return value.isFinite ? value.micros : null;
  if (value instanceof DuckDBTimestampSecondsValue) return value.isFinite ? value.seconds * 1_000_000n : null;
  if (value instanceof DuckDBTimestampMillisecondsValue) return value.isFinite ? value.millis * 1000n : null;
  return null;
}

const MICROS_PER_DAY = 86_400_000_000n;

/**
 * A timestamp beyond a Date's range as DuckDB writes it (`294246-01-10 04:00:54.775806`, the
 * fraction without trailing zeros, `+00` for a TIMESTAMPTZ in the sources' UTC): the client's
 * own text of such a value is off in the microseconds, and a TIMESTAMPTZ's is in the process's
 * zone.
 */
function farTimestampText(micros: bigint, utc: boolean): string {
  let days = micros / MICROS_PER_DAY;
  let rest = micros % MICROS_PER_DAY;
  if (rest < 0n) {
    days -= 1n;
    rest += MICROS_PER_DAY;
  }
  const part = (n: bigint, width: number) => n.toString().padStart(width, '0');
  const seconds = rest / 1_000_000n;
  const fraction = part(rest % 1_000_000n, 6).replace(/0+$/, '');
  const time = `${part(seconds / 3600n, 2)}:${part((seconds / 60n) % 60n, 2)}:${part(seconds % 60n, 2)}`;
  return `${dateText(new DuckDBDateValue(Number(days)))} ${time}${fraction ? `.${fraction}` : ''}${utc ? '+00' : ''}`;
}

/** The Date of a timestamp, or null beyond a Date's range (DuckDB's converter throws for `infinity`). */
function dateOf(convert: () => Date): Date | null {
  try {
    const date = convert();
    return Number.isNaN(date.getTime()) ? null : date;
  } catch {
    return null;
  }
}

export function normalizeDuckDBValue(value: unknown, typeId: DuckDBTypeId): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value;
  }
  if (typeId === DuckDBTypeId.DATE && value instanceof Date) return value.toISOString().slice(0, 10);
  return value;
}

/** All rows of a reader as objects with normalized values. */
export function readerRows<T>(reader: DuckDBResultReader): T[] {
  const typeIds = reader.columnNames().map((_, i) => reader.columnTypeId(i));
  const names = reader.columnNames();
  return reader.getRowsJS().map((row) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) out[names[i]] = normalizeDuckDBValue(row[i], typeIds[i]);
    return out as T;
  });
}
