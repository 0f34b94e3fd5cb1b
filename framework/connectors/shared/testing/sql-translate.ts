/**
 * Test support: a warehouse dialect's SQL translated to the SQL of the engine a test runs it
 * on (DuckDB in the protocol fakes and the experiment dialect tests, PostgreSQL for Redshift),
 * so a statement is checked as the warehouse reads it rather than run verbatim: a GoogleSQL
 * `"x"` is a string, a Snowflake `'\\'` is one backslash, and a construct the translation does
 * not know fails loudly. The translation is @polyglot-sql/sdk (a port of sqlglot); where it
 * leaves a warehouse function untranslated that DuckDB has under another name, or drops its
 * meaning (REGEXP_REPLACE replacing every match), FIXUPS rewrites it.
 */
import { Dialect, init, transpile, validate } from '@polyglot-sql/sdk';

/** The engines, by Wharf's names. */
export type SqlDialectName = 'duckdb' | 'postgres' | 'snowflake' | 'bigquery' | 'redshift' | 'databricks';

const POLYGLOT: Record<SqlDialectName, Dialect> = {
  duckdb: Dialect.DuckDB,
  postgres: Dialect.PostgreSQL,
  snowflake: Dialect.Snowflake,
  bigquery: Dialect.BigQuery,
  redshift: Dialect.Redshift,
  databricks: Dialect.Databricks,
};

/** A rewrite of translated SQL where the translation does not render the source's meaning. */
type Fixup = (sql: string) => string;

/** A function the translation passes through unchanged although the target spells it differently. */
const rename =
  (pattern: RegExp, name: string): Fixup =>
  (sql) =>
    sql.replace(pattern, name);

/**
 * `REGEXP_REPLACE(text, pattern, replacement)` replaces every match in BigQuery, Redshift and
 * Databricks (and Snowflake, which the translation handles); the translation keeps the three
 * arguments, with which DuckDB and PostgreSQL replace the first match only. Adds their `'g'`.
 */
const replaceAll: Fixup = (sql) => {
  let out = '';
  let from = 0;
  for (const match of sql.matchAll(/\bREGEXP_REPLACE\(/gi)) {
    const open = match.index + match[0].length;
    const args = topLevelArguments(sql, open);
    if (!args || args.commas !== 2) continue;
    out += `${sql.slice(from, args.close)}, 'g'`;
    from = args.close;
  }
  return out + sql.slice(from);
};

/** From just after an opening parenthesis: the index of its closing one and the commas at that level. */
function topLevelArguments(sql: string, start: number): { close: number; commas: number } | null {
  let depth = 0;
  let commas = 0;
  for (let i = start; i < sql.length; i++) {
    const ch = sql[i];
    if (ch === "'") {
      // Skip a standard string literal ('' is a quote inside it): the translated SQL is DuckDB's or PostgreSQL's.
      i++;
      while (i < sql.length && !(sql[i] === "'" && sql[i + 1] !== "'")) i += sql[i] === "'" ? 2 : 1;
    } else if (ch === '(') depth++;
    else if (ch === ')') {
      if (depth === 0) return { close: i, commas };
      depth--;
    } else if (ch === ',' && depth === 0) commas++;
  }
  return null;
}

/**
 * Spark's `dateadd(unit, n, timestamp)`, which the translation leaves as it is inside a MERGE's
 * source query (elsewhere it renders it), is DuckDB's `timestamp + INTERVAL (n) unit`.
 */
const dateAdd: Fixup = (sql) => {
  let out = '';
  let from = 0;
  for (const match of sql.matchAll(/\bDATEADD\(/gi)) {
    if (match.index < from) continue;
    const open = match.index + match[0].length;
    const args = topLevelArguments(sql, open);
    if (!args || args.commas !== 2) continue;
    const [unit, n, timestamp] = splitTopLevel(sql.slice(open, args.close));
    out += `${sql.slice(from, match.index)}(${timestamp} + INTERVAL (${n}) ${unit})`;
    from = args.close + 1;
  }
  return out + sql.slice(from);
};

/** The comma-separated parts of an argument list, split at its own level only. */
function splitTopLevel(args: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '(') depth++;
    else if (args[i] === ')') depth--;
    else if (args[i] === ',' && depth === 0) {
      parts.push(args.slice(start, i).trim());
      start = i + 1;
    }
  }
  return [...parts, args.slice(start).trim()];
}

const FIXUPS: Partial<Record<`${SqlDialectName | '*'}>${SqlDialectName}`, Fixup[]>> = {
  // From any dialect, a negative count comes out as `INTERVAL -7 DAY`, which DuckDB reads only parenthesized.
  '*>duckdb': [rename(/\bINTERVAL -(\d+) (\w+)\b/g, 'INTERVAL (-$1) $2')],
  'bigquery>duckdb': [replaceAll],
  'redshift>duckdb': [
    replaceAll,
    // Redshift's JSON_SERIALIZE (a SUPER value as JSON text) is DuckDB's to_json.
    rename(/\bJSON_SERIALIZE\(/g, 'to_json('),
  ],
  // Redshift on the PostgreSQL test server (the Redshift experiment session's test).
  'redshift>postgres': [replaceAll],
  'databricks>duckdb': [
    replaceAll,
    dateAdd,
    // Spark's get_json_object takes the JSONPath DuckDB's json_extract_string takes.
    rename(/\bGET_JSON_OBJECT\(/g, 'json_extract_string('),
    // sequence(start, stop, step) is DuckDB's generate_series (both inclusive).
    rename(/\bSEQUENCE\(/g, 'generate_series('),
    // timestamp_micros(n) is DuckDB's make_timestamp(n): microseconds since 1970 UTC.
    rename(/\bTIMESTAMP_MICROS\(/g, 'make_timestamp('),
  ],
};

let ready: Promise<void> | undefined;

/** Loads the translator (WebAssembly) once per process. */
export function translatorReady(): Promise<void> {
  ready ??= init();
  return ready;
}

/** Parse errors of `sql` in `dialect` (empty when it parses). */
export async function parseErrors(sql: string, dialect: SqlDialectName): Promise<string[]> {
  await translatorReady();
  const result = validate(sql, POLYGLOT[dialect]);
  return result.errors
    .filter((e) => e.severity === 'error')
    .map((e) => `${e.message} (line ${e.line}, column ${e.column})`);
}

/** The statements of `sql` (one or more, in `from`'s dialect) in `to`'s dialect. */
export async function translate(sql: string, from: SqlDialectName, to: SqlDialectName): Promise<string[]> {
  await translatorReady();
  if (from === to) return [sql];
  const result = transpile(sql, POLYGLOT[from], POLYGLOT[to], { unsupportedLevel: 'raise' });
  if (!result.success || !result.sql) {
    throw new Error(`Cannot translate ${from} SQL to ${to}: ${result.error ?? 'no output'}\n${sql}`);
  }
  const fixups = [...(FIXUPS[`*>${to}`] ?? []), ...(FIXUPS[`${from}>${to}`] ?? [])];
  const fix = (statement: string) => fixups.reduce((text, fixup) => fixup(text), statement);
  return result.sql.map(fix);
}

/** One statement of `from`'s dialect as DuckDB SQL (refuses several statements). */
export async function toDuckDB(sql: string, from: SqlDialectName): Promise<string> {
  const statements = await translate(sql, from, 'duckdb');
  if (statements.length !== 1) throw new Error(`Expected one ${from} statement, got ${statements.length}:\n${sql}`);
  return statements[0];
}
