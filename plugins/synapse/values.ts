/**
 * mssql/tedious values → the connector contract: BIGINT arrives as a string (to keep
 * precision) and becomes a number or bigint; DATE arrives as a UTC-midnight Date and becomes
 * an ISO date; DATETIME2 (read as UTC) and DATETIMEOFFSET are Dates already.
 */
import { integerValue, type ColumnInfo, type LogicalType, type RowValue } from '@wharf/framework';

const TYPES: Record<string, LogicalType> = {
  varchar: 'string',
  nvarchar: 'string',
  char: 'string',
  nchar: 'string',
  text: 'string',
  ntext: 'string',
  uniqueidentifier: 'string',
  tinyint: 'integer',
  smallint: 'integer',
  int: 'integer',
  bigint: 'integer',
  float: 'double',
  real: 'double',
  decimal: 'double',
  numeric: 'double',
  money: 'double',
  smallmoney: 'double',
  bit: 'boolean',
  date: 'date',
  datetime: 'timestamp',
  datetime2: 'timestamp',
  smalldatetime: 'timestamp',
  datetimeoffset: 'timestamp',
};

/** mssql describes a column's type as a function carrying its `declaration` (e.g. `bigint`). */
export function columnInfo(name: string, type: unknown): ColumnInfo {
  const declaration = String((type as { declaration?: string } | undefined)?.declaration ?? 'unknown').toLowerCase();
  return { name, type: TYPES[declaration] ?? 'other', nativeType: declaration };
}

export function normalize(value: unknown, column: ColumnInfo): RowValue {
  if (value === null || value === undefined) return null;
  if (column.type === 'integer' && (typeof value === 'string' || typeof value === 'number')) return integerValue(value);
  if (column.type === 'date' && value instanceof Date) return value.toISOString().slice(0, 10);
  if (Buffer.isBuffer(value)) return value.toString('base64');
  return value as RowValue;
}
