/**
 * DuckDB results → the connector contract's rows and column types (see RowValue): 64-bit
 * integers become numbers when they fit in 2^53, DATE becomes an ISO string, TIMESTAMP (read as
 * UTC) and TIMESTAMPTZ become Dates, JSON stays its text.
 */
import type { DuckDBDataChunk, DuckDBType } from '@duckdb/node-api';
import { SOURCE_VALUE_CONVERTER } from '../../util/duckdb-values.js';
import { logicalType } from '../duckdb/values.js';
import type { ColumnInfo, LogicalType, Row, RowValue } from '../types.js';

/** Column descriptions for a result's names and types, as the DuckDB source's. */
export function columnsOf(names: readonly string[], types: readonly DuckDBType[]): ColumnInfo[] {
  return names.map((name, i) => ({
    name,
    type: logicalType(types[i].typeId, types[i].alias?.toUpperCase()),
    nativeType: types[i].toString(),
  }));
}

/** The rows of one chunk. */
export function rowsOfChunk(chunk: DuckDBDataChunk, columns: readonly ColumnInfo[]): Row[] {
  const rows: Row[] = Array.from({ length: chunk.rowCount }, () => ({}));
  columns.forEach((column, c) => {
    const values = chunk.convertColumnValues(c, SOURCE_VALUE_CONVERTER);
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
