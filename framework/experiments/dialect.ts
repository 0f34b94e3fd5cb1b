/**
 * The few SQL differences between the engines the pipeline runs on. Everything else in the
 * pipeline is SQL both DuckDB and PostgreSQL accept as written (CTEs, window functions,
 * var_samp/covar_samp, percentile_cont … WITHIN GROUP, DATE + integer). A further engine
 * (Snowflake, BigQuery) is one more object implementing this interface plus a test run of
 * the pipeline on it; none is registered until such a test exists.
 */
import { WharfError } from '../diagnostics/errors.js';

/** One engine's spelling of the few SQL constructs the pipeline cannot write portably. */
export interface ExperimentDialect {
  readonly name: string;
  /** Longest table name the engine keeps without truncating it. */
  readonly maxIdentifierLength: number;
  /** Text value of `key` in a JSON text column (NULL when absent). */
  jsonText(column: string, key: string): string;
  /** The expression as DOUBLE, or NULL when it is not a number. */
  numericOrNull(expression: string): string;
  /** A subquery of one DATE column `day`, one row per day from `from` to `to` (SQL expressions). */
  daySeries(from: string, to: string): string;
  /** Type name of a double-precision column. */
  readonly double: string;
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
   * experiment never interleave; null where the engine allows one writer anyway (DuckDB).
   */
  transactionLock(key: string): string | null;
}

/** A SQL string literal. */
export function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A quoted identifier. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

const duckdb: ExperimentDialect = {
  name: 'duckdb',
  maxIdentifierLength: 255,
  jsonText: (column, key) => `json_extract_string(${column}, ${literal(`$."${key.replace(/"/g, '\\"')}"`)})`,
  numericOrNull: (e) => `TRY_CAST(${e} AS DOUBLE)`,
  daySeries: (from, to) => `SELECT CAST(d AS DATE) AS day FROM generate_series(CAST(${from} AS DATE), CAST(${to} AS DATE), INTERVAL 1 DAY) AS t(d)`,
  double: 'DOUBLE',
  dropTable: (name) => `DROP TABLE IF EXISTS ${ident(name)}`,
  analyze: () => null,
  transactionLock: () => null,
};

const postgres: ExperimentDialect = {
  name: 'postgres',
  maxIdentifierLength: 63,
  jsonText: (column, key) => `(CAST(${column} AS JSON) ->> ${literal(key)})`,
  numericOrNull: (e) => `(CASE WHEN ${e} ~ '^\\s*[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?\\s*$' THEN CAST(${e} AS DOUBLE PRECISION) END)`,
  daySeries: (from, to) => `SELECT CAST(d AS DATE) AS day FROM generate_series(CAST(${from} AS DATE), CAST(${to} AS DATE), INTERVAL '1 day') AS t(d)`,
  double: 'DOUBLE PRECISION',
  dropTable: (name) => `DROP TABLE IF EXISTS ${ident(name)}`,
  analyze: (name) => `ANALYZE ${ident(name)}`,
  transactionLock: (key) => `SELECT pg_advisory_xact_lock(hashtext(${literal(key)}))`,
};

/** Dialects by store kind. */
export const DIALECTS = { duckdb, postgres } satisfies Record<string, ExperimentDialect>;

/** The dialect of a store kind; an engine without one is refused with a clear error. */
export function dialectFor(kind: string): ExperimentDialect {
  const dialect = (DIALECTS as Record<string, ExperimentDialect>)[kind];
  if (!dialect) {
    throw new WharfError(`The experiment pipeline does not run on '${kind}' yet.`, {
      code: 'experiment.dialect-unsupported',
      errorClass: 'config',
      hint: `Supported: ${Object.keys(DIALECTS).join(', ')}.`,
    });
  }
  return dialect;
}
