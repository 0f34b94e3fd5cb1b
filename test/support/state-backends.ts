/**
 * The store backends every state test runs against: a DuckDB file and a fresh PostgreSQL
 * database on the test server. One suite, both backends.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBStoreConnection } from '../../framework/store/duckdb/executor.js';
import { PostgresStoreConnection } from '../../framework/store/postgres/executor.js';
import type { StoreConnection } from '../../framework/store/types.js';
import { createTestDatabase } from './postgres.js';

export const STATE_BACKENDS: Record<string, () => Promise<StoreConnection>> = {
  duckdb: async () => DuckDBStoreConnection.open(join(mkdtempSync(join(tmpdir(), 'wharf-state-')), 'store.duckdb')),
  postgres: async () => PostgresStoreConnection.open(await createTestDatabase('wharf_state'), 'wharf'),
};
