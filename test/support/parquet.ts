/**
 * Writes real parquet files with DuckDB (`COPY ... TO ... (FORMAT parquet)`) for tests that
 * upload them to the test S3 server.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDuckDB } from '../../framework/util/duckdb.js';

/** The parquet bytes of a DuckDB query's result. */
export async function parquetFromSql(selectSql: string): Promise<Buffer> {
  const folder = mkdtempSync(join(tmpdir(), 'wharf-parquet-'));
  const db = await openDuckDB(':memory:');
  try {
    const path = join(folder, 'out.parquet');
    await db.connection.run(`COPY (${selectSql}) TO '${path}' (FORMAT parquet)`);
    return readFileSync(path);
  } finally {
    db.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

/** A SQL literal for a test value (strings quoted, null as NULL). */
export function sqlLiteral(value: string | number | boolean | null): string {
  if (value === null) return 'NULL';
  if (typeof value === 'string') return `'${value.replace(/'/g, "''")}'`;
  return String(value);
}
