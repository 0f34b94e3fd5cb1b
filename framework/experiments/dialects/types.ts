/**
 * The SQL differences between the engines the experiment pipeline runs on. The pipeline's
 * builders (sql-*.ts) write everything else in SQL all six engines accept as written (CTEs,
 * window functions, CASE, CAST to DATE/TIMESTAMP, `DATE 'yyyy-mm-dd'` literals, VAR_SAMP,
 * UNION ALL); every construct that differs goes through one of these methods. The tests in
 * test/experiments/dialects*.test.ts parse each dialect's statements with a dialect-aware
 * parser and run them, translated, against DuckDB and PostgreSQL.
 */

/** Column type names of the artifact tables. */
export interface ColumnTypes {
  string: string;
  double: string;
  integer: string;
  bigint: string;
  boolean: string;
}

/** Percentiles of `columns` per group of `groupBy`, over the rows of `from` matching `where`. */
export interface PercentileQuery {
  /** A relation (a CTE name). */
  from: string;
  where: string;
  groupBy: string[];
  /** `p` null: a NULL column of the double type. NULL values are ignored. */
  columns: Array<{ name: string; p: number | null; value: string }>;
}

/** `UPDATE table SET … FROM source WHERE on`, with the target under `alias`. */
export interface UpdateFrom {
  table: string;
  alias: string;
  /** `column = expression` pairs; expressions may reference the alias and the source. */
  set: Array<[column: string, expression: string]>;
  /** A relation with its alias, e.g. `(SELECT …) AS x`. */
  source: string;
  on: string;
}

/** One engine's spelling of the SQL constructs the pipeline cannot write portably. */
export interface ExperimentDialect {
  readonly name: string;
  /** Longest table name the engine keeps without truncating or refusing it. */
  readonly maxIdentifierLength: number;
  readonly types: ColumnTypes;
  /** A quoted identifier (table or column name). */
  ident(name: string): string;
  /** A string literal; each engine escapes quotes and backslashes its own way. */
  literal(value: string): string;
  /** Text value of `key` in a JSON text column (NULL when absent). */
  jsonText(column: string, key: string): string;
  /** A JSON-typed column (JSON, VARIANT, SUPER, a struct) as JSON text. */
  jsonToText(column: string): string;
  /** The value under `key` of a JSON text expression as JSON text (an object stays an object; NULL when absent). */
  jsonObjectText(json: string, key: string): string;
  /** A JSON object text from text values; a NULL value is `null` or left out (Databricks). */
  jsonObject(pairs: Array<[key: string, value: string]>): string;
  /** An ISO 8601 date-time text as a UTC TIMESTAMP (its offset applied; none: the session's zone, UTC). */
  textInstant(text: string): string;
  /** A timestamp of any of the engine's timestamp types as a UTC TIMESTAMP. */
  utcTimestamp(timestamp: string): string;
  /** A UTC TIMESTAMP from microseconds since 1970-01-01 UTC (a whole-number double). */
  epochMicros(micros: string): string;
  /** The TIMESTAMP expression plus `minutes` (negative: minus). */
  addMinutes(timestamp: string, minutes: number): string;
  /** The text with every whitespace character replaced by `_` (an event name as ingestions load it). */
  whitespaceToUnderscore(text: string): string;
  /** The text expression as a double, or NULL when it is not a number. */
  numericOrNull(expression: string): string;
  /** A subquery of one DATE column `day`, one row per day from `from` to `to` (ISO days, from ≤ to). */
  daySeries(from: string, to: string): string;
  /** Whole days from the DATE `earlier` to the DATE `later`, as an integer. */
  dayDiff(later: string, earlier: string): string;
  /** The DATE expression plus `days` (negative: minus). */
  addDays(date: string, days: number): string;
  /** A query of exact (interpolated, percentile_cont) percentiles per group. */
  percentiles(query: PercentileQuery): string;
  /** Sample covariance aggregate of two non-NULL double expressions (NULL for fewer than 2 rows). */
  covarSamp(a: string, b: string): string;
  /** Updates rows of a table from a joined relation. */
  updateFrom(update: UpdateFrom): string;
  /** `DROP TABLE IF EXISTS` for a table. */
  dropTable(name: string): string;
  /**
   * A statement refreshing the planner's statistics of a table just written in bulk, or null
   * when the engine keeps them current itself. Without it PostgreSQL plans the later joins
   * on stale estimates (nested loops over tens of thousands of rows).
   */
  analyze(name: string): string | null;
  /**
   * A statement taking a lock on `key` until the transaction ends, so two runs of one
   * experiment never interleave; null where the engine has no such lock (DuckDB allows one
   * writer anyway; on the warehouses the run's state check is the only guard).
   */
  transactionLock(key: string): string | null;
}

/** A standard SQL string literal (quotes doubled, backslashes literal). */
export function standardLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A double-quoted identifier. */
export function doubleQuoted(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A backtick-quoted identifier (Databricks: a backtick is doubled). */
export function backticked(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

/** `SELECT group…, percentile_cont(p) WITHIN GROUP (ORDER BY value) …` (an ordered-set aggregate). */
export function orderedSetPercentiles(q: PercentileQuery, double: string): string {
  const cols = q.columns.map((c) =>
    c.p === null
      ? `CAST(NULL AS ${double}) AS ${c.name}`
      : `percentile_cont(${c.p}) WITHIN GROUP (ORDER BY ${c.value}) AS ${c.name}`,
  );
  const groupBy = q.groupBy.join(', ');
  return `SELECT ${[...q.groupBy, ...cols].join(', ')} FROM ${q.from} WHERE ${q.where} GROUP BY ${groupBy}`;
}

/** `UPDATE table AS alias SET … FROM source WHERE on` (PostgreSQL's form, shared by most engines). */
export function updateFromClause(u: UpdateFrom, quote: (name: string) => string): string {
  const set = u.set.map(([column, expression]) => `${column} = ${expression}`).join(', ');
  return `UPDATE ${quote(u.table)} AS ${u.alias} SET ${set} FROM ${u.source} WHERE ${u.on}`;
}

/** `timestamp + INTERVAL 'n minutes'` (DuckDB, PostgreSQL). */
export function plusMinutesInterval(timestamp: string, minutes: number): string {
  return `(${timestamp} + INTERVAL '${minutes} minutes')`;
}

/** A JSONPath to `key`: `$.key` for a plain name, `$['key']` otherwise (BigQuery, Databricks). */
export function jsonPath(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `$.${key}` : `$['${key}']`;
}

/** Every ISO day from `from` to `to`. */
export function isoDays(from: string, to: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
}
