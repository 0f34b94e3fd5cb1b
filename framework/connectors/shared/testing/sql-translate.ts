/**
 * Test support: a warehouse dialect's SQL translated to the SQL of the engine a test runs it
 * on (DuckDB in the protocol fakes and the experiment dialect tests, PostgreSQL for Redshift),
 * so a statement is checked as the warehouse reads it rather than run verbatim: a GoogleSQL
 * `"x"` is a string, a Snowflake `'\\'` is one backslash, and a construct the translation does
 * not know fails loudly. The translation is @polyglot-sql/sdk (a port of sqlglot); where it
 * leaves a warehouse function untranslated that DuckDB has under another name, FIXUPS renames it.
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

/**
 * Functions the translation passes through unchanged although the target spells them
 * differently; each is the same function under another name (same arguments, same result).
 */
const FIXUPS: Partial<Record<`${SqlDialectName | '*'}>${SqlDialectName}`, Array<[RegExp, string]>>> = {
  // From any dialect, a negative day count comes out as `INTERVAL -7 DAY`, which DuckDB reads only parenthesized.
  '*>duckdb': [[/\bINTERVAL -(\d+) DAY\b/g, 'INTERVAL (-$1) DAY']],
  // Spark's get_json_object takes the JSONPath DuckDB's json_extract_string takes.
  'databricks>duckdb': [
    [/\bGET_JSON_OBJECT\(/g, 'json_extract_string('],
    // sequence(start, stop, step) is DuckDB's generate_series (both inclusive).
    [/\bSEQUENCE\(/g, 'generate_series('],
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
  const fix = (statement: string) => fixups.reduce((text, [pattern, name]) => text.replace(pattern, name), statement);
  return result.sql.map(fix);
}

/** One statement of `from`'s dialect as DuckDB SQL (refuses several statements). */
export async function toDuckDB(sql: string, from: SqlDialectName): Promise<string> {
  const statements = await translate(sql, from, 'duckdb');
  if (statements.length !== 1) throw new Error(`Expected one ${from} statement, got ${statements.length}:\n${sql}`);
  return statements[0];
}
