/** Parameter values that DuckDB and PostgreSQL read the same way. */

/** A UTC instant as `YYYY-MM-DD HH:MM:SS.mmm`, for `CAST($n AS TIMESTAMP)` on either store. */
export function timestampParam(instant: Date): string {
  return instant.toISOString().replace('T', ' ').replace('Z', '');
}

/** A TIMESTAMP column value (a Date from either store) as an ISO string. */
export function isoOf(value: unknown): string {
  return value instanceof Date ? value.toISOString() : new Date(`${String(value).replace(' ', 'T')}Z`).toISOString();
}
