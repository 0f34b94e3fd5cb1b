/**
 * A staged run on Snowflake, where DDL commits any open transaction so a run that drops and
 * creates tables cannot be rolled back: the tables the run writes are cloned (zero-copy) into
 * a staging schema of their own, the run works there (its current schema), and only when it
 * succeeds is each table swapped in with ALTER TABLE … SWAP WITH (or moved, when new). A run
 * that fails leaves the tables in the schema as they were; the staging schema is dropped
 * either way. The swaps are one metadata statement per table, in the order given (the
 * pipeline's state table last); they are not atomic together, so a connection lost between
 * two swaps leaves some tables new and the state old, and the next full refresh restates
 * them. A staging schema left by a crash is named `<schema>_STAGING_<hex>` and can be dropped.
 */
import { randomBytes } from 'node:crypto';
import type { SqlStatements } from '../types.js';

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The base tables of `schema`, their names as Snowflake keeps them. */
async function tablesOf(sql: SqlStatements, schema: string): Promise<string[]> {
  const { rows } = await sql.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE UPPER(table_schema) = UPPER($1) AND table_type = 'BASE TABLE'`,
    [schema],
  );
  return rows.map((r) => r.table_name);
}

/** Where a run happens: the schema it writes, and the staging schema it works in. */
interface Schemas {
  schema: string;
  stage: string;
}

/** Swaps or moves every table of the staging schema into the schema; drops those the run dropped. */
async function publish(sql: SqlStatements, { schema, stage }: Schemas, order: string[], cloned: string[]) {
  const rank = (name: string) => order.findIndex((t) => t.toUpperCase() === name.toUpperCase());
  const staged = (await tablesOf(sql, stage)).sort((a, b) => rank(a) - rank(b));
  const present = new Set(await tablesOf(sql, schema));
  for (const table of staged) {
    const from = `${stage}.${quote(table)}`;
    const to = `${schema}.${quote(table)}`;
    await sql.exec(present.has(table) ? `ALTER TABLE ${from} SWAP WITH ${to}` : `ALTER TABLE ${from} RENAME TO ${to}`);
  }
  for (const table of cloned.filter((t) => !staged.includes(t))) await sql.exec(`DROP TABLE ${schema}.${quote(table)}`);
}

/** Runs `fn` on staging clones of `tables` of `schema` and swaps them in when it succeeds (see the file comment). */
export async function runStaged<T>(
  sql: SqlStatements,
  where: { schema: string; tables: string[] },
  fn: (tx: SqlStatements) => Promise<T>,
): Promise<T> {
  const schemas = { schema: where.schema, stage: `${where.schema}_staging_${randomBytes(4).toString('hex')}` };
  const wanted = new Set(where.tables.map((t) => t.toUpperCase()));
  const cloned = (await tablesOf(sql, where.schema)).filter((t) => wanted.has(t.toUpperCase()));
  // CREATE SCHEMA also makes the new schema the current one.
  await sql.exec(`CREATE SCHEMA ${schemas.stage}`);
  try {
    for (const table of cloned)
      await sql.exec(`CREATE TABLE ${schemas.stage}.${quote(table)} CLONE ${where.schema}.${quote(table)}`);
    await sql.exec(`USE SCHEMA ${schemas.stage}`);
    const result = await fn(sql);
    await sql.exec(`USE SCHEMA ${where.schema}`);
    await publish(sql, schemas, where.tables, cloned);
    return result;
  } finally {
    await sql.exec(`USE SCHEMA ${where.schema}`).catch(() => undefined);
    // Only copies are left there; a failure to drop them must not hide the run's outcome.
    await sql.exec(`DROP SCHEMA IF EXISTS ${schemas.stage} CASCADE`).catch(() => undefined);
  }
}
