/**
 * A staged run on Snowflake (shared/staged-run.ts), where DDL commits any open transaction so
 * a run that drops and creates tables cannot be rolled back: the tables are cloned
 * (zero-copy) into the staging schema, the run works there (its current schema), and each
 * staged table is swapped in with ALTER TABLE … SWAP WITH (or moved, when new). The swaps are
 * one metadata statement per table; they are not atomic together, so a connection lost
 * between two swaps leaves some tables new and the state old, and the next full refresh
 * restates them. A staging schema left by a crash is named `<schema>_STAGING_<hex>`.
 */
import { runStaged as runStagedOn, type StagingEngine } from '../shared/staged-run.js';
import type { SqlStatements } from '../types.js';

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

const snowflakeStaging: StagingEngine = {
  // The base tables, their names as Snowflake keeps them.
  tablesSql: `SELECT table_name FROM information_schema.tables WHERE UPPER(table_schema) = UPPER($1) AND table_type = 'BASE TABLE'`,
  quote,
  fold: (name) => name.toUpperCase(),
  sameTable: (staged, cloned) => staged === cloned,
  cloneSql: (from, to) => `CREATE TABLE ${to} CLONE ${from}`,
  async enter(sql, { stage }) {
    // CREATE SCHEMA made the staging schema the current one already; the run must not depend on that.
    await sql.exec(`USE SCHEMA ${stage}`);
    return sql;
  },
  async leave(sql, { schema }) {
    await sql.exec(`USE SCHEMA ${schema}`);
  },
  async publish({ sql, schemas: { schema, stage }, staged, tablesOf }) {
    const present = new Set(await tablesOf(schema));
    for (const table of staged) {
      const from = `${stage}.${quote(table)}`;
      const to = `${schema}.${quote(table)}`;
      await sql.exec(
        present.has(table) ? `ALTER TABLE ${from} SWAP WITH ${to}` : `ALTER TABLE ${from} RENAME TO ${to}`,
      );
    }
  },
};

/** Runs `fn` on staging clones of `tables` of `schema` and swaps them in when it succeeds (see the file comment). */
export function runStaged<T>(
  sql: SqlStatements,
  where: { schema: string; tables: string[] },
  fn: (tx: SqlStatements) => Promise<T>,
): Promise<T> {
  return runStagedOn(sql, snowflakeStaging, where, fn);
}
