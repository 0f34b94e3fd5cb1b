/**
 * RECORD and REPEATED cells on the columnar path: each travels as the JSON text of the row
 * path's value (cellValue), which the store reads as a JSON column and the row path's checks,
 * for the rows that need them, read back with nestedJsonValue.
 *
 * JSON has no NaN or infinities, which a FLOAT64 member may hold (the row path keeps them as
 * numbers, and writes them as their names). Such a number travels as `{"\u0000":"NaN"}`, an
 * object no RECORD spells (BigQuery's field names hold no control character); its escape
 * sends the row to the row path's checks, where nestedJsonValue turns it back into the number.
 */
import { cellValue, type BigQueryField } from './values.js';

const SPECIAL_KEY = '\u0000';
const FLOAT_TYPES = new Set(['FLOAT', 'FLOAT64']);

const hasFloatMember = (field: BigQueryField): boolean =>
  FLOAT_TYPES.has(field.type) || (field.fields ?? []).some(hasFloatMember);

function specialNumbers(_key: string, value: unknown): unknown {
  // (A -0 is written 0, as String and JSON.stringify write it everywhere the row path's value goes.)
  return typeof value === 'number' && !Number.isFinite(value) ? { [SPECIAL_KEY]: String(value) } : value;
}

/** The JSON text of a RECORD or REPEATED field's (non-null) cells. */
export function nestedJsonText(field: BigQueryField): (value: unknown) => string {
  // The replacer costs a call per member: only fields that can hold such a number pay it.
  const replacer = hasFloatMember(field) ? specialNumbers : undefined;
  return (value) => JSON.stringify(cellValue(value, field), replacer);
}

function revived(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  if (keys.length !== 1 || keys[0] !== SPECIAL_KEY) return value;
  return Number((value as Record<string, string>)[SPECIAL_KEY]);
}

/** A text of nestedJsonText back as the row path's value. */
export function nestedJsonValue(text: string): unknown {
  return text.includes('\\u0000') ? JSON.parse(text, revived) : JSON.parse(text);
}
