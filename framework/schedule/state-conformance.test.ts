import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/support/postgres.js';
import { DuckDBStoreConnection } from '../store/duckdb/executor.js';
import { PostgresStoreConnection } from '../store/postgres/executor.js';
import type { StoreConnection } from '../store/types.js';
import { MemorySchedulerState } from './memory-state.js';
import { SqlSchedulerState } from './sql-state.js';
import { DECISION_RETENTION_DAYS, type SchedulerState } from './state.js';

/** Each backend: open a state, and reopen it "after a restart" (memory cannot, by design). */
type Backend = () => Promise<{
  state: SchedulerState;
  reopen?: () => Promise<SchedulerState>;
  /** Another process's state on the same store (its own connection), where the store allows one. */
  sibling?: () => Promise<SchedulerState>;
  close: () => Promise<void>;
}>;

function sqlBackend(open: () => Promise<{ connect: () => Promise<StoreConnection> }>, shared = false): Backend {
  return async () => {
    const { connect } = await open();
    let db = await connect();
    const state = new SqlSchedulerState(db);
    await state.migrate();
    const siblings: StoreConnection[] = [];
    return {
      state,
      sibling: shared
        ? async () => {
            const other = await connect();
            siblings.push(other);
            return new SqlSchedulerState(other);
          }
        : undefined,
      reopen: async () => {
        await db.close();
        db = await connect();
        const again = new SqlSchedulerState(db);
        await again.migrate();
        return again;
      },
      close: async () => {
        for (const other of siblings) await other.close();
        await db.close();
      },
    };
  };
}

const backends: Record<string, Backend> = {
  memory: async () => ({ state: new MemorySchedulerState(), close: async () => {} }),
  duckdb: sqlBackend(async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'wharf-sched-state-')), 'store.duckdb');
    return { connect: () => DuckDBStoreConnection.open(file) };
  }),
  postgres: sqlBackend(async () => {
    const url = await createTestDatabase();
    return { connect: () => PostgresStoreConnection.open(url, 'wharf') };
  }, true),
};

const t = (iso: string) => new Date(iso);

describe.each(Object.entries(backends))('%s scheduler state', (name, open) => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  async function fresh() {
    const backend = await open();
    close = backend.close;
    return backend;
  }

  it('keeps schedule state, checks, rate limits and rechecks', async () => {
    const { state } = await fresh();
    expect(await state.scheduleState('daily')).toEqual({
      schedule: 'daily',
      lastWindowAt: null,
      lastSignalDate: null,
      lastPollAt: null,
      lastIgnoredSignal: null,
    });
    const saved = {
      schedule: 'daily',
      lastWindowAt: t('2024-07-02T17:00:00Z'),
      lastSignalDate: '2024-03-06',
      lastPollAt: t('2024-07-02T17:15:00Z'),
      lastIgnoredSignal: '2024-03-04',
    };
    await state.saveScheduleState(saved);
    await state.saveScheduleState({ ...saved, lastSignalDate: '2024-03-07' });
    expect(await state.scheduleState('daily')).toEqual({ ...saved, lastSignalDate: '2024-03-07' });

    const check = {
      mapping: 'm',
      day: '2024-07-01',
      windowAt: t('2024-07-02T17:00:00Z'),
      nextCheckAt: t('2024-07-02T18:00:00Z'),
      cutoffAt: t('2024-07-03T05:00:00Z'),
      retryEveryMs: 3_600_000,
    };
    await state.putCheck(check);
    await state.putCheck({ ...check, day: '2024-06-30', nextCheckAt: t('2024-07-02T17:30:00Z') });
    await state.putCheck({ ...check, nextCheckAt: t('2024-07-02T19:00:00Z') });
    expect((await state.checks()).map((c) => [c.day, c.nextCheckAt.toISOString()])).toEqual([
      ['2024-06-30', '2024-07-02T17:30:00.000Z'],
      ['2024-07-01', '2024-07-02T19:00:00.000Z'],
    ]);
    await state.deleteCheck('m', '2024-06-30');
    expect(await state.checks()).toEqual([{ ...check, nextCheckAt: t('2024-07-02T19:00:00Z') }]);

    expect(await state.lastAccepted('type:events')).toBeNull();
    await state.setLastAccepted('type:events', t('2024-02-20T00:00:00Z'));
    await state.setLastAccepted('type:events', t('2024-02-20T02:00:00Z'));
    expect(await state.lastAccepted('type:events')).toEqual(t('2024-02-20T02:00:00Z'));
    await state.setLastRecheck('m', t('2024-02-20T03:00:00Z'));
    expect(await state.lastRecheck('m')).toEqual(t('2024-02-20T03:00:00Z'));
    expect(await state.lastRecheck('other')).toBeNull();
  });

  it('queues oldest first, never holds the same waiting day twice, and requeues started items', async () => {
    const { state } = await fresh();
    const item = (day: string) => ({
      mapping: 'm',
      day,
      trigger: 'backfill' as const,
      reason: 'test',
      enqueuedAt: t('2024-07-01T00:00:00Z'),
      retry: null,
    });
    const a = await state.enqueue(item('2024-07-02'));
    const b = await state.enqueue({
      ...item('2024-07-01'),
      retry: { windowAt: t('2024-07-02T17:00:00Z'), cutoffAt: t('2024-07-03T05:00:00Z'), retryEveryMs: 60_000 },
    });
    expect(await state.enqueue(item('2024-07-02'))).toBeNull();
    expect(a!.seq).toBeLessThan(b!.seq);
    expect(await state.claim(a!.seq, t('2024-07-01T00:01:00Z'))).toBe(true);
    expect(await state.claim(a!.seq, t('2024-07-01T00:02:00Z'))).toBe(false);
    const c = await state.enqueue(item('2024-07-02')); // waits behind the running one
    expect(c).not.toBeNull();
    const queue = await state.queue();
    expect(queue.map((q) => [q.day, q.startedAt?.toISOString() ?? null])).toEqual([
      ['2024-07-02', '2024-07-01T00:01:00.000Z'],
      ['2024-07-01', null],
      ['2024-07-02', null],
    ]);
    expect(queue[1].retry).toEqual({
      windowAt: t('2024-07-02T17:00:00Z'),
      cutoffAt: t('2024-07-03T05:00:00Z'),
      retryEveryMs: 60_000,
    });
    expect(await state.requeueStarted()).toBe(1);
    expect((await state.queue())[0].startedAt).toBeNull();
    await state.dequeue(b!.seq);
    expect((await state.queue()).map((q) => q.seq)).toEqual([a!.seq, c!.seq]);
    expect(await state.claim(b!.seq, t('2024-07-01T00:03:00Z'))).toBe(false); // gone from the queue
  });

  it('accepts exactly one of 200 racing identical rate-limited requests and queues each day once', async () => {
    const backend = await fresh();
    // On a store several processes share, the racers come from several connections.
    const states = [
      backend.state,
      ...(backend.sibling ? await Promise.all([1, 2, 3].map(() => backend.sibling!())) : []),
    ];
    const at = t('2024-07-03T00:00:00Z');
    const items = ['2024-07-01', '2024-07-02'].map((day) => ({
      mapping: 'm',
      day,
      trigger: 'api' as const,
      reason: 'ready',
      enqueuedAt: at,
      retry: null,
    }));
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        states[i % states.length].acceptAndEnqueue('type:events', at, 7_200_000, items),
      ),
    );
    expect(results.filter((r) => r.accepted)).toHaveLength(1);
    expect(results.filter((r) => !r.accepted).every((r) => !r.accepted && r.last.getTime() === at.getTime())).toBe(
      true,
    );
    expect((await backend.state.queue()).map((q) => q.day)).toEqual(['2024-07-01', '2024-07-02']);
    // After the window a new request is accepted; days still waiting are not queued again.
    const later = await backend.state.acceptAndEnqueue('type:events', t('2024-07-03T02:00:00Z'), 7_200_000, [
      ...items,
      { ...items[0], day: '2024-07-03' },
    ]);
    expect(later.accepted && later.queued.map((q) => q.day)).toEqual(['2024-07-03']);
  });

  it('queues many days at once, skipping waiting days, and cancels only waiting days of the range', async () => {
    const { state } = await fresh();
    const item = (mapping: string, day: string) => ({
      mapping,
      day,
      trigger: 'api' as const,
      reason: 'backfill',
      enqueuedAt: t('2024-07-10T00:00:00Z'),
      retry: null,
    });
    await state.enqueue(item('m', '2024-07-02'));
    const queued = await state.enqueueMany(
      ['2024-07-01', '2024-07-02', '2024-07-03', '2024-07-03', '2024-07-04'].map((d) => item('m', d)),
    );
    expect(queued.map((q) => q.day)).toEqual(['2024-07-01', '2024-07-03', '2024-07-04']);
    await state.enqueue(item('other', '2024-07-02'));
    const running = (await state.queue()).find((q) => q.mapping === 'm' && q.day === '2024-07-03')!;
    await state.claim(running.seq, t('2024-07-10T00:01:00Z'));
    const cancelled = await state.cancelWaiting('m', '2024-07-02', '2024-07-04');
    expect(cancelled.map((q) => q.day)).toEqual(['2024-07-02', '2024-07-04']);
    expect((await state.queue()).map((q) => `${q.mapping} ${q.day} ${q.startedAt ? 'running' : 'waiting'}`)).toEqual([
      'm 2024-07-01 waiting',
      'm 2024-07-03 running',
      'other 2024-07-02 waiting',
    ]);
  });

  it('records decisions in order, filterable by mapping', async () => {
    const { state } = await fresh();
    await state.recordDecision({
      at: t('2024-07-02T17:00:00Z'),
      action: 'retry',
      reason: 'no data yet',
      mapping: 'm',
      schedule: 'daily',
      day: '2024-07-01',
    });
    await state.recordDecision({
      at: t('2024-07-02T18:00:00Z'),
      action: 'signal_ignored',
      reason: 'backwards',
      schedule: 's',
    });
    await state.recordDecision({
      at: t('2024-07-02T19:00:00Z'),
      action: 'queued',
      reason: 'data',
      mapping: 'm',
      day: '2024-07-01',
      trigger: 'schedule',
    });
    expect((await state.decisions()).map((d) => d.action)).toEqual(['retry', 'signal_ignored', 'queued']);
    const forM = await state.decisions({ mapping: 'm' });
    expect(forM).toHaveLength(2);
    expect(forM[1]).toMatchObject({
      at: t('2024-07-02T19:00:00Z'),
      action: 'queued',
      mapping: 'm',
      day: '2024-07-01',
      trigger: 'schedule',
    });
  });

  it(`keeps ${DECISION_RETENTION_DAYS} days of decisions, dropping older ones as new ones come`, async () => {
    const { state } = await fresh();
    const day = 86_400_000;
    const at = (days: number) => new Date(t('2024-07-01T00:00:00Z').getTime() + days * day);
    await state.recordDecision({ at: at(0), action: 'retry', reason: 'first', mapping: 'm' });
    await state.recordDecision({
      at: at(DECISION_RETENTION_DAYS - 1),
      action: 'retry',
      reason: 'second',
      mapping: 'm',
    });
    expect((await state.decisions()).map((d) => d.reason)).toEqual(['first', 'second']);
    await state.recordDecision({
      at: at(DECISION_RETENTION_DAYS + 1),
      action: 'queued',
      reason: 'third',
      mapping: 'm',
    });
    expect((await state.decisions()).map((d) => d.reason)).toEqual(['second', 'third']);
    expect((await state.decisions({ mapping: 'm' })).map((d) => d.reason)).toEqual(['second', 'third']);
  });

  // The memory state is for runs that need no resume; the store-backed ones must survive a restart.
  if (name === 'memory') return;
  it('survives a restart: everything written is read back by a new connection', async () => {
    const backend = await fresh();
    await backend.state.saveScheduleState({
      schedule: 's',
      lastWindowAt: null,
      lastSignalDate: '2024-03-06',
      lastPollAt: t('2024-03-07T00:00:00Z'),
      lastIgnoredSignal: null,
    });
    await backend.state.enqueue({
      mapping: 'm',
      day: '2024-03-02',
      trigger: 'signal',
      reason: 'r',
      enqueuedAt: t('2024-03-07T00:00:00Z'),
      retry: null,
    });
    const reopened = await backend.reopen!();
    expect((await reopened.scheduleState('s')).lastSignalDate).toBe('2024-03-06');
    expect((await reopened.queue()).map((q) => [q.mapping, q.day, q.trigger])).toEqual([['m', '2024-03-02', 'signal']]);
  });
});
