/**
 * The chaos run's watchdog (bench/chaos/watch.ts) on a child that never ends while a store
 * session waits for a lock another holds: the child is killed and the error names it, its
 * stderr so far, and the waiting session with its query, as a stuck `ingest` child would be.
 */
import { spawn } from 'node:child_process';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { ChaosStall, ChaosWatch } from '../../bench/chaos/watch.js';
import { createTestDatabase } from '../support/postgres.js';

const opened: { end(): Promise<void> }[] = [];
afterEach(async () => {
  for (const c of opened.splice(0)) await c.end().catch(() => undefined);
});

async function session(url: string, name: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: name });
  await client.connect();
  opened.push(client);
  return client;
}

describe('chaos watchdog', () => {
  it('kills a child past its limit and reports it with the store sessions', { timeout: 30_000 }, async () => {
    const url = await createTestDatabase('wharf_watch');
    const holder = await session(url, 'lock holder');
    await holder.query('BEGIN');
    await holder.query('SELECT pg_advisory_xact_lock(4242)');
    const waiter = await session(url, 'lock waiter');
    const waiting = waiter.query('SELECT pg_advisory_xact_lock(4242)').catch(() => undefined);

    const watch = new ChaosWatch({ childLimitMs: 1_500, postgresUrl: url });
    const child = spawn(
      process.execPath,
      ['-e', 'console.error("loading day 2026-10-01"); setInterval(() => {}, 1000)'],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_, signal) => resolve(signal)));
    try {
      const stall = await new Promise<ChaosStall>((resolve) => watch.watch(child, 'ingest run daily_metrics', resolve));
      expect(await exited).toBe('SIGKILL');
      expect(stall).toBeInstanceOf(ChaosStall);
      expect(stall.message).toContain(`ingest run daily_metrics (pid ${child.pid}) running for`);
      expect(stall.message).toContain('| loading day 2026-10-01');
      expect(stall.message).toMatch(/\[lock waiter\] active, waiting on Lock\/advisory.*pg_advisory_xact_lock\(4242\)/);
      expect(stall.message).toMatch(/\[lock holder\] idle in transaction/);
      expect(stall.message).toMatch(/waits for ExclusiveLock on advisory/);
    } finally {
      watch.stop();
      await holder.query('ROLLBACK');
      await waiting;
    }
  });
});
