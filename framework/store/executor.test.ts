import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/support/postgres.js';
import { DuckDBStoreConnection } from './duckdb/executor.js';
import { PostgresStoreConnection } from './postgres/executor.js';
import type { StoreConnection } from './types.js';

const backends: Record<string, () => Promise<StoreConnection>> = {
  duckdb: async () => DuckDBStoreConnection.open(join(mkdtempSync(join(tmpdir(), 'wharf-store-')), 'store.duckdb')),
  postgres: async () => PostgresStoreConnection.open(await createTestDatabase(), 'wharf'),
};

describe.each(Object.entries(backends))('%s store connection', (_name, open) => {
  let store: StoreConnection | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  it('returns normalized values with $n parameters', async () => {
    store = await open();
    const [row] = await store.query<Record<string, unknown>>(
      "SELECT CAST($1 AS BIGINT) AS small, CAST('9007199254740993' AS BIGINT) AS big, DATE '2024-03-01' AS d, CAST('2024-03-01 07:59:59' AS TIMESTAMP) AS ts, CAST(1.25 AS DOUBLE PRECISION) AS x, CAST($2 AS VARCHAR) AS s",
      [42, 'hello'],
    );
    expect(row).toEqual({
      small: 42,
      big: 9007199254740993n,
      d: '2024-03-01',
      ts: new Date('2024-03-01T07:59:59Z'),
      x: 1.25,
      s: 'hello',
    });
  });

  it('commits a transaction as a whole and rolls it back as a whole', async () => {
    store = await open();
    await store.exec('CREATE TABLE t (v INTEGER)');
    await store.transaction(async (tx) => {
      await tx.query('INSERT INTO t VALUES ($1)', [1]);
      await tx.query('INSERT INTO t VALUES ($1)', [2]);
    });
    await expect(
      store.transaction(async (tx) => {
        await tx.query('INSERT INTO t VALUES ($1)', [3]);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const rows = await store.query<{ v: number }>('SELECT v FROM t ORDER BY v');
    expect(rows.map((r) => r.v)).toEqual([1, 2]);
  });
});
