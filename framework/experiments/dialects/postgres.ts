/** PostgreSQL, the shared store. */
import {
  doubleQuoted,
  orderedSetPercentiles,
  plusMinutesInterval,
  standardLiteral,
  updateFromClause,
  type ExperimentDialect,
} from './types.js';

/** A decimal or scientific number, optionally signed and space-padded (POSIX classes: no backslashes). */
export const NUMBER_PATTERN = '^[[:space:]]*[-+]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][-+]?[0-9]+)?[[:space:]]*$';

export const postgresDialect: ExperimentDialect = {
  name: 'postgres',
  maxIdentifierLength: 63,
  types: { string: 'VARCHAR', double: 'DOUBLE PRECISION', integer: 'INTEGER', bigint: 'BIGINT', boolean: 'BOOLEAN' },
  ident: doubleQuoted,
  literal: standardLiteral,
  jsonText: (column, key) => `(CAST(${column} AS JSON) ->> ${standardLiteral(key)})`,
  jsonToText: (column) => `CAST(${column} AS TEXT)`,
  jsonObjectText: (json, key) => `CAST(CAST(${json} AS JSON) -> ${standardLiteral(key)} AS TEXT)`,
  jsonObject: (pairs) =>
    `CAST(json_build_object(${pairs.map(([k, v]) => `${standardLiteral(k)}, ${v}`).join(', ')}) AS TEXT)`,
  textInstant: (text) => `CAST(CAST(${text} AS TIMESTAMPTZ) AS TIMESTAMP)`,
  utcTimestamp: (timestamp) => `CAST(${timestamp} AS TIMESTAMP)`,
  epochMicros: (micros) => `(to_timestamp(${micros} / 1000000) AT TIME ZONE 'UTC')`,
  addMinutes: plusMinutesInterval,
  whitespaceToUnderscore: (text) => `regexp_replace(${text}, '\\s', '_', 'g')`,
  numericOrNull: (e) => `(CASE WHEN ${e} ~ '${NUMBER_PATTERN}' THEN CAST(${e} AS DOUBLE PRECISION) END)`,
  daySeries: (from, to) =>
    `SELECT CAST(d AS DATE) AS day FROM generate_series(DATE '${from}', DATE '${to}', INTERVAL '1 day') AS t(d)`,
  dayDiff: (later, earlier) => `CAST(${later} - ${earlier} AS INTEGER)`,
  addDays: (date, days) => `(${date} ${days < 0 ? '-' : '+'} ${Math.abs(days)})`,
  percentiles: (q) => orderedSetPercentiles(q, 'DOUBLE PRECISION'),
  covarSamp: (a, b) => `COVAR_SAMP(${a}, ${b})`,
  updateFrom: (u) => updateFromClause(u, doubleQuoted),
  dropTable: (name) => `DROP TABLE IF EXISTS ${doubleQuoted(name)}`,
  analyze: (name) => `ANALYZE ${doubleQuoted(name)}`,
  transactionLock: (key) => `SELECT pg_advisory_xact_lock(hashtext(${standardLiteral(key)}))`,
};
