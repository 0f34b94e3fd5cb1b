/**
 * What the Databricks fake models for a SQL session's statements, as Databricks documents
 * them: named parameters (`:name`, with the request's `parameters`), Delta's SHALLOW/DEEP
 * CLONE (run as a copy), and writes answered with Delta's counts (`num_affected_rows`, and
 * `num_inserted_rows` for an INSERT or CREATE TABLE … AS) instead of DuckDB's `Count`.
 */
import type { BackendResult, DuckDBBackend } from '../../../test/support/duckdb-backend.js';

/** A request's named parameter; no value is NULL. */
export interface FakeParameter {
  name: string;
  value?: string;
  type?: string;
}

const NUMERIC = /^(TINYINT|SMALLINT|INT|INTEGER|BIGINT|LONG|FLOAT|DOUBLE|DECIMAL.*|BOOLEAN)$/i;
const NAME = String.raw`((?:\x60[^\x60]+\x60|[A-Za-z_]\w*)(?:\.(?:\x60[^\x60]+\x60|[A-Za-z_]\w*))*)`;
const CLONE = new RegExp(
  String.raw`^\s*CREATE\s+(OR\s+REPLACE\s+)?TABLE\s+${NAME}\s+(?:SHALLOW|DEEP)\s+CLONE\s+${NAME}\s*;?\s*$`,
  'i',
);
const INSERTS = /^\s*(INSERT|CREATE\s+(OR\s+REPLACE\s+)?TABLE\s[^(]*\sAS\s)/i;
const WRITES = /^\s*(INSERT|UPDATE|DELETE|MERGE|CREATE\s+(OR\s+REPLACE\s+)?TABLE\s[^(]*\sAS\s)/i;

/** The Databricks statement with its parameters bound and a clone spelled as a copy. */
export function prepareStatement(statement: string, parameters: FakeParameter[] = []): string {
  const byName = new Map(parameters.map((p) => [p.name, p]));
  const bound = statement.replace(/'(?:[^'\\]|\\.)*'|:([A-Za-z_]\w*)/g, (match, name: string | undefined) => {
    const p = name === undefined ? undefined : byName.get(name);
    if (!p) return match;
    if (p.value === undefined) return 'NULL';
    if (NUMERIC.test(p.type ?? 'STRING')) return p.value;
    return `'${p.value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  });
  const clone = CLONE.exec(bound);
  return clone ? `CREATE ${clone[1] ?? ''}TABLE ${clone[2]} AS SELECT * FROM ${clone[3]}` : bound;
}

/** A write's result in Delta's shape; any other result as it is. */
export async function writeResult(backend: DuckDBBackend, statement: string, result: BackendResult) {
  if (!WRITES.test(statement) || result.columns.length !== 1 || result.columns[0].name !== 'Count') return result;
  const n = Number(result.rows[0]?.[0] ?? 0);
  const inserted = INSERTS.test(statement) ? `, CAST(${n} AS BIGINT) AS num_inserted_rows` : '';
  return backend.run(`SELECT CAST(${n} AS BIGINT) AS num_affected_rows${inserted}`);
}
