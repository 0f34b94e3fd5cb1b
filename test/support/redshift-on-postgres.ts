/**
 * The Redshift experiment session on the PostgreSQL test server: the real `redshift`
 * connector's session (connection, search path, UTC, schema, transactions, statement
 * reports), with each statement it is given, written in Redshift's SQL, recorded as Redshift
 * gets it and run translated Redshift → PostgreSQL (sql-translate.ts). Redshift's SQL is
 * PostgreSQL 8's with its own functions (DATEADD, DATEDIFF, JSON_EXTRACT_PATH_TEXT on text,
 * REGEXP_REPLACE replacing every match), which PostgreSQL does not run as written; the
 * translation is where they are rewritten, so the statements themselves stay Redshift's.
 */
import { translate } from '../../framework/connectors/shared/testing/sql-translate.js';
import type { SqlSession, SqlStatements, StatementReport } from '../../framework/connectors/types.js';

/** Redshift's JSON_EXTRACT_PATH_TEXT takes text holding JSON; PostgreSQL's takes json. Run once per database. */
export const JSON_TEXT_OVERLOAD = `CREATE FUNCTION public.json_extract_path_text(text, VARIADIC text[]) RETURNS text
  LANGUAGE sql IMMUTABLE AS 'SELECT json_extract_path_text($1::json, VARIADIC $2)'`;

/** A session whose statements are Redshift's, run on PostgreSQL. */
export interface RedshiftOnPostgres extends SqlSession {
  /** Every statement as Redshift would get it. */
  readonly statements: string[];
}

async function translated(sql: string, statements: string[]): Promise<string[]> {
  statements.push(sql);
  return translate(sql, 'redshift', 'postgres');
}

function translating(inner: SqlStatements, statements: string[]): SqlStatements {
  return {
    async query<T>(sql: string, params?: unknown[]) {
      const all = await translated(sql, statements);
      if (all.length !== 1) throw new Error(`Expected one statement, got ${all.length}:\n${sql}`);
      return inner.query<T>(all[0], params);
    },
    async exec(sql: string) {
      let report: StatementReport | undefined;
      for (const statement of await translated(sql, statements)) report = await inner.exec(statement);
      return report!;
    },
  };
}

export function redshiftOnPostgres(session: SqlSession): RedshiftOnPostgres {
  const statements: string[] = [];
  const run = translating(session, statements);
  return {
    kind: session.kind,
    sourceName: session.sourceName,
    schema: session.schema,
    statements,
    query: run.query,
    exec: run.exec,
    async describe(sql) {
      const [statement] = await translated(sql, statements);
      return session.describe(statement);
    },
    transaction: (fn) => session.transaction!((tx) => fn(translating(tx, statements))),
    close: () => session.close(),
  };
}
