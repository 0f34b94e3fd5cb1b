/** Snowflake's spellings of the shared query shapes (see shared/sql-dialect.ts). */
import { quoteIfNeeded, type SqlDialect } from '../shared/sql-dialect.js';

/** UTC instant as a TIMESTAMP_TZ literal, millisecond precision. */
function timestampTz(instant: Date): string {
  return `'${instant.toISOString().replace('T', ' ').replace('Z', '+00:00')}'::TIMESTAMP_TZ`;
}

/**
 * Timestamp columns are compared as they are: the session runs with TIMEZONE = 'UTC', so a
 * TIMESTAMP_NTZ is read as UTC and TIMESTAMP_TZ/LTZ compare by instant.
 */
export const snowflakeDialect: SqlDialect = {
  identifier: (name) => quoteIfNeeded(name, '"'),
  dateLiteral: (day) => `DATE '${day}'`,
  timestampLiteral: timestampTz,
  timestampColumn: (expression) => expression,
  dayText: (column) => `LEFT(CAST(${column} AS VARCHAR), 10)`,
  // The session runs in UTC, so text without zone is UTC.
  textInstant: (column) => `TRY_CAST(TRIM(CAST(${column} AS VARCHAR)) AS TIMESTAMP_TZ)`,
  // HASH_AGG is order-independent and never NULL, so an empty day has a stable fingerprint too.
  fingerprint: 'HASH_AGG(*)',
};

/** Statements run once per session, before any user query. */
export const SESSION_SETUP = ["ALTER SESSION SET TIMEZONE = 'UTC'"];
