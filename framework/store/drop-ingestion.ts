/**
 * Deletes what the store holds of an ingestion whose mapping was removed: its rows, rejects
 * and ledger (the attempt history stays). The DuckDB store's rows name the ingestion by its
 * number (DUCKDB_ROWS in schema.ts); the number stays, for a later mapping of the same name.
 */
import { DUCKDB_ROWS, TABLES } from './schema.js';
import type { SqlExecutor, StoreConnection } from './types.js';

export async function dropIngestionData(
  tx: SqlExecutor,
  kind: StoreConnection['kind'],
  ingestion: string,
): Promise<void> {
  if (kind === 'duckdb') {
    const id = `(SELECT id FROM ${DUCKDB_ROWS.ingestionIds} WHERE name = $1)`;
    for (const table of [DUCKDB_ROWS.events, DUCKDB_ROWS.metrics])
      await tx.query(`DELETE FROM ${table} WHERE ingestion_id = ${id}`, [ingestion]);
  } else {
    for (const table of [TABLES.events, TABLES.metrics])
      await tx.query(`DELETE FROM ${table} WHERE ingestion = $1`, [ingestion]);
  }
  for (const table of [TABLES.rejects, TABLES.ledger])
    await tx.query(`DELETE FROM ${table} WHERE ingestion = $1`, [ingestion]);
}
