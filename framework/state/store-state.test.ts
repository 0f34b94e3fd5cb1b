import { afterEach, describe, expect, it } from 'vitest';
import { STATE_BACKENDS } from '../../test/support/state-backends.js';
import { sampleIngestion, upsert } from '../../test/support/sample-ingestion.js';
import type { StoreConnection } from '../store/types.js';
import { STATE_TABLES } from './ddl.js';
import { acquireLock, currentHolder, forceUnlock, LockedError } from './lock.js';
import { readState, StaleStateError, writeState } from './store-state.js';

describe.each(Object.entries(STATE_BACKENDS))('applied state in a %s store', (_name, open) => {
  let store: StoreConnection | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  it('starts empty, and the first write creates serial 1 with a lineage', async () => {
    store = await open();
    expect(await readState(store)).toEqual({ formatVersion: 1, serial: 0, lineage: null, ingestions: {} });
    const written = await writeState(store, {
      expectSerial: 0,
      expectLineage: null,
      upserts: [upsert(sampleIngestion('a'))],
      deletes: [],
    });
    const state = await readState(store);
    expect(written.serial).toBe(1);
    expect(state.lineage).toMatch(/^[0-9a-f-]{36}$/);
    expect(state.ingestions.a).toEqual({ ...upsert(sampleIngestion('a')), appliedSerial: 1 });
  });

  it('bumps the serial on every write and keeps the lineage', async () => {
    store = await open();
    const first = await writeState(store, {
      expectSerial: 0,
      expectLineage: null,
      upserts: [upsert(sampleIngestion('a')), upsert(sampleIngestion('b'))],
      deletes: [],
    });
    const second = await writeState(store, {
      expectSerial: 1,
      expectLineage: first.lineage,
      upserts: [upsert(sampleIngestion('a', { at: '10:00' }))],
      deletes: ['b'],
    });
    const state = await readState(store);
    expect(second).toEqual({ serial: 2, lineage: first.lineage });
    expect(Object.keys(state.ingestions)).toEqual(['a']);
    expect(state.ingestions.a.config.schedule).toMatchObject({ at: '10:00' });
    expect(state.ingestions.a.appliedSerial).toBe(2);
  });

  it('refuses a write that expects another serial or lineage, changing nothing', async () => {
    store = await open();
    const first = await writeState(store, {
      expectSerial: 0,
      expectLineage: null,
      upserts: [upsert(sampleIngestion('a'))],
      deletes: [],
    });
    const before = await readState(store);
    await expect(
      writeState(store, {
        expectSerial: 0,
        expectLineage: null,
        upserts: [upsert(sampleIngestion('z'))],
        deletes: ['a'],
      }),
    ).rejects.toBeInstanceOf(StaleStateError);
    await expect(
      writeState(store, { expectSerial: 1, expectLineage: 'another-lineage', upserts: [], deletes: ['a'] }),
    ).rejects.toThrow(/plan/);
    expect(await readState(store)).toEqual(before);
    expect(first.serial).toBe(1);
  });

  it('rolls back the whole write when a statement in it fails', async () => {
    store = await open();
    const first = await writeState(store, {
      expectSerial: 0,
      expectLineage: null,
      upserts: [upsert(sampleIngestion('a'))],
      deletes: [],
    });
    const before = await readState(store);
    const failing = writeState(store, {
      expectSerial: 1,
      expectLineage: first.lineage,
      upserts: [upsert(sampleIngestion('b'))],
      deletes: ['a'],
      alsoInTransaction: async (tx) => {
        await tx.query('SELECT * FROM no_such_table');
      },
    });
    await expect(failing).rejects.toThrow();
    expect(await readState(store)).toEqual(before);
  });

  it('lets exactly one of two concurrent writers with the same expectation win', async () => {
    store = await open();
    const first = await writeState(store, {
      expectSerial: 0,
      expectLineage: null,
      upserts: [upsert(sampleIngestion('a'))],
      deletes: [],
    });
    const write = (at: string) =>
      writeState(store as StoreConnection, {
        expectSerial: 1,
        expectLineage: first.lineage,
        upserts: [upsert(sampleIngestion('a', { at }))],
        deletes: [],
      });
    const results = await Promise.allSettled([write('10:00'), write('11:00')]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const state = await readState(store);
    expect(state.serial).toBe(2);
    const winner = results.findIndex((r) => r.status === 'fulfilled');
    expect(state.ingestions.a.config.schedule).toMatchObject({ at: winner === 0 ? '10:00' : '11:00' });
  });

  it('gives the apply lock to one holder; the other fails naming it, or gets it once released', async () => {
    store = await open();
    const held = await acquireLock(store, { operation: 'apply', timeoutMs: 0 });
    const loser = acquireLock(store, { operation: 'apply', timeoutMs: 0 });
    await expect(loser).rejects.toBeInstanceOf(LockedError);
    await expect(acquireLock(store, { operation: 'apply', timeoutMs: 0 })).rejects.toThrow(
      new RegExp(
        `locked by apply ${held.info.id} \\(host .+, pid ${process.pid}\\) since ${held.info.since.slice(0, 16)}`,
      ),
    );
    const waiter = acquireLock(store, { operation: 'apply', timeoutMs: 10_000, pollMs: 20 });
    await held.release();
    const next = await waiter;
    expect((await currentHolder(store))?.id).toBe(next.info.id);
    await next.release();
    expect(await currentHolder(store)).toBeNull();
  });

  it('force-unlocks only the lock with the given id', async () => {
    store = await open();
    const held = await acquireLock(store, { operation: 'apply', timeoutMs: 0 });
    await expect(forceUnlock(store, 'not-the-id')).rejects.toThrow(/No lock with id not-the-id/);
    expect((await forceUnlock(store, held.info.id)).id).toBe(held.info.id);
    const again = await acquireLock(store, { operation: 'apply', timeoutMs: 0 });
    await again.release();
    const rows = await store.query(`SELECT * FROM ${STATE_TABLES.locks}`);
    expect(rows).toEqual([]);
  });
});
