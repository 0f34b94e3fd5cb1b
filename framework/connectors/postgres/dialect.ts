/** PostgreSQL's and Redshift's spellings of the shared query shapes (see shared/sql-dialect.ts). */
import { ISO_DATETIME_REGEX, quoteIfNeeded, type SqlDialect } from '../shared/sql-dialect.js';

/** UTC instant as a TIMESTAMPTZ literal; sessions run in UTC, so TIMESTAMP columns compare as UTC. */
function timestampTz(instant: Date): string {
  return `TIMESTAMPTZ '${instant.toISOString().replace('T', ' ').replace('Z', '+00')}'`;
}

export const postgresDialect: SqlDialect = {
  identifier: (name) => quoteIfNeeded(name, '"'),
  dateLiteral: (day) => `DATE '${day}'`,
  timestampLiteral: timestampTz,
  timestampColumn: (expression) => expression,
  dayText: (column) => `left(CAST(${column} AS TEXT), 10)`,
  // PostgreSQL 15 has no safe cast: only text shaped like an ISO date-time is cast (sessions run in UTC, so text
  // without zone is UTC).
  textInstant: (column) =>
    `(CASE WHEN btrim(CAST(${column} AS TEXT)) ~ '${ISO_DATETIME_REGEX}' THEN CAST(btrim(CAST(${column} AS TEXT)) AS TIMESTAMPTZ) END)`,
  // Order-independent sum of each row's hash, computed in the warehouse.
  fingerprint: 'CAST(sum(CAST(hashtext(CAST(wharf_q AS TEXT)) AS BIGINT)) AS TEXT)',
};

/** Redshift has no row-to-text cast: it reports counts without a fingerprint. */
export const redshiftDialect: SqlDialect = { ...postgresDialect, fingerprint: null };
