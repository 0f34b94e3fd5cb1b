/** DuckDB's spellings of the shared query shapes (see shared/sql-dialect.ts). */
import { quoteIfNeeded, type SqlDialect } from '../shared/sql-dialect.js';

/** UTC wall time as a TIMESTAMP literal. */
function timestamp(instant: Date): string {
  return `TIMESTAMP '${instant.toISOString().replace('T', ' ').replace('Z', '')}'`;
}

export const duckdbDialect: SqlDialect = {
  identifier: (name) => quoteIfNeeded(name, '"'),
  dateLiteral: (day) => `DATE '${day}'`,
  timestampLiteral: timestamp,
  // The column as it is: DuckDB casts the TIMESTAMP literal to a TIMESTAMPTZ column's type
  // (in UTC, Wharf's session zone) once, where a CAST of the column ran ICU on every row the
  // scan read (a day's query of a large table: every row of the table), and kept DuckDB from
  // filtering the scan on the column's row-group bounds.
  timestampColumn: (expression) => expression,
  dayText: (column) => `left(CAST(${column} AS VARCHAR), 10)`,
  // TIMESTAMPTZ reads the zone written in the text, or the session's (UTC) when there is none.
  textInstant: (column) => `TRY_CAST(trim(CAST(${column} AS VARCHAR)) AS TIMESTAMPTZ)`,
  // The row's hash, combined order-independently: equal content gives an equal fingerprint.
  fingerprint: 'CAST(bit_xor(hash(wharf_q)) AS VARCHAR)',
};
