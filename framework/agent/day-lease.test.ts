import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/support/postgres.js';
import { openStoreConnection } from '../store/open-store.js';
import type { StoreConnection } from '../store/types.js';
import { DayLeases } from './day-lease.js';

const open: StoreConnection[] = [];
afterEach(async () => {
  for (const c of open.splice(0)) await c.close();
});

async function postgres(url: string): Promise<StoreConnection> {
  process.env.WHARF_LEASE_TEST_PG = url;
  const c = await openStoreConnection({ kind: 'postgres', url: { env: 'WHARF_LEASE_TEST_PG' } }, '/');
  open.push(c);
  return c;
}

describe('DayLeases on PostgreSQL, two agents', () => {
  it('gives a day to one holder at a time, and to the other once released or expired', async () => {
    const url = await createTestDatabase('wharf_lease');
    let clock = new Date('2024-01-01T00:00:00Z');
    const a = new DayLeases(await postgres(url), 'agent-a', 60_000, () => clock);
    const b = new DayLeases(await postgres(url), 'agent-b', 60_000, () => clock);
    expect(await a.tryAcquire('app_events/2024-01-01')).toBe(true);
    expect(await b.tryAcquire('app_events/2024-01-01')).toBe(false);
    expect(await b.tryAcquire('app_events/2024-01-02')).toBe(true);
    expect(await a.holderOf('app_events/2024-01-02')).toBe('agent-b');
    await a.release('app_events/2024-01-01');
    expect(await b.tryAcquire('app_events/2024-01-01')).toBe(true);
    // b crashes: its leases expire and a may take them; b's renewal then reports the loss.
    clock = new Date(clock.getTime() + 61_000);
    expect(await a.tryAcquire('app_events/2024-01-01')).toBe(true);
    expect(await b.renew('app_events/2024-01-01')).toBe(false);
  });

  it('never lets two agents race into the same day at once', async () => {
    const url = await createTestDatabase('wharf_lease');
    const a = new DayLeases(await postgres(url), 'agent-a');
    const b = new DayLeases(await postgres(url), 'agent-b');
    let inside = 0;
    let maxInside = 0;
    let refusals = 0;
    let notEntered = 6;
    for (const leases of [a, b]) {
      const tryAcquire = leases.tryAcquire.bind(leases);
      leases.tryAcquire = async (resource) => {
        const got = await tryAcquire(resource);
        if (!got) refusals++;
        return got;
      };
    }
    const loads: string[] = [];
    const load = (who: string) => async () => {
      notEntered--;
      inside++;
      maxInside = Math.max(maxInside, inside);
      // Hold the lease until another caller has been refused it (or nobody is left waiting).
      const seen = refusals;
      while (refusals === seen && notEntered > 0) await new Promise((r) => setTimeout(r, 5));
      loads.push(who);
      inside--;
    };
    await Promise.all(
      [0, 1, 2].flatMap(() => [a.withLease('m/2024-01-01', load('a'), 10), b.withLease('m/2024-01-01', load('b'), 10)]),
    );
    expect(maxInside).toBe(1);
    expect(loads.sort()).toEqual(['a', 'a', 'a', 'b', 'b', 'b']);
    expect(await a.holderOf('m/2024-01-01')).toBeNull();
  });
});

describe('abandoned leases', () => {
  it('frees the leases of a holder on this host whose process is gone, not of live or remote ones', async () => {
    const db = await postgres(await createTestDatabase('wharf_lease'));
    const dead = new DayLeases(db, `${hostname()}:999999999:dead`);
    const live = new DayLeases(db, `${hostname()}:${process.pid}:live`);
    const remote = new DayLeases(db, 'other-host:1:remote');
    expect(await dead.tryAcquire('a/2024-01-01')).toBe(true);
    expect(await live.tryAcquire('a/2024-01-02')).toBe(true);
    expect(await remote.tryAcquire('a/2024-01-03')).toBe(true);
    const me = new DayLeases(db, `${hostname()}:${process.pid}:me`);
    expect(await me.releaseAbandoned()).toBe(1);
    expect(await me.tryAcquire('a/2024-01-01')).toBe(true);
    expect(await me.tryAcquire('a/2024-01-02')).toBe(false);
    expect(await me.tryAcquire('a/2024-01-03')).toBe(false);
  });
});

describe('DayLeases on DuckDB', () => {
  it('works on the embedded store too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wharf-lease-'));
    try {
      const db = await openStoreConnection({ kind: 'duckdb', path: join(dir, 'store.duckdb') }, dir);
      open.push(db);
      const a = new DayLeases(db, 'agent-a');
      const b = new DayLeases(db, 'agent-b');
      expect(await a.tryAcquire('x/2024-01-01')).toBe(true);
      expect(await b.tryAcquire('x/2024-01-01')).toBe(false);
      await a.release('x/2024-01-01');
      expect(await b.tryAcquire('x/2024-01-01')).toBe(true);
      // One process per DuckDB file: a new agent frees whatever an earlier (crashed) one held.
      expect(await new DayLeases(db, 'agent-c').releaseAbandoned()).toBe(1);
      expect(await a.tryAcquire('x/2024-01-01')).toBe(true);
    } finally {
      for (const c of open.splice(0)) await c.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
