/**
 * A store that reads SQL in a warehouse dialect: every statement is translated
 * (framework/connectors/shared/testing/sql-translate.ts) and run on a real DuckDB or
 * PostgreSQL store. The experiment pipeline picks its dialect by the store's kind, so running
 * it on this store makes it write that warehouse's SQL, which the test then sees executed.
 * Wharf's bookkeeping (experiment state and job history, in the store's own dialect) passes
 * through untranslated. Every translated statement is recorded as the warehouse would get it.
 */
import { translate, type SqlDialectName } from '../../framework/connectors/shared/testing/sql-translate.js';
import type { SqlExecutor, StoreConnection } from '../../framework/store/types.js';

const BOOKKEEPING = /\b(experiment_state|experiment_job_history|experiment_job_queries|information_schema)\b/;

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
    if (BOOKKEEPING.test(sql)) return inner.query<T>(sql, params);
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
