/** The warehouse's column types and wire values → the connector contract (see RowValue in @wharf/framework). */
import { integerValue, type ColumnInfo, type LogicalType, type RowValue } from '@wharf/framework';

const LOGICAL: Record<string, LogicalType> = {
  string: 'string',
  integer: 'integer',
  double: 'double',
  boolean: 'boolean',
  date: 'date',
  timestamp: 'timestamp',
  json: 'json',
};

export function columnInfo(column: { name: string; type: string }): ColumnInfo {
  return { name: column.name, type: LOGICAL[column.type] ?? 'other', nativeType: column.type };
}

/** One wire value as the row's value (see RowValue): JSON and text columns stay the API's text. */
export function toValue(value: unknown, type: LogicalType): RowValue {
  if (value === null || value === undefined) return null;
  if (type === 'integer') return integerValue(value as string);
  if (type === 'double') return Number(value);
  if (type === 'timestamp') return new Date(value as string);
  return value as RowValue;
}
