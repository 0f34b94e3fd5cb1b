/**
 * Athena returns every value as text (`VarCharValue`, absent for NULL) with the column's type
 * in the result metadata. This turns them into the connector contract's values.
 */
import { textValue, WharfError, type ColumnInfo, type LogicalType, type RowValue } from '@wharf/framework';

const INTEGER = /^(tinyint|smallint|integer|int|bigint)$/;
const DOUBLE = /^(double|float|real|decimal.*)$/;

export function logicalType(athenaType: string): LogicalType {
  const t = athenaType.toLowerCase();
  if (INTEGER.test(t)) return 'integer';
  if (DOUBLE.test(t)) return 'double';
  if (t === 'boolean') return 'boolean';
  if (t === 'date') return 'date';
  if (t.startsWith('timestamp')) return 'timestamp';
  if (t === 'json') return 'json';
  if (t === 'varchar' || t.startsWith('char') || t === 'string') return 'string';
  return 'other';
}

export function columnInfo(name: string, athenaType: string): ColumnInfo {
  return { name, type: logicalType(athenaType), nativeType: athenaType };
}

export function parseValue(text: string | undefined, column: ColumnInfo): RowValue {
  return textValue(text, column, parseTimestamp);
}

/** `2022-06-20 08:00:00.123` (UTC) or `2022-06-20 08:00:00.123 UTC` / `... +02:00` / `... Europe/Berlin`. */
function parseTimestamp(text: string): Date {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)\s*(.*)$/.exec(text);
  if (!m) return new Date(text);
  const [, date, time, zone] = m;
  const millis = time.replace(/(\.\d{3})\d+$/, '$1');
  if (zone === '' || zone === 'UTC' || zone === 'Z') return new Date(`${date}T${millis}Z`);
  if (/^[+-]\d{2}:?\d{2}$/.test(zone)) return new Date(`${date}T${millis}${zone}`);
  throw new WharfError(`Cannot read the Athena timestamp '${text}': only UTC and numeric offsets are supported.`, {
    code: 'athena.timestamp-zone',
    errorClass: 'query',
    hint: 'Cast the column to a UTC timestamp in the query.',
  });
}
