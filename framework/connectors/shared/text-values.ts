/**
 * Warehouses whose APIs send values as text (Athena, Databricks' JSON_ARRAY, HTTP SQL APIs)
 * and 64-bit integers as strings: one conversion into the connector contract's values, so
 * each plugin supplies only how its timestamps are written.
 */
import type { ColumnInfo, RowValue } from '../types.js';

/**
 * `text` as a number within the safe integer range, else as a bigint. A double's text of a whole
 * number past 10^21 has an exponent (the store hands a DOUBLE field back so): its exact value.
 */
export function integerValue(text: string | number): number | bigint {
  const big = typeof text === 'string' && /[eE]/.test(text) ? BigInt(Number(text)) : BigInt(text);
  return big <= BigInt(Number.MAX_SAFE_INTEGER) && big >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(big) : big;
}

/**
 * A text value (absent or null for SQL NULL) as the column's logical type; `readTimestamp` reads the warehouse's
 * timestamp text.
 */
export function textValue(
  text: string | null | undefined,
  column: ColumnInfo,
  readTimestamp: (text: string) => Date,
): RowValue {
  if (text === null || text === undefined) return null;
  switch (column.type) {
    case 'integer':
      return integerValue(text);
    case 'double':
      return Number(text);
    case 'boolean':
      return text === 'true';
    case 'timestamp':
      return readTimestamp(text);
    default:
      return text;
  }
}
