/**
 * DuckDB result values → Wharf's normalized JS values (the same as connectors produce, see
 * RowValue in connectors/types.ts): safe integers as numbers, larger ones as bigint, DATE as
 * 'YYYY-MM-DD', timestamps as Date.
 */
import {
  DuckDBDecimalValue,
  DuckDBMapType,
  DuckDBMapValue,
  DuckDBTypeId,
  JSDuckDBValueConverter,
  type DuckDBResultReader,
  type DuckDBValueConverter,
  type JS,
} from '@duckdb/node-api';

/**
 * A source's values as JavaScript values: JSDuckDBValueConverter's, except that a DECIMAL
 * becomes the double nearest its exact value (`Number` of its exact text), which the bulk
 * export reproduces from the same text (DuckDB's own conversion of a DECIMAL whose digits
 * exceed a double's, through a 128-bit integer, can round twice, which no text gives back);
 * and that a MAP becomes an object of its keys' text, as JSON writes a map (DuckDB's `to_json`
 * too), not a list of key and value pairs: a MAP(VARCHAR, VARCHAR) of event properties, as
 * parquet files from Spark hold them, is then the JSON object the events contract asks for.
 */
export const SOURCE_VALUE_CONVERTER: DuckDBValueConverter<JS> = (value, type, converter) => {
  if (value instanceof DuckDBDecimalValue) return Number(value.toString());
  if (value instanceof DuckDBMapValue && type instanceof DuckDBMapType) {
    const entries = value.entries.map((e) => [
      keyText(converter(e.key, type.keyType, converter)),
      converter(e.value, type.valueType, converter),
    ]);
    return Object.fromEntries(entries) as JS;
  }
  return JSDuckDBValueConverter(value, type, converter);
};

/** A map key as an object key: a timestamp as ISO text, as JSON.stringify writes a Date. */
const keyText = (key: JS): string => (key instanceof Date ? key.toISOString() : String(key));

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
