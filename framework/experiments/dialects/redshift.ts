/**
 * Amazon Redshift. Its SQL is PostgreSQL 8's with gaps the pipeline must avoid:
 * generate_series runs only on the leader node (it cannot be joined to a table), so the day
 * series is a list of DATE literals; there is no COVAR_SAMP, so the covariance is computed
 * from sums; no advisory locks or hashtext; string literals read backslash escapes; JSON is
 * text read with JSON_EXTRACT_PATH_TEXT (a SUPER column is serialized to text first);
 * VARCHAR without a length holds only 256 bytes.
 */
import { NUMBER_PATTERN } from './postgres.js';
import { doubleQuoted, isoDays, orderedSetPercentiles, updateFromClause, type ExperimentDialect } from './types.js';

const literal = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

/**
 * A JSON object text built by concatenation: Redshift builds JSON only as SUPER (OBJECT),
 * which PostgreSQL, where its SQL is tested, does not have. Values are JSON strings with `\`
 * and `"` escaped (CHR(92) is a backslash: no escapes in literals); NULL becomes `null`.
 */
function jsonObject(pairs: Array<[string, string]>): string {
  const bs = 'CHR(92)';
  const members = pairs.map(([key, value]) => {
    const escaped = `REPLACE(REPLACE(${value}, ${bs}, ${bs} || ${bs}), '"', ${bs} || '"')`;
    return `${literal(`${JSON.stringify(key)}:`)} || COALESCE('"' || ${escaped} || '"', 'null')`;
  });
  return `('{' || ${members.join(" || ',' || ")} || '}')`;
}

export const redshiftDialect: ExperimentDialect = {
  name: 'redshift',
  maxIdentifierLength: 127,
  types: {
    string: 'VARCHAR(65535)',
    double: 'DOUBLE PRECISION',
    integer: 'INTEGER',
    bigint: 'BIGINT',
    boolean: 'BOOLEAN',
  },
  ident: doubleQuoted,
  literal,
  jsonText: (column, key) => `JSON_EXTRACT_PATH_TEXT(${column}, ${literal(key)})`,
  jsonToText: (column) => `JSON_SERIALIZE(${column})`,
  jsonObjectText: (json, key) => `JSON_EXTRACT_PATH_TEXT(${json}, ${literal(key)})`,
  jsonObject,
  textInstant: (text) => `CAST(CAST(${text} AS TIMESTAMPTZ) AS TIMESTAMP)`,
  utcTimestamp: (timestamp) => `CAST(${timestamp} AS TIMESTAMP)`,
  epochMicros: (micros) => `(TIMESTAMP 'epoch' + ${micros} / 1000000 * INTERVAL '1 second')`,
  addMinutes: (timestamp, minutes) => `DATEADD(minute, ${minutes}, ${timestamp})`,
  // A POSIX class rather than \s: no backslash for the literal to escape.
  whitespaceToUnderscore: (text) => `REGEXP_REPLACE(${text}, '[[:space:]]', '_')`,
  numericOrNull: (e) => `(CASE WHEN ${e} ~ '${NUMBER_PATTERN}' THEN CAST(${e} AS DOUBLE PRECISION) END)`,
  daySeries: (from, to) =>
    isoDays(from, to)
      .map((day, i) => `SELECT DATE '${day}'${i === 0 ? ' AS day' : ''}`)
      .join(' UNION ALL ') || 'SELECT CAST(NULL AS DATE) AS day WHERE 1 = 0',
  dayDiff: (later, earlier) => `DATEDIFF(day, ${earlier}, ${later})`,
  addDays: (date, days) => `DATEADD(day, ${days}, ${date})`,
  percentiles: (q) => orderedSetPercentiles(q, 'DOUBLE PRECISION'),
  // Inputs are never NULL here (see the interface), so COUNT(*) counts the pairs.
  covarSamp: (a, b) => `((SUM((${a}) * (${b})) - SUM(${a}) * SUM(${b}) / COUNT(*)) / NULLIF(COUNT(*) - 1, 0))`,
  updateFrom: (u) => updateFromClause(u, doubleQuoted),
  dropTable: (name) => `DROP TABLE IF EXISTS ${doubleQuoted(name)}`,
  analyze: (name) => `ANALYZE ${doubleQuoted(name)}`,
  transactionLock: () => null,
};
