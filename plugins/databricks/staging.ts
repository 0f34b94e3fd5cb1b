/**
 * A staged run on Databricks (the framework's runStaged), which has no multi-statement
 * transactions: the tables are shallow-cloned (no data copied) into the staging schema, the
 * run works there (its statements' default schema), and each staged table is copied over its
 * original with CREATE OR REPLACE TABLE … DEEP CLONE: one atomic Delta commit per table, which
 * keeps the table's history (time travel) and copies only the files that changed. The
 * replacements are not atomic together: a connection lost between two leaves some tables new
 * and the state (replaced last) old, and the next full refresh restates them.
 */
import { runStaged as runStagedOn, type SqlStatements, type StagingEngine } from '@wharf/framework';

const quote = (name: string) => `\`${name.replace(/`/g, '``')}\``;

/** Databricks' side of a staged run; `inSchema` gives statements whose unqualified names resolve to another schema. */
function databricksStaging(inSchema: (schema: string) => SqlStatements): StagingEngine {
  return {
    // The tables, views excluded.
    tablesSql: `SELECT table_name FROM information_schema.tables WHERE lower(table_schema) = lower($1) AND table_type <> 'VIEW'`,
    quote,
    fold: (name) => name.toLowerCase(),
    sameTable: (staged, cloned) => staged.toLowerCase() === cloned.toLowerCase(),
    cloneSql: (from, to) => `CREATE TABLE ${to} SHALLOW CLONE ${from}`,
    enter: (_sql, { stage }) => Promise.resolve(inSchema(stage)),
    leave: () => Promise.resolve(),
    async publish({ sql, schemas: { schema, stage }, staged }) {
      for (const table of staged)
        await sql.exec(`CREATE OR REPLACE TABLE ${schema}.${quote(table)} DEEP CLONE ${stage}.${quote(table)}`);
    },
  };
}

/** Runs `fn` on staging clones of `tables` of `schema` (see the file comment). */
export function runStaged<T>(
  sql: SqlStatements,
  where: { schema: string; tables: string[]; inSchema: (schema: string) => SqlStatements },
  fn: (tx: SqlStatements) => Promise<T>,
): Promise<T> {
  return runStagedOn(sql, databricksStaging(where.inSchema), { schema: where.schema, tables: where.tables }, fn);
}
