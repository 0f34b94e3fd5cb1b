/**
 * How each kind of Snowflake column travels in the bulk export: the COPY text of the value
 * snowflake-sdk gives (numbers and JSON fetched as strings). Shared by the export's thread
 * (export-worker.ts), which writes the lines, and columnar.ts, which decides the kinds.
 */
import { copyEscape, type FieldText } from '../shared/text-rows.js';

export type FieldKind = 'string' | 'binary' | 'integer' | 'decimal' | 'real' | 'date' | 'timestamp' | 'boolean';

const SPECIAL_REAL: Record<string, string> = { nan: 'nan', inf: 'inf', '+inf': 'inf', infinity: 'inf' };

/** A REAL's text: numbers as sent, NaN and infinities in the spelling DuckDB reads ('nan', 'inf', '-inf'). */
function realText(value: unknown): string {
  const text = String(value);
  const last = text.charCodeAt(text.length - 1);
  if (last >= 48 && last <= 57) return text;
  const lower = text.toLowerCase();
  return lower.startsWith('-') ? `-${SPECIAL_REAL[lower.slice(1)] ?? lower.slice(1)}` : (SPECIAL_REAL[lower] ?? lower);
}

/** The field text of each kind, from the values snowflake-sdk gives (numbers and JSON fetched as strings). */
export const FIELD_TEXT: Record<FieldKind, FieldText> = {
  string: (v) => copyEscape(String(v)),
  // The row path's text of a BINARY (the driver's Buffer) is its lower-case hex.
  binary: (v) => (v as Buffer).toString('hex'),
  integer: (v) => String(v),
  decimal: (v) => String(v),
  real: realText,
  // The row path's text of a DATE (the driver's Date at UTC midnight).
  date: (v) => (v as Date).toISOString().slice(0, 10),
  // The row path keeps a timestamp as a Date: milliseconds (already a number: raw-timestamps.ts).
  timestamp: (v) => String(typeof v === 'number' ? v : (v as Date).getTime()),
  boolean: (v) => (v ? 'true' : 'false'),
};
