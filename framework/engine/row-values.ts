/** Small conversions of connector values (RowValue) shared by the map/validate stage. */
import type { Row, RowValue } from '../connectors/types.js';

/** A scalar as text: strings as they are, numbers/bigints/booleans converted, Dates as ISO. */
export function scalarText(value: RowValue): string | null | undefined {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString();
  return undefined;
}

/** A number from a numeric value or numeric text; undefined when it is not one. */
export function numeric(value: RowValue): number | null | undefined {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isNaN(n) ? undefined : n;
  }
  return undefined;
}

/** A JSON object from JSON text or an already-parsed object; a string describing the problem otherwise. */
export function jsonObject(value: RowValue): Record<string, unknown> | string {
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      return 'is not valid JSON';
    }
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed) || parsed instanceof Date) {
    return `is ${Array.isArray(parsed) ? 'an array' : parsed === null ? 'null' : `a ${typeof parsed}`}, not a JSON object`;
  }
  return parsed as Record<string, unknown>;
}

/** The row as received, as JSON (bigints as text, Dates as ISO), for the rejects table. */
export function rowJson(row: Row): string {
  try {
    return JSON.stringify(row, bigintsAsText);
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    // A value nested deeper than JSON.stringify can recurse (a JSON column 100,000 levels deep): kept as a marker,
    // the rest as received.
    return JSON.stringify(Object.fromEntries(Object.entries(row).map(([k, v]) => [k, storable(v)])), bigintsAsText);
  }
}

// JSON has no NaN or Infinity: keep them as their names rather than the null JSON.stringify writes.
const bigintsAsText = (_k: string, v: unknown) =>
  typeof v === 'bigint' ? v.toString() : typeof v === 'number' && !Number.isFinite(v) ? String(v) : v;

/** A row value JSON.stringify can write, or a marker for one nested too deeply. */
function storable(value: unknown): unknown {
  try {
    JSON.stringify(value, bigintsAsText);
    return value;
  } catch (err) {
    if (err instanceof RangeError) return '(a value nested too deeply to store)';
    throw err;
  }
}

/** A value quoted for a message, shortened when long (by characters, so no emoji is cut in half). */
export function shown(value: unknown): string {
  const text = typeof value === 'string' ? value : rowJson({ v: value as RowValue }).slice(5, -1);
  const chars = text.length > 60 ? Array.from(text) : undefined;
  return JSON.stringify(chars && chars.length > 60 ? `${chars.slice(0, 57).join('')}...` : text);
}
