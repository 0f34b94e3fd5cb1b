/**
 * A staged run, for warehouses whose DDL cannot be rolled back with the run (Snowflake's DDL
 * commits any open transaction; Databricks has no multi-statement transactions): the tables
 * the run writes are cloned into a staging schema of their own, the run works there, and only
 * when it succeeds is each staged table put in place of its original, in the order given (the
 * pipeline's state table last); tables the run dropped are dropped. A run that fails leaves
 * the tables as they were; the staging schema is dropped either way. A staging schema left by
 * a crash is named `<schema>_staging_<hex>` and can be dropped. Each warehouse supplies its
 * SQL (StagingEngine).
 */
import { randomBytes } from 'node:crypto';
import type { SqlStatements } from '../types.js';

/** Where a run happens: the schema it writes, and the staging schema it works in. */
export interface StagingSchemas {
  schema: string;
  stage: string;
}

/** What a staged table's publication is given. */
export interface StagedTables {
  sql: SqlStatements;
  schemas: StagingSchemas;
  /** The staged tables, in publication order. */
  staged: string[];
  /** The tables of a schema, as the engine lists them. */
  tablesOf(schema: string): Promise<string[]>;
}

/** One warehouse's side of a staged run. */
export interface StagingEngine {
  /** The query of the tables of the schema bound to $1 that a run may stage, as a `table_name` column. */
  tablesSql: string;
  quote(name: string): string;
  /** A name as the warehouse matches it: the tables asked for and the publication order. */
  fold(name: string): string;
  /** Whether a staged table is the cloned table `cloned` (cloned tables with none were dropped by the run). */
  sameTable(staged: string, cloned: string): boolean;
  /** The statement that clones the (qualified) table `from` as `to`. */
  cloneSql(from: string, to: string): string;
  /** Makes the staging schema the run's, returning the statements the run gets. */
  enter(sql: SqlStatements, schemas: StagingSchemas): Promise<SqlStatements>;
  /** Back to the schema (also after a failure). */
  leave(sql: SqlStatements, schemas: StagingSchemas): Promise<void>;
  /** Puts each staged table in place of its original (or in the schema, when new). */
  publish(tables: StagedTables): Promise<void>;
}

async function tablesOf(sql: SqlStatements, engine: StagingEngine, schema: string): Promise<string[]> {
  const { rows } = await sql.query<{ table_name: string }>(engine.tablesSql, [schema]);
  return rows.map((r) => r.table_name);
}

/** Publishes every table of the staging schema, in `order`; drops the cloned tables the run dropped. */
async function publish(
  sql: SqlStatements,
  engine: StagingEngine,
  { schemas, order, cloned }: { schemas: StagingSchemas; order: string[]; cloned: string[] },
) {
  const rank = (name: string) => order.findIndex((t) => engine.fold(t) === engine.fold(name));
  const staged = (await tablesOf(sql, engine, schemas.stage)).sort((a, b) => rank(a) - rank(b));
  await engine.publish({ sql, schemas, staged, tablesOf: (schema) => tablesOf(sql, engine, schema) });
  for (const table of cloned.filter((t) => !staged.some((s) => engine.sameTable(s, t))))
    await sql.exec(`DROP TABLE ${schemas.schema}.${engine.quote(table)}`);
}

/** Runs `fn` on staging clones of `tables` of `schema` and publishes them when it succeeds (see the file comment). */
export async function runStaged<T>(
  sql: SqlStatements,
  engine: StagingEngine,
  where: { schema: string; tables: string[] },
  fn: (tx: SqlStatements) => Promise<T>,
): Promise<T> {
  const schemas = { schema: where.schema, stage: `${where.schema}_staging_${randomBytes(4).toString('hex')}` };
  const wanted = new Set(where.tables.map((t) => engine.fold(t)));
  const cloned = (await tablesOf(sql, engine, where.schema)).filter((t) => wanted.has(engine.fold(t)));
  await sql.exec(`CREATE SCHEMA ${schemas.stage}`);
  try {
    for (const table of cloned) {
      const name = engine.quote(table);
      await sql.exec(engine.cloneSql(`${where.schema}.${name}`, `${schemas.stage}.${name}`));
    }
    const result = await fn(await engine.enter(sql, schemas));
    await engine.leave(sql, schemas);
    await publish(sql, engine, { schemas, order: where.tables, cloned });
    return result;
  } finally {
    await engine.leave(sql, schemas).catch(() => undefined);
    // Only copies are left there; a failure to drop them must not hide the run's outcome.
    await sql.exec(`DROP SCHEMA IF EXISTS ${schemas.stage} CASCADE`).catch(() => undefined);
  }
}
