/**
 * A staged run on Databricks, which has no multi-statement transactions: the tables the run
 * writes are shallow-cloned (no data copied) into a staging schema, the run works there (its
 * statements' default schema), and only when it succeeds is each staged table copied over
 * its original with CREATE OR REPLACE TABLE … DEEP CLONE: one atomic Delta commit per table,
 * which keeps the table's history (time travel) and copies only the files that changed.
 * A run that fails leaves the tables as they were; the staging schema is dropped either way.
 * The replacements are not atomic together: a connection lost between two leaves some tables
 * new and the state (replaced last) old, and the next full refresh restates them. A staging
 * schema left by a crash is named `<schema>_staging_<hex>` and can be dropped.
 */
import { randomBytes } from 'node:crypto';
import type { SqlStatements } from '@wharf/framework';

const quote = (name: string) => `\`${name.replace(/`/g, '``')}\``;

/** The tables of `schema` (views excluded). */
async function tablesOf(sql: SqlStatements, schema: string): Promise<string[]> {
  const { rows } = await sql.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE lower(table_schema) = lower($1) AND table_type <> 'VIEW'`,
    [schema],
  );
  return rows.map((r) => r.table_name);
}

/** Where a run happens: the schema it writes, and the staging schema it works in. */
interface Schemas {
  schema: string;
  stage: string;
}

/** Replaces each table of the schema by its staged version; drops those the run dropped. */
async function publish(sql: SqlStatements, { schema, stage }: Schemas, order: string[], cloned: string[]) {
  const rank = (name: string) => order.findIndex((t) => t.toLowerCase() === name.toLowerCase());
  const staged = (await tablesOf(sql, stage)).sort((a, b) => rank(a) - rank(b));
  for (const table of staged)
    await sql.exec(`CREATE OR REPLACE TABLE ${schema}.${quote(table)} DEEP CLONE ${stage}.${quote(table)}`);
  const left = new Set(staged.map((t) => t.toLowerCase()));
  for (const table of cloned.filter((t) => !left.has(t.toLowerCase())))
    await sql.exec(`DROP TABLE ${schema}.${quote(table)}`);
}

/**
 * Runs `fn` on staging clones of `tables` of `schema` (see the file comment); `inSchema` gives
 * statements whose unqualified names resolve to another schema.
 */
export async function runStaged<T>(
  sql: SqlStatements,
  where: { schema: string; tables: string[]; inSchema: (schema: string) => SqlStatements },
  fn: (tx: SqlStatements) => Promise<T>,
): Promise<T> {
  const schemas = { schema: where.schema, stage: `${where.schema}_staging_${randomBytes(4).toString('hex')}` };
  const wanted = new Set(where.tables.map((t) => t.toLowerCase()));
  const cloned = (await tablesOf(sql, where.schema)).filter((t) => wanted.has(t.toLowerCase()));
  await sql.exec(`CREATE SCHEMA ${schemas.stage}`);
  try {
    for (const table of cloned)
      await sql.exec(`CREATE TABLE ${schemas.stage}.${quote(table)} SHALLOW CLONE ${where.schema}.${quote(table)}`);
    const result = await fn(where.inSchema(schemas.stage));
    await publish(sql, schemas, where.tables, cloned);
    return result;
  } finally {
    // Only copies are left there; a failure to drop them must not hide the run's outcome.
    await sql.exec(`DROP SCHEMA IF EXISTS ${schemas.stage} CASCADE`).catch(() => undefined);
  }
}
