/**
 * DuckDB results → the connector contract's rows and column types (see RowValue): 64-bit
 * integers become numbers when they fit in 2^53, DATE becomes an ISO string, TIMESTAMP (read as
 * UTC) and TIMESTAMPTZ become Dates, JSON stays its text.
 */
import { DuckDBTypeId, JSDuckDBValueConverter, type DuckDBDataChunk, type DuckDBType } from '@duckdb/node-api';
import type { ColumnInfo, LogicalType, Row, RowValue } from '../types.js';

const INTEGER_TYPES = new Set<DuckDBTypeId>([
  DuckDBTypeId.TINYINT,
  DuckDBTypeId.SMALLINT,
  DuckDBTypeId.INTEGER,
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UTINYINT,
  DuckDBTypeId.USMALLINT,
  DuckDBTypeId.UINTEGER,
  DuckDBTypeId.UBIGINT,
  DuckDBTypeId.UHUGEINT,
]);
const DOUBLE_TYPES = new Set<DuckDBTypeId>([DuckDBTypeId.FLOAT, DuckDBTypeId.DOUBLE, DuckDBTypeId.DECIMAL]);
const TIMESTAMP_TYPES = new Set<DuckDBTypeId>([
  DuckDBTypeId.TIMESTAMP,
  DuckDBTypeId.TIMESTAMP_S,
  DuckDBTypeId.TIMESTAMP_MS,
  DuckDBTypeId.TIMESTAMP_NS,
  DuckDBTypeId.TIMESTAMP_TZ,
]);

/** The engine's type for a DuckDB column type. */
export function logicalTypeOf(type: DuckDBType): LogicalType {
  if (type.alias?.toUpperCase() === 'JSON') return 'json';
  if (type.typeId === DuckDBTypeId.VARCHAR || type.typeId === DuckDBTypeId.ENUM || type.typeId === DuckDBTypeId.UUID)
    return 'string';
  if (INTEGER_TYPES.has(type.typeId)) return 'integer';
  if (DOUBLE_TYPES.has(type.typeId)) return 'double';
  if (type.typeId === DuckDBTypeId.BOOLEAN) return 'boolean';
  if (type.typeId === DuckDBTypeId.DATE) return 'date';
  if (TIMESTAMP_TYPES.has(type.typeId)) return 'timestamp';
  if (type.typeId === DuckDBTypeId.STRUCT || type.typeId === DuckDBTypeId.MAP || type.typeId === DuckDBTypeId.LIST)
    return 'json';
  return 'other';
}

/** Column descriptions for a result's names and types. */
export function columnsOf(names: readonly string[], types: readonly DuckDBType[]): ColumnInfo[] {
  return names.map((name, i) => ({ name, type: logicalTypeOf(types[i]), nativeType: types[i].toString() }));
}

/** The rows of one chunk. */
export function rowsOfChunk(chunk: DuckDBDataChunk, columns: readonly ColumnInfo[]): Row[] {
  const rows: Row[] = Array.from({ length: chunk.rowCount }, () => ({}));
  columns.forEach((column, c) => {
    const values = chunk.convertColumnValues(c, JSDuckDBValueConverter);
    for (let r = 0; r < rows.length; r++) rows[r][column.name] = normalize(values[r], column.type);
  });
  return rows;
}

function normalize(value: unknown, type: LogicalType): RowValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value;
  }
  if (type === 'date' && value instanceof Date) return value.toISOString().slice(0, 10);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return value as RowValue;
}
