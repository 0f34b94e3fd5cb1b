import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/support/postgres.js';
import type { ScheduleConfig } from '../config/types.js';
import { DuckDBStoreConnection } from '../store/duckdb/executor.js';
import { PostgresStoreConnection } from '../store/postgres/executor.js';
import type { StoreConnection } from '../store/types.js';
import { dayRange } from '../util/time.js';
import { playUntil } from './testing/play.js';
import { simulate, testMapping, type Simulation } from './testing/harness.js';

const schedules: ScheduleConfig[] = [
  { kind: 'daily', name: 'daily_9am', at: '09:00' },
  { kind: 'signal', name: 'finished', source: 'warehouse' },
  { kind: 'api', name: 'on_demand' },
];
const mappings = [
  testMapping('daily_events', 'daily_9am', '2024-03-01'),
  testMapping('signal_events', 'finished', '2024-03-01'),
  testMapping('api_events', 'on_demand', '2024-03-01'),
];

const stores: Record<string, () => Promise<() => Promise<StoreConnection>>> = {
  duckdb: async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'wharf-sched-restart-')), 'store.duckdb');
    return () => DuckDBStoreConnection.open(file);
  },
  postgres: async () => {
    const url = await createTestDatabase();
    return () => PostgresStoreConnection.open(url, 'wharf');
  },
};

describe.each(Object.entries(stores))('a scheduler restarted on a %s store', (_name, makeStore) => {
  const open: StoreConnection[] = [];
  afterEach(async () => {
    for (const db of open.splice(0)) await db.close();
  });

  it('resumes retry loops, the last signal seen and the rate limit where they stopped', async () => {
    const connect = await makeStore();
    const db1 = await connect();
    const first = await simulate({ start: '2024-03-07T16:00:00Z', schedules, mappings, db: db1 });
    for (const day of dayRange('2024-03-01', '2024-03-07')) {
      first.warehouse.land('signal_events', day, 10, '2024-03-01T00:00:00Z');
      first.warehouse.land('api_events', day, 10, '2024-03-01T00:00:00Z');
    }
    first.warehouse.land('daily_events', '2024-03-06', 10, '2024-03-07T19:10:00Z'); // late
    first.warehouse.setSignal('finished', ['2024-03-06'], '2024-03-07T16:00:00Z');
    await playUntil(first.scheduler, first.clock, '2024-03-07T18:30:00Z');
    expect((await first.scheduler.markDataReady({ dates: ['2024-03-07'], type: 'events' })).accepted).toBe(true);
    await first.scheduler.drain();
    expect(first.warehouse.loadsOf('signal_events').map((l) => l.day)).toEqual(dayRange('2024-03-01', '2024-03-06'));
    expect(first.warehouse.loadsOf('daily_events')).toEqual([]); // still in its retry loop
    await db1.close();

    // Back at 19:30: the 19:00 check was missed; the signal went backwards while down.
    first.clock.set('2024-03-07T19:30:00Z');
    first.warehouse.setSignal('finished', ['2024-03-04']);
    const db2 = await connect();
    open.push(db2);
    const second: Simulation = await simulate({
      schedules,
      mappings,
      db: db2,
      clock: first.clock,
      warehouse: first.warehouse,
    });
    const decisions = await second.scheduler.runDue();

    expect(second.warehouse.loadsOf('daily_events').map((l) => [l.day, l.trigger, l.at.toISOString()])).toEqual([
      ['2024-03-06', 'schedule', '2024-03-07T19:30:00.000Z'],
    ]);
    expect(decisions.filter((d) => d.action === 'signal_ignored').map((d) => d.reason)).toEqual([
      'finished_date 2024-03-04 is earlier than 2024-03-06, already seen; ignored',
    ]);
    expect(second.warehouse.loadsOf('signal_events')).toHaveLength(6);
    const refused = await second.scheduler.markDataReady({ dates: ['2024-03-07'], type: 'events' });
    expect(refused.accepted).toBe(false);
    expect(refused.retryAfter?.toISOString()).toBe('2024-03-07T20:30:00.000Z');
    // The decisions made before the restart are still there.
    expect(
      (await second.scheduler.decisions({ mapping: 'daily_events' })).filter((d) => d.action === 'retry').length,
    ).toBeGreaterThanOrEqual(1);
  });
});
