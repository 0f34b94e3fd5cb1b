/**
 * Closing a DuckDB store while work runs on it, as an agent's shutdown does during a scheduler
 * run: the close waits for the statements, transactions and day loads under way (closing the
 * instance under a queued statement crashed the process), and refuses new ones.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../open-store.js';
import { DuckDBStoreConnection } from './executor.js';

const newPath = () => join(mkdtempSync(join(tmpdir(), 'wharf-store-close-')), 'store.duckdb');

describe('closing a DuckDB store with work under way', () => {
  it('lets the running statements and transactions finish, then refuses new ones with store.closed', async () => {
    const store = await DuckDBStoreConnection.open(newPath());
    const counted = store.query<{ n: number }>('SELECT count(*) AS n FROM range(30000000) WHERE range % 7 = 0');
    const written = store.transaction(async (tx) => {
      await tx.exec('CREATE TABLE t AS SELECT range AS v FROM range(1000)');
      return tx.query<{ s: number }>('SELECT sum(v) AS s FROM t');
    });
    const closing = store.close();
    await expect(store.query('SELECT 1')).rejects.toMatchObject({ code: 'store.closed' });
    await expect(store.exec('SELECT 1')).rejects.toMatchObject({ code: 'store.closed' });
    expect(await counted).toEqual([{ n: 4285715 }]);
    expect(await written).toEqual([{ s: 499500 }]);
    await closing;
    // A second close is the same close.
    await store.close();
  });

  it('stays open until a day load under way commits or rolls back', async () => {
    const root = mkdtempSync(join(tmpdir(), 'wharf-store-close-'));
    const store = await openStore({ kind: 'duckdb', path: 'store.duckdb' }, root);
    const load = await store.beginDayLoad({ ingestion: 'orders', dataset: 'events', date: '2026-01-02' });
    let closed = false;
    const closing = store.close().then(() => (closed = true));
    await expect(
      store.beginDayLoad({ ingestion: 'orders', dataset: 'events', date: '2026-01-03' }),
    ).rejects.toMatchObject({ code: 'store.closed' });
    // A statement on the load's own connection goes through DuckDB's thread pool and back.
    await load.appendRejects([
      { ingestion: 'orders', date: '2026-01-02', row: '1', column: 'user', rule: 'r', reason: 'because' },
    ]);
    expect(closed).toBe(false);
    await load.rollback();
    await closing;
    expect(closed).toBe(true);
  });
});
