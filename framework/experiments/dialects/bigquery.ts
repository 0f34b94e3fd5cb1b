/**
 * BigQuery (GoogleSQL). Backtick identifiers, backslash-escaped string literals, FLOAT64 and
 * INT64, DATE_DIFF/DATE_ADD, GENERATE_DATE_ARRAY for the day series. PERCENTILE_CONT exists
 * only as an analytic function, so the percentiles are computed over a window partition and
 * collapsed with MAX. JSON_EXTRACT_SCALAR rather than JSON_VALUE: the two agree on text
 * columns, and the translation the tests run through renders JSON_VALUE as a JSON (not text)
 * extraction. TIMESTAMP is an instant (UTC); a DATETIME column is read as UTC.
 */
import { jsonPath, type ExperimentDialect, type PercentileQuery, type UpdateFrom } from './types.js';

const ident = (name: string) => `\`${name.replace(/\\/g, '\\\\').replace(/`/g, '\\`')}\``;
const literal = (value: string) =>
  `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r')}'`;

function percentiles(q: PercentileQuery): string {
  const partition = `PARTITION BY ${q.groupBy.join(', ')}`;
  const inner = q.columns.map((c) =>
    c.p === null
      ? `CAST(NULL AS FLOAT64) AS ${c.name}`
      : `PERCENTILE_CONT(${c.value}, ${c.p}) OVER (${partition}) AS ${c.name}`,
  );
  const outer = q.columns.map((c) => `MAX(${c.name}) AS ${c.name}`);
  const rows = `SELECT ${[...q.groupBy, ...inner].join(', ')} FROM ${q.from} WHERE ${q.where}`;
  return `SELECT ${[...q.groupBy, ...outer].join(', ')} FROM (${rows}) AS pct GROUP BY ${q.groupBy.join(', ')}`;
}

function updateFrom(u: UpdateFrom): string {
  const set = u.set.map(([column, expression]) => `${column} = ${expression}`).join(', ');
  return `UPDATE ${ident(u.table)} AS ${u.alias} SET ${set} FROM ${u.source} WHERE ${u.on}`;
}

export const bigqueryDialect: ExperimentDialect = {
  name: 'bigquery',
  maxIdentifierLength: 1024,
  types: { string: 'STRING', double: 'FLOAT64', integer: 'INT64', bigint: 'INT64', boolean: 'BOOL' },
  ident,
  literal,
  jsonText: (column, key) => `JSON_EXTRACT_SCALAR(${column}, ${literal(jsonPath(key))})`,
  jsonToText: (column) => `TO_JSON_STRING(${column})`,
  jsonObjectText: (json, key) => `CAST(JSON_EXTRACT(${json}, ${literal(jsonPath(key))}) AS STRING)`,
  jsonObject: (pairs) => `TO_JSON_STRING(JSON_OBJECT(${pairs.map(([k, v]) => `${literal(k)}, ${v}`).join(', ')}))`,
  // TIMESTAMP(text), not CAST: the same parse (offset applied, UTC without one), and the translation keeps the offset.
  textInstant: (text) => `TIMESTAMP(${text})`,
  utcTimestamp: (timestamp) => `CAST(${timestamp} AS TIMESTAMP)`,
  epochMicros: (micros) => `TIMESTAMP_MICROS(CAST(${micros} AS INT64))`,
  addMinutes: (timestamp, minutes) => `TIMESTAMP_ADD(${timestamp}, INTERVAL ${minutes} MINUTE)`,
  whitespaceToUnderscore: (text) => `REGEXP_REPLACE(${text}, ${literal('\\s')}, '_')`,
  numericOrNull: (e) => `SAFE_CAST(${e} AS FLOAT64)`,
  daySeries: (from, to) => `SELECT day FROM UNNEST(GENERATE_DATE_ARRAY(DATE '${from}', DATE '${to}')) AS day`,
  dayDiff: (later, earlier) => `DATE_DIFF(${later}, ${earlier}, DAY)`,
  addDays: (date, days) =>
    days < 0 ? `DATE_SUB(${date}, INTERVAL ${-days} DAY)` : `DATE_ADD(${date}, INTERVAL ${days} DAY)`,
  percentiles,
  covarSamp: (a, b) => `COVAR_SAMP(${a}, ${b})`,
  updateFrom,
  dropTable: (name) => `DROP TABLE IF EXISTS ${ident(name)}`,
  analyze: () => null,
  transactionLock: () => null,
};
