import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DuckDBStoreConnection } from './executor.js';
import { migrateStore } from '../migrate.js';

/**
 * The compression a new store gives the events columns (in `event_rows`, under the `events`
 * view), as DuckDB reports it for the written segments (a method the storage version does not
 * offer is silently replaced by another, so the table's definition alone does not say it).
 */
describe('DuckDB store events columns', () => {
  it('stores the mostly distinct texts with zstd and the timeuuids as they are', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'wharf-events-compression-')), 'store.duckdb');
    const store = await DuckDBStoreConnection.open(path);
    try {
      await migrateStore(store, 'duckdb');
      await store.exec(`INSERT INTO event_rows SELECT 1, DATE '2026-10-01', TIMESTAMP '2026-10-01 08:00:00', 'click',
        NULL, '{"page":"/p' || i || '"}', '{"userID":"u' || i || '"}', 'u' || i, NULL, CAST(uuid() AS VARCHAR)
        FROM range(5000) AS r(i)`);
      await store.exec('CHECKPOINT');
      const rows = await store.query<{ column_name: string; compression: string }>(
        `SELECT DISTINCT column_name, compression FROM pragma_storage_info('event_rows')
         WHERE segment_type = 'VARCHAR' AND column_name IN ('event_metadata', 'user', 'user_id', 'timeuuid')
         ORDER BY column_name`,
      );
      expect(rows).toEqual([
        { column_name: 'event_metadata', compression: 'ZSTD' },
        { column_name: 'timeuuid', compression: 'Uncompressed' },
        { column_name: 'user', compression: 'ZSTD' },
        { column_name: 'user_id', compression: 'ZSTD' },
      ]);
    } finally {
      await store.close();
    }
  });
});
