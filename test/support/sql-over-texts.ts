/**
 * Test support: one SQL expression evaluated over many texts in one DuckDB statement, for the
 * tests of the store's bulk readings against JavaScript's own. The texts go into a table
 * `texts (i, t)`; the expression of column `t` comes back as text, in the texts' order.
 */
import type { DuckDBConnection } from '@duckdb/node-api';

export async function sqlOverTexts(
  connection: DuckDBConnection,
  texts: string[],
  expression: (column: string) => string,
): Promise<(string | null)[]> {
  await connection.run('CREATE OR REPLACE TABLE texts (i INTEGER, t VARCHAR)');
  const appender = await connection.createAppender('texts');
  texts.forEach((t, i) => {
    appender.appendInteger(i);
    appender.appendVarchar(t);
    appender.endRow();
  });
  appender.closeSync();
  const reader = await connection.runAndReadAll(`SELECT CAST(${expression('t')} AS VARCHAR) FROM texts ORDER BY i`);
  return reader.getRowsJS().map(([value]) => value as string | null);
}
