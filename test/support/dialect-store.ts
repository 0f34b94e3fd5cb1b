/**
 * A store that reads SQL in a warehouse dialect: every statement is translated
 * (framework/connectors/shared/testing/sql-translate.ts) and run on a real DuckDB or
 * PostgreSQL store. The experiment pipeline picks its dialect by the store's kind, so running
 * it on this store makes it write that warehouse's SQL, which the test then sees executed.
 * Wharf's bookkeeping (experiment state and job history) is written in the dialect too and
 * translated with its parameters inlined as the dialect's literals; catalog lookups
 * (information_schema) pass through untranslated. Every translated statement of the pipeline
 * proper is recorded as the warehouse would get it.
 */
import { rewritePositionalParams } from '../../framework/connectors/shared/positional-params.js';
import { translate, type SqlDialectName } from '../../framework/connectors/shared/testing/sql-translate.js';
import { DIALECTS } from '../../framework/experiments/dialect.js';
import type { SqlExecutor, StoreConnection } from '../../framework/store/types.js';

const BOOKKEEPING = /\b(experiment_state|experiment_job_history|experiment_job_queries)\b/;
/** A catalog lookup (not a statement whose text merely mentions one, such as a job history row). */
const CATALOG = /^\s*SELECT\s[^']*\bFROM\s+information_schema\./i;

/** `sql` with its `$n` parameters as literals of `dialect`. */
function inlined(sql: string, params: unknown[] | undefined, dialect: SqlDialectName): string {
  return rewritePositionalParams(sql, (n) => {
    const v = params?.[n - 1];
    if (v === null || v === undefined) return 'NULL';
    return typeof v === 'number' ? String(v) : DIALECTS[dialect].literal(String(v));
  });
}

/** The inner store plus what the pipeline sent in the warehouse dialect. */
export interface DialectStore extends StoreConnection {
  readonly statements: string[];
}

function translating(
  inner: SqlExecutor,
  dialect: SqlDialectName,
  target: SqlDialectName,
  statements: string[],
): SqlExecutor {
  async function run<T>(sql: string, params?: unknown[]): Promise<T[]> {
    if (CATALOG.test(sql)) return inner.query<T>(sql, params);
    if (BOOKKEEPING.test(sql)) {
      let rows: T[] = [];
      for (const statement of await translate(inlined(sql, params, dialect), dialect, target))
        rows = await inner.query<T>(statement);
      return rows;
    }
    if (params?.length) {
      throw new Error(`A ${dialect} statement with parameters (the pipeline writes literals):\n${sql}`);
    }
    statements.push(sql);
    let rows: T[] = [];
    for (const statement of await translate(sql, dialect, target)) rows = await inner.query<T>(statement);
    return rows;
  }
  return {
    query: run,
    exec: async (sql) => {
      await run(sql);
    },
  };
}

/** `inner` (a DuckDB or PostgreSQL store, `target`) reading `dialect`'s SQL. */
export function dialectStore(
  inner: StoreConnection,
  dialect: SqlDialectName,
  target: SqlDialectName = inner.kind,
): DialectStore {
  const statements: string[] = [];
  const sql = translating(inner, dialect, target, statements);
  return {
    kind: dialect as StoreConnection['kind'],
    statements,
    query: sql.query,
    exec: sql.exec,
    transaction: (fn) => inner.transaction((tx) => fn(translating(tx, dialect, target, statements))),
    close: () => inner.close(),
  };
}
