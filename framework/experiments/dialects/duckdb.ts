/** DuckDB, the default store. */
import {
  doubleQuoted,
  orderedSetPercentiles,
  plusMinutesInterval,
  standardLiteral,
  updateFromClause,
  type ExperimentDialect,
} from './types.js';

const keyPath = (key: string) => standardLiteral(`$."${key.replace(/"/g, '\\"')}"`);

export const duckdbDialect: ExperimentDialect = {
  name: 'duckdb',
  maxIdentifierLength: 255,
  types: { string: 'VARCHAR', double: 'DOUBLE', integer: 'INTEGER', bigint: 'BIGINT', boolean: 'BOOLEAN' },
  ident: doubleQuoted,
  literal: standardLiteral,
  jsonText: (column, key) => `json_extract_string(${column}, ${keyPath(key)})`,
  jsonToText: (column) => `CAST(to_json(${column}) AS VARCHAR)`,
  jsonObjectText: (json, key) => `CAST(json_extract(CAST(${json} AS JSON), ${keyPath(key)}) AS VARCHAR)`,
  jsonObject: (pairs) =>
    `CAST(json_object(${pairs.map(([k, v]) => `${standardLiteral(k)}, ${v}`).join(', ')}) AS VARCHAR)`,
  textInstant: (text) => `CAST(CAST(${text} AS TIMESTAMPTZ) AS TIMESTAMP)`,
  utcTimestamp: (timestamp) => `CAST(${timestamp} AS TIMESTAMP)`,
  epochMicros: (micros) => `make_timestamp(CAST(${micros} AS BIGINT))`,
  addMinutes: plusMinutesInterval,
  whitespaceToUnderscore: (text) => `regexp_replace(${text}, '\\s', '_', 'g')`,
  numericOrNull: (e) => `TRY_CAST(${e} AS DOUBLE)`,
  daySeries: (from, to) =>
    `SELECT CAST(d AS DATE) AS day FROM generate_series(DATE '${from}', DATE '${to}', INTERVAL 1 DAY) AS t(d)`,
  dayDiff: (later, earlier) => `CAST(${later} - ${earlier} AS INTEGER)`,
  addDays: (date, days) => `(${date} ${days < 0 ? '-' : '+'} ${Math.abs(days)})`,
  percentiles: (q) => orderedSetPercentiles(q, 'DOUBLE'),
  covarSamp: (a, b) => `COVAR_SAMP(${a}, ${b})`,
  updateFrom: (u) => updateFromClause(u, doubleQuoted),
  dropTable: (name) => `DROP TABLE IF EXISTS ${doubleQuoted(name)}`,
  analyze: () => null,
  transactionLock: () => null,
};
