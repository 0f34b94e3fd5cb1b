/** BigQuery (GoogleSQL) spellings of the shared query shapes (see shared/sql-dialect.ts). */
import { quoteIfNeeded, type SqlDialect } from '../shared/sql-dialect.js';

/**
 * Timestamp columns may be TIMESTAMP or DATETIME; BigQuery will not compare the two, so the
 * column is cast to TIMESTAMP (a DATETIME is read as UTC, as the connector contract says).
 */
export const bigqueryDialect: SqlDialect = {
  identifier: (name) => quoteIfNeeded(name, '`'),
  dateLiteral: (day) => `DATE '${day}'`,
  timestampLiteral: (instant) => `TIMESTAMP '${instant.toISOString().replace('T', ' ').replace('Z', '+00')}'`,
  timestampColumn: (expression) => `CAST(${expression} AS TIMESTAMP)`,
  dayText: (column) => `SUBSTR(CAST(${column} AS STRING), 1, 10)`,
  // BigQuery's timestamp text takes `T` or a space and an optional zone (none: UTC).
  textInstant: (column) => `SAFE_CAST(TRIM(CAST(${column} AS STRING)) AS TIMESTAMP)`,
  // Summing 64-bit row fingerprints as BIGNUMERIC cannot overflow and ignores row order.
  fingerprint: "COALESCE(CAST(SUM(CAST(FARM_FINGERPRINT(TO_JSON_STRING(wharf_q)) AS BIGNUMERIC)) AS STRING), '0')",
};
