/**
 * What the BigQuery REST fake does beyond one statement per job, as BigQuery does it:
 * - a job's `defaultDataset` resolves its unqualified table names (DuckDB's default schema for
 *   the job);
 * - `dataset.INFORMATION_SCHEMA.TABLES` lists that dataset's tables, and an INFORMATION_SCHEMA
 *   view without a dataset (or region) qualifier is refused;
 * - a query of several statements is a script, run in order; `BEGIN TRANSACTION` …
 *   `COMMIT TRANSACTION` in it is one DuckDB transaction that takes SELECT and DML only — DDL on
 *   permanent tables is refused inside it, as BigQuery refuses it — and is rolled back on the
 *   first error or when the script ends without committing. A transaction never spans jobs.
 */
import type { DuckDBConnection } from '@duckdb/node-api';

/** The statements of a script, split at semicolons outside quotes, comments and empty statements dropped. */
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let current = '';
  let quote: string | null = null;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i];
    if (quote) {
      current += c;
      if (c === '\\') current += sql[++i] ?? '';
      else if (c === quote) quote = null;
    } else if (c === '-' && sql[i + 1] === '-') {
      while (i < sql.length && sql[i] !== '\n') i++;
      current += '\n';
    } else if (c === ';') {
      statements.push(current);
      current = '';
    } else {
      if (c === "'" || c === '"' || c === '`') quote = c;
      current += c;
    }
  }
  statements.push(current);
  return statements.map((s) => s.trim()).filter((s) => s.length > 0);
}

/** Whether the query is a script: several statements, or transaction control. */
export function isScript(statements: string[]): boolean {
  return statements.length > 1 || statements.some((s) => TRANSACTION_CONTROL.test(s));
}

const TRANSACTION_CONTROL = /^(BEGIN|COMMIT|ROLLBACK)\b/i;
const PERMANENT_DDL = /^(CREATE|DROP|ALTER)\b(?!\s+(OR\s+REPLACE\s+)?TEMP(ORARY)?\b)/i;

const PLACEHOLDER = 'wharf_fake_information_schema_tables__';

/**
 * DuckDB SQL for a GoogleSQL statement (`translate`), with `dataset.INFORMATION_SCHEMA.TABLES`
 * (the dataset bare or in backticks) read as the DuckDB schema's tables; refuses an
 * unqualified INFORMATION_SCHEMA view. The view passes the translation as a placeholder table.
 */
export async function withInformationSchema(sql: string, translate: (sql: string) => Promise<string>): Promise<string> {
  // String literals first, so a view's name inside one (a statement text in the job history) stays as written.
  const tokens = /'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|(`?)([A-Za-z_][\w-]*)\1\.INFORMATION_SCHEMA\.TABLES\b/gi;
  const code = sql.replace(tokens, (token, _tick, dataset: string | undefined) => (dataset ? '' : "''"));
  if (/\bINFORMATION_SCHEMA\./i.test(code)) {
    throw new Error(
      'INFORMATION_SCHEMA views must be qualified with a dataset or a region (dataset.INFORMATION_SCHEMA.TABLES)',
    );
  }
  const marked = sql.replace(tokens, (token, _tick, dataset: string | undefined) =>
    dataset ? PLACEHOLDER + dataset : token,
  );
  return (await translate(marked)).replace(
    new RegExp(`"?${PLACEHOLDER}(\\w+)"?`, 'g'),
    (_m, dataset: string) =>
      `(SELECT table_catalog, table_schema, table_name, table_type FROM information_schema.tables WHERE table_schema = '${dataset}' AND NOT table_catalog = 'temp')`,
  );
}

/** Runs `work` with `dataset` (when given) as the schema unqualified names resolve to. */
export async function inDataset<T>(
  connection: DuckDBConnection,
  dataset: string | undefined,
  work: () => Promise<T>,
): Promise<T> {
  if (!dataset) return work();
  await connection.run(`SET schema = '${dataset.replaceAll("'", "''")}'`);
  try {
    return await work();
  } finally {
    await connection.run("SET schema = 'main'");
  }
}

/** Runs a script's statements in order, `runOne` running each that is not transaction control. */
export async function runScript(
  connection: DuckDBConnection,
  statements: string[],
  runOne: (sql: string) => Promise<void>,
): Promise<void> {
  let open = false;
  try {
    for (const statement of statements) {
      if (/^BEGIN\s+TRANSACTION$/i.test(statement)) {
        if (open) throw new Error('Transaction already started; transactions cannot be nested');
        await connection.run('BEGIN TRANSACTION');
        open = true;
      } else if (/^(COMMIT|ROLLBACK)(\s+TRANSACTION)?$/i.test(statement)) {
        if (!open) throw new Error(`${statement.split(/\s/)[0].toUpperCase()} without a transaction in progress`);
        await connection.run(statement.split(/\s/)[0].toUpperCase());
        open = false;
      } else if (TRANSACTION_CONTROL.test(statement)) {
        throw new Error(`The fake does not run script blocks: ${statement.slice(0, 80)}`);
      } else {
        if (open && PERMANENT_DDL.test(statement)) {
          throw new Error(
            `${statement.split(/\s/)[0].toUpperCase()} of a permanent entity is not supported inside a transaction`,
          );
        }
        await runOne(statement);
      }
    }
  } finally {
    // An error, or the end of the script before COMMIT: BigQuery rolls the transaction back.
    if (open) await connection.run('ROLLBACK');
  }
}
