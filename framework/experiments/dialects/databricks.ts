/**
 * Databricks SQL (Delta tables). Backtick identifiers, backslash-escaped string literals,
 * STRING columns, get_json_object, explode(sequence(…)) for the day series, DATEDIFF and
 * DATE_ADD on days. UPDATE has no FROM clause there, so updates from a join are MERGEs.
 * TIMESTAMP is the session zone's (UTC: sessions run in UTC).
 */
import { backticked, jsonPath, orderedSetPercentiles, type ExperimentDialect, type UpdateFrom } from './types.js';

const literal = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function updateFrom(u: UpdateFrom): string {
  const set = u.set.map(([column, expression]) => `${column} = ${expression}`).join(', ');
  const merge = `MERGE INTO ${backticked(u.table)} AS ${u.alias} USING ${u.source} ON ${u.on}`;
  return `${merge} WHEN MATCHED THEN UPDATE SET ${set}`;
}

export const databricksDialect: ExperimentDialect = {
  name: 'databricks',
  maxIdentifierLength: 255,
  types: { string: 'STRING', double: 'DOUBLE', integer: 'INT', bigint: 'BIGINT', boolean: 'BOOLEAN' },
  ident: backticked,
  literal,
  jsonText: (column, key) => `get_json_object(${column}, ${literal(jsonPath(key))})`,
  jsonToText: (column) => `to_json(${column})`,
  jsonObjectText: (json, key) => `get_json_object(${json}, ${literal(jsonPath(key))})`,
  // to_json leaves NULL fields out, where the other engines write `null`: both read back as NULL.
  jsonObject: (pairs) => `to_json(named_struct(${pairs.map(([k, v]) => `${literal(k)}, ${v}`).join(', ')}))`,
  textInstant: (text) => `CAST(${text} AS TIMESTAMP)`,
  utcTimestamp: (timestamp) => `CAST(${timestamp} AS TIMESTAMP)`,
  epochMicros: (micros) => `timestamp_micros(CAST(${micros} AS BIGINT))`,
  addMinutes: (timestamp, minutes) => `dateadd(MINUTE, ${minutes}, ${timestamp})`,
  whitespaceToUnderscore: (text) => `regexp_replace(${text}, ${literal('\\s')}, '_')`,
  numericOrNull: (e) => `TRY_CAST(${e} AS DOUBLE)`,
  daySeries: (from, to) => `SELECT explode(sequence(DATE '${from}', DATE '${to}', INTERVAL 1 DAY)) AS day`,
  dayDiff: (later, earlier) => `DATEDIFF(${later}, ${earlier})`,
  addDays: (date, days) => (days < 0 ? `DATE_SUB(${date}, ${-days})` : `DATE_ADD(${date}, ${days})`),
  percentiles: (q) => orderedSetPercentiles(q, 'DOUBLE'),
  covarSamp: (a, b) => `COVAR_SAMP(${a}, ${b})`,
  updateFrom,
  dropTable: (name) => `DROP TABLE IF EXISTS ${backticked(name)}`,
  analyze: () => null,
  transactionLock: () => null,
};
