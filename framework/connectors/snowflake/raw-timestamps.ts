/**
 * Timestamps of the export's thread without snowflake-sdk's Date per value. The SDK turns each
 * TIMESTAMP's wire text (epoch seconds with the column's fraction digits, `<seconds>.<fraction>`,
 * TIMESTAMP_TZ followed by a space and its zone index) into a BigNumber, an SfTimestamp, a moment
 * and a Date with five closures, kept in the chunk until the next chunk: most of the thread's
 * CPU and of its heap for events. The export needs only the Date's milliseconds, floored like
 * the SDK's (whole seconds floored, then the fraction's milliseconds truncated), which the wire
 * text gives directly. Text of any other shape (TIMESTAMP_TZ of result version 0, where the zone
 * is folded into the number) and instants beyond a Date's range go to the SDK's own conversion.
 */

/** Epoch milliseconds of a timestamp's wire text, floored; null when the text is not of that shape. */
export function wireMillis(raw: string): number | null {
  const match = /^(-?)(\d{1,13})(?:\.(\d{1,9}))?(?: \d{1,4})?$/.exec(raw);
  if (!match) return null;
  const [, sign, whole, fraction = ''] = match;
  const ms = Number(whole) * 1000 + Number(fraction.slice(0, 3).padEnd(3, '0'));
  if (ms > 8.64e15) return null;
  if (sign === '') return ms;
  // Floored: below zero, digits past the milliseconds take it one further down.
  const past = /[1-9]/.test(fraction.slice(3)) ? 1 : 0;
  return ms === 0 && past === 0 ? 0 : -ms - past;
}

/** The part of an SDK result row the conversion reads: its wire values. */
interface WireRow {
  values?: unknown[];
}

/** The part of snowflake-sdk's Column the patch replaces (an internal of the SDK's result/column.js). */
interface SdkColumn {
  getIndex(): number;
  isTimestamp(): boolean;
  _getRowValue?: (row: WireRow) => unknown;
}

/**
 * Makes the statement's timestamp columns give their epoch milliseconds (a number) instead of a
 * Date, for the rows of this statement only. A column without the internals leaves the SDK's Date.
 */
export function millisForTimestamps(columns: unknown[]): void {
  for (const column of columns as SdkColumn[]) {
    const sdkValue = column._getRowValue;
    if (typeof sdkValue !== 'function' || !column.isTimestamp()) continue;
    const index = column.getIndex();
    column._getRowValue = function (row: WireRow): unknown {
      const raw = row.values?.[index];
      const ms = typeof raw === 'string' ? wireMillis(raw) : null;
      return ms ?? sdkValue.call(this, row);
    };
  }
}
