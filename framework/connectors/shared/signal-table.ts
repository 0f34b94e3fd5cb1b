/**
 * Reading a `finished_date` signal table (seeds: a dataset with the single column
 * `finished_date`; every day up to its latest value is complete).
 */
import { WharfError } from '../../diagnostics/errors.js';
import type { RowValue } from '../types.js';

/** Dotted, optionally quoted table names only: the name comes from config, not from data. */
const TABLE_NAME = /^[A-Za-z0-9_$`".-]+$/;

/** The query for the latest finished date of `table`, checked so a typo cannot become SQL. */
export function latestFinishedDateQuery(sourceName: string, table: string | undefined): string {
  if (!table || !TABLE_NAME.test(table)) {
    throw new WharfError(
      `Source '${sourceName}': the signal table ${table ? `'${table}' is not a table name` : 'is missing'}.`,
      {
        code: 'signal.table-name',
        errorClass: 'config',
        hint: "Set the signal schedule's `table` to a (schema-qualified) table with a `finished_date` column.",
      },
    );
  }
  return `SELECT MAX(finished_date) AS wharf_latest FROM ${table}`;
}

/** The latest date as `YYYY-MM-DD`, from a DATE (already normalized), timestamp or text value. */
export function finishedDateOf(value: RowValue | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  const text = String(value);
  return /^\d{4}-\d{2}-\d{2}/.test(text) ? text.slice(0, 10) : null;
}
