/**
 * Snowflake. String literals read backslash escapes, so backslashes are doubled. JSON columns
 * are text holding JSON (VARCHAR), read with JSON_EXTRACT_PATH_TEXT (a quoted path key, so
 * any key works); the day series numbers GENERATOR's rows with ROW_NUMBER, which, unlike
 * SEQ4(), has no gaps. TIMESTAMP is TIMESTAMP_NTZ, holding UTC (sessions run in UTC).
 */
import { isoDays, doubleQuoted, orderedSetPercentiles, updateFromClause, type ExperimentDialect } from './types.js';

/**
 * Snowflake folds unquoted names to upper case and matches quoted ones exactly: a plain
 * lower-case name is quoted as Snowflake stores it unquoted (`event_time` → `"EVENT_TIME"`), so
 * it names the column or table a user's SQL made without quotes, and stays quoted (`"ROWS"`)
 * where the bare word is reserved. Other names are quoted as written.
 */
const ident = (name: string) => (/^[a-z_][a-z0-9_$]*$/.test(name) ? `"${name.toUpperCase()}"` : doubleQuoted(name));

const literal = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

export const snowflakeDialect: ExperimentDialect = {
  name: 'snowflake',
  maxIdentifierLength: 255,
  types: { string: 'VARCHAR', double: 'DOUBLE', integer: 'INTEGER', bigint: 'BIGINT', boolean: 'BOOLEAN' },
  ident,
  literal,
  jsonText: (column, key) => `JSON_EXTRACT_PATH_TEXT(${column}, ${literal(`"${key}"`)})`,
  jsonToText: (column) => `TO_JSON(${column})`,
  jsonObjectText: (json, key) => `TO_JSON(GET(PARSE_JSON(${json}), ${literal(key)}))`,
  jsonObject: (pairs) =>
    `TO_JSON(OBJECT_CONSTRUCT_KEEP_NULL(${pairs.map(([k, v]) => `${literal(k)}, ${v}`).join(', ')}))`,
  // TIMESTAMP is TIMESTAMP_NTZ; a zoned value cast to it keeps its wall clock, so convert to UTC first.
  textInstant: (text) => `CAST(CONVERT_TIMEZONE('UTC', CAST(${text} AS TIMESTAMP_TZ)) AS TIMESTAMP_NTZ)`,
  utcTimestamp: (timestamp) => `CAST(CONVERT_TIMEZONE('UTC', ${timestamp}) AS TIMESTAMP_NTZ)`,
  epochMicros: (micros) => `TO_TIMESTAMP_NTZ(CAST(${micros} AS BIGINT), 6)`,
  addMinutes: (timestamp, minutes) => `DATEADD(minute, ${minutes}, ${timestamp})`,
  whitespaceToUnderscore: (text) => `REGEXP_REPLACE(${text}, ${literal('\\s')}, '_')`,
  numericOrNull: (e) => `TRY_TO_DOUBLE(${e})`,
  daySeries: (from, to) =>
    `SELECT CAST(DATEADD(day, ROW_NUMBER() OVER (ORDER BY NULL) - 1, DATE '${from}') AS DATE) AS day` +
    ` FROM TABLE(GENERATOR(ROWCOUNT => ${isoDays(from, to).length}))`,
  dayDiff: (later, earlier) => `DATEDIFF(day, ${earlier}, ${later})`,
  addDays: (date, days) => `DATEADD(day, ${days}, ${date})`,
  percentiles: (q) => orderedSetPercentiles(q, 'DOUBLE'),
  covarSamp: (a, b) => `COVAR_SAMP(${a}, ${b})`,
  updateFrom: (u) => updateFromClause(u, ident),
  dropTable: (name) => `DROP TABLE IF EXISTS ${ident(name)}`,
  analyze: () => null,
  transactionLock: () => null,
};
