/**
 * With `format: JSON_ARRAY`, Databricks returns every value as a string (or null) and each
 * column's `type_name` in the manifest. This turns them into the connector contract's values.
 */
import { textValue, type ColumnInfo, type LogicalType, type RowValue } from '@wharf/framework';

const TYPES: Record<string, LogicalType> = {
  STRING: 'string',
  CHAR: 'string',
  VARCHAR: 'string',
  BYTE: 'integer',
  TINYINT: 'integer',
  SHORT: 'integer',
  SMALLINT: 'integer',
  INT: 'integer',
  INTEGER: 'integer',
  LONG: 'integer',
  BIGINT: 'integer',
  FLOAT: 'double',
  DOUBLE: 'double',
  DECIMAL: 'double',
  BOOLEAN: 'boolean',
  DATE: 'date',
  TIMESTAMP: 'timestamp',
  TIMESTAMP_NTZ: 'timestamp',
  ARRAY: 'json',
  MAP: 'json',
  STRUCT: 'json',
  VARIANT: 'json',
  JSON: 'json',
};

export interface ManifestColumn {
  name: string;
  type_name?: string;
  type_text?: string;
}

export function columnInfo(column: ManifestColumn): ColumnInfo {
  const typeName = (column.type_name ?? 'STRING').toUpperCase();
  return { name: column.name, type: TYPES[typeName] ?? 'other', nativeType: column.type_text ?? typeName };
}

export function parseValue(text: string | null | undefined, column: ColumnInfo): RowValue {
  return textValue(text, column, readTimestamp);
}

/** TIMESTAMP comes with a zone designator; TIMESTAMP_NTZ without one and is read as UTC. */
function readTimestamp(text: string): Date {
  return new Date(/(Z|[+-]\d{2}:?\d{2})$/.test(text) ? text : `${text.replace(' ', 'T')}Z`);
}
