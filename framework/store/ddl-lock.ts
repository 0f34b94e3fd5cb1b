/**
 * Table creation that is safe when several processes start at once. PostgreSQL's
 * `CREATE TABLE IF NOT EXISTS` races with itself across sessions (a duplicate-key error on
 * pg_type), so on PostgreSQL every schema change takes one transaction-scoped advisory lock.
 * DuckDB allows one writing process per file; within the process, DDL runs on the store's
 * own connection, one statement after another (two transactions creating the same table
 * would conflict in DuckDB's catalog).
 */
import type { SqlExecutor, StoreConnection } from './types.js';

/** Arbitrary but fixed: the advisory lock key all of Wharf's schema changes share. */
export const SCHEMA_LOCK_KEY = 7_274_193;

/** Takes the schema lock inside a transaction (PostgreSQL only). */
export async function lockSchema(connection: StoreConnection, tx: SqlExecutor): Promise<void> {
  if (connection.kind === 'postgres') await tx.query(`SELECT pg_advisory_xact_lock(${SCHEMA_LOCK_KEY})`);
}

/** Runs DDL statements in one transaction under the schema lock. */
export async function runDdl(connection: StoreConnection, statements: readonly string[]): Promise<void> {
  if (connection.kind === 'duckdb') {
    for (const statement of statements) await connection.exec(statement);
    return;
  }
  await connection.transaction(async (tx) => {
    await lockSchema(connection, tx);
    for (const statement of statements) await tx.exec(statement);
  });
}
