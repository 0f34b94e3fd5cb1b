import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/support/postgres.js';
import type { ApiSchedule, DailySchedule } from '../config/types.js';
import { DuckDBStoreConnection } from '../store/duckdb/executor.js';
import { PostgresStoreConnection } from '../store/postgres/executor.js';
import type { StoreConnection } from '../store/types.js';
import { dayRange } from '../util/time.js';
import type { Scheduler } from './scheduler.js';
import { simulate, testMapping, type Simulation } from './testing/harness.js';
import type { SimulatedWarehouse } from './testing/simulated-warehouse.js';

const api: ApiSchedule = { kind: 'api', name: 'on_demand' };
const DAYS = dayRange('2024-05-01', '2024-05-08');
const macrotask = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Holds every load open until released, so tests decide when loads finish. */
function holdLoads(warehouse: SimulatedWarehouse): () => number {
  const held: (() => void)[] = [];
  warehouse.beforeLoadEnds = () => new Promise<void>((resolve) => held.push(resolve));
  return () => {
    const n = held.length;
    for (const release of held.splice(0)) release();
    return n;
  };
}

/** Drains the scheduler, releasing held loads one macrotask at a time; `between` runs at each step. */
async function drainStepwise(
  scheduler: Scheduler,
  release: () => number,
  between: (step: number) => Promise<void> = async () => {},
): Promise<void> {
  let finished = false;
  const done = scheduler.drain().then(() => {
    finished = true;
  });
  for (let step = 0; !finished; step++) {
    await macrotask();
    await between(step);
    release();
  }
  await done;
}

async function queueSim(extra: Partial<Parameters<typeof simulate>[0]> = {}): Promise<Simulation> {
  const sim = await simulate({
    start: '2024-05-10T00:00:00Z',
    schedules: [api],
    mappings: [testMapping('a', 'on_demand', '2024-05-01'), testMapping('b', 'on_demand', '2024-05-01', {}, 'other')],
    sources: [{ name: 'warehouse' }, { name: 'other', maxConcurrency: 3 }],
    ...extra,
  });
  for (const day of DAYS) for (const m of ['a', 'b']) sim.warehouse.land(m, day, 10, '2024-05-01T00:00:00Z');
  return sim;
}

describe('the load queue', () => {
  it('runs backfills oldest first with at most maxConcurrency loads per source (default 2)', async () => {
    const sim = await queueSim();
    const release = holdLoads(sim.warehouse);
    expect(await sim.scheduler.backfill({ mapping: 'a', from: DAYS[0], to: DAYS.at(-1)! })).toHaveLength(8);
    await sim.scheduler.backfill({ mapping: 'b', from: DAYS[0], to: DAYS.at(-1)! });
    await drainStepwise(sim.scheduler, release);

    expect(sim.warehouse.peak.perSource.get('warehouse')).toBe(2);
    expect(sim.warehouse.peak.perSource.get('other')).toBe(3);
    expect(sim.warehouse.loadsOf('a').map((l) => l.day)).toEqual(DAYS);
    expect(sim.warehouse.loadsOf('b').map((l) => [l.day, l.trigger])).toEqual(DAYS.map((d) => [d, 'backfill']));
    expect(await sim.scheduler.nextWakeAt()).toEqual(sim.clock.now()); // rechecks are due; the queue is empty
  });

  it('never runs two loads of the same day at once: a request during a load waits for it', async () => {
    const sim = await queueSim();
    const release = holdLoads(sim.warehouse);
    await sim.scheduler.backfill({ mapping: 'a', from: '2024-05-03', to: '2024-05-03' });
    expect(await sim.scheduler.backfill({ mapping: 'a', from: '2024-05-03', to: '2024-05-03' })).toEqual([]); // already waiting
    await drainStepwise(sim.scheduler, release, async (step) => {
      if (step === 0) {
        expect(sim.warehouse.loadsOf('a')).toHaveLength(1); // running, held
        const again = await sim.scheduler.markDataReady({ dates: ['2024-05-03'], mapping: 'a' });
        expect(again.queued).toEqual([{ mapping: 'a', day: '2024-05-03' }]);
      }
    });
    expect(sim.warehouse.loadsOf('a', '2024-05-03').map((l) => l.trigger)).toEqual(['backfill', 'api']);
    expect(sim.warehouse.peak.sameDayOverlap).toBe(false);
  });

  it("drops a daily check's load of a day that another load finished meanwhile, and loads a day still missing", async () => {
    const daily: DailySchedule = { kind: 'daily', name: 'daily_9am', at: '09:00', retryEvery: '1h', cutoff: '12h' };
    // 10:00 PST on 2024-05-10: the window of 2024-05-09 is open and its check is due.
    const sim = await simulate({
      start: '2024-05-10T18:00:00Z',
      schedules: [daily],
      mappings: [testMapping('a', 'daily_9am', '2024-05-01')],
    });
    sim.warehouse.land('a', '2024-05-09', 10, '2024-05-09T00:00:00Z');
    const release = holdLoads(sim.warehouse);
    await sim.scheduler.backfill({ mapping: 'a', from: '2024-05-09', to: '2024-05-09' });
    await drainStepwise(sim.scheduler, release, async (step) => {
      // The backfill's load is running: the window's check finds data and queues the day behind it.
      if (step === 0)
        expect((await sim.scheduler.tick()).map((d) => [d.action, d.day])).toEqual([['queued', '2024-05-09']]);
    });
    expect(sim.warehouse.loadsOf('a', '2024-05-09').map((l) => l.trigger)).toEqual(['backfill']);
    const skipped = (await sim.scheduler.decisions()).filter((d) => d.action === 'skipped');
    expect(skipped.map((d) => [d.day, d.trigger, d.reason.split(';')[0]])).toEqual([
      ['2024-05-09', 'schedule', '2024-05-09 was loaded meanwhile (backfill)'],
    ]);
    expect(await sim.state.queue()).toEqual([]);

    // A day the check queues and nothing else loads is loaded as before.
    sim.warehouse.beforeLoadEnds = async () => {};
    sim.warehouse.land('a', '2024-05-10', 10, '2024-05-10T00:00:00Z');
    sim.clock.set('2024-05-11T18:00:00Z');
    await sim.scheduler.runDue();
    expect(sim.warehouse.loadsOf('a', '2024-05-10').map((l) => l.trigger)).toEqual(['schedule']);
  });

  it('records a failed load with its error, and what to do when known, and keeps going', async () => {
    const sim = await queueSim();
    sim.warehouse.failNextLoad('a', '2024-05-02', 'permission denied for table app_events');
    sim.warehouse.failNextLoad(
      'a',
      '2024-05-04',
      "reads columns the SQL does not return: user → 'u'.",
      'It returns: usr.',
    );
    await sim.scheduler.backfill({ mapping: 'a', from: '2024-05-01', to: '2024-05-04' });
    const decisions = await sim.scheduler.drain();
    expect(decisions.filter((d) => d.action === 'failed').map((d) => [d.day, d.reason])).toEqual([
      ['2024-05-02', 'load failed: permission denied for table app_events'],
      ['2024-05-04', "load failed: reads columns the SQL does not return: user → 'u'. — It returns: usr."],
    ]);
    expect(decisions.filter((d) => d.action === 'loaded').map((d) => d.day)).toEqual(['2024-05-01', '2024-05-03']);
    expect((await sim.warehouse.ledger({ ingestion: 'a' })).map((e) => e.date)).toEqual(['2024-05-01', '2024-05-03']);
  });
});

const stores: Record<string, () => Promise<() => Promise<StoreConnection>>> = {
  duckdb: async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'wharf-sched-queue-')), 'store.duckdb');
    return () => DuckDBStoreConnection.open(file);
  },
  postgres: async () => {
    const url = await createTestDatabase();
    return () => PostgresStoreConnection.open(url, 'wharf');
  },
};

describe.each(Object.entries(stores))('a backfill on a %s store', (_name, makeStore) => {
  const open: StoreConnection[] = [];
  afterEach(async () => {
    for (const db of open.splice(0)) await db.close();
  });

  it('resumes after a crash where it stopped: finished days are not reloaded, interrupted ones are', async () => {
    const connect = await makeStore();
    const firstDb = await connect();
    const first = await queueSim({ db: firstDb });
    await first.scheduler.backfill({ mapping: 'a', from: DAYS[0], to: DAYS.at(-1)! });

    // Let two loads finish and two more start, then "crash": the process is gone mid-load.
    const held = new Map<string, () => void>();
    first.warehouse.beforeLoadEnds = (load) => new Promise<void>((resolve) => held.set(load.day, resolve));
    const running = first.scheduler.drain().catch(() => 'the crashed process fails once its store is gone');
    const until = async (done: () => boolean | Promise<boolean>) => {
      // Polls (store I/O completes on other threads); fails below if the state is never reached.
      for (let i = 0; !(await done()) && i < 2000; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    };
    await until(() => held.size === 2);
    expect([...held.keys()]).toEqual(DAYS.slice(0, 2));
    held.get(DAYS[0])!();
    held.get(DAYS[1])!();
    await until(async () => held.size === 4 && (await first.warehouse.ledger({ ingestion: 'a' })).length === 2);
    await firstDb.close();
    void running;
    const loadedBefore = (await first.warehouse.ledger({ ingestion: 'a' })).map((e) => e.date);
    expect(loadedBefore).toEqual(DAYS.slice(0, 2));
    // Loads started concurrently reach the loader in either order.
    expect(first.warehouse.loads.map((l) => l.day).sort()).toEqual(DAYS.slice(0, 4));

    const secondDb = await connect();
    open.push(secondDb);
    first.warehouse.beforeLoadEnds = async () => {};
    const startedBefore = first.warehouse.loads.length;
    const second = await queueSim({ db: secondDb, clock: first.clock, warehouse: first.warehouse });
    await second.scheduler.drain();

    expect(second.warehouse.loads.slice(startedBefore).map((l) => l.day)).toEqual(DAYS.slice(2));
    expect((await second.warehouse.ledger({ ingestion: 'a' })).map((e) => e.date)).toEqual(DAYS);
  });
});
