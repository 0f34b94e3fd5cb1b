import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DailySchedule } from '../config/types.js';
import { addDays } from '../util/time.js';
import { DuckDBStoreConnection } from '../store/duckdb/executor.js';
import type { StoreConnection } from '../store/types.js';
import { playUntil } from './testing/play.js';
import { simulate, testMapping, type Simulation } from './testing/harness.js';

const daily: DailySchedule = { kind: 'daily', name: 'daily_9am', at: '09:00', retryEvery: '1h', cutoff: '12h' };
const opened: StoreConnection[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) await db.close();
});

async function dailySim(start: string, extra: Partial<Parameters<typeof simulate>[0]> = {}): Promise<Simulation> {
  const sim = await simulate({
    start,
    schedules: [daily],
    mappings: [testMapping('app_events', 'daily_9am', '2024-07-01')],
    ...extra,
  });
  if (sim.db) opened.push(sim.db);
  return sim;
}

describe('daily schedule readiness', () => {
  it.each([
    ['exactly 5 hours late', '2024-07-02T22:00:00Z', '2024-07-02T22:00:00.000Z'],
    ['5 hours 10 minutes late', '2024-07-02T22:10:00Z', '2024-07-02T23:00:00.000Z'],
  ])('loads data that lands %s at the first check after it lands', async (_label, landsAt, loadedAt) => {
    const sim = await dailySim('2024-07-02T12:00:00Z');
    sim.warehouse.land('app_events', '2024-07-01', 500, landsAt);
    const decisions = await playUntil(sim.scheduler, sim.clock, '2024-07-03T12:00:00Z');

    const loads = sim.warehouse.loadsOf('app_events', '2024-07-01');
    expect(loads.map((l) => [l.at.toISOString(), l.trigger, l.rows])).toEqual([[loadedAt, 'schedule', 500]]);
    const retries = decisions.filter((d) => d.action === 'retry' && d.day === '2024-07-01');
    // Checks at 17:00, 18:00 … each hour before the data landed found nothing.
    expect(retries[0].at.toISOString()).toBe('2024-07-02T17:00:00.000Z');
    expect(retries.at(-1)!.at.getTime()).toBeLessThan(new Date(loadedAt).getTime());
    expect((await sim.warehouse.ledger({ ingestion: 'app_events' })).map((e) => [e.date, e.status])).toEqual([
      ['2024-07-01', 'succeeded'],
    ]);
  });

  it('records no_data when nothing lands by the cutoff, after checking every retryEvery', async () => {
    const sim = await dailySim('2024-07-02T12:00:00Z');
    const decisions = await playUntil(sim.scheduler, sim.clock, '2024-07-03T08:00:00Z');

    expect(sim.warehouse.loads).toEqual([]);
    // 17:00 … 05:00 (the cutoff, 12h after the window): 13 checks.
    expect(sim.warehouse.probes.hasData).toBe(13);
    const noData = decisions.filter((d) => d.action === 'no_data');
    expect(noData.map((d) => [d.day, d.at.toISOString()])).toEqual([['2024-07-01', '2024-07-03T05:00:00.000Z']]);
    expect(noData[0].reason).toContain('cutoff');
    const [entry] = await sim.warehouse.ledger({ ingestion: 'app_events' });
    expect([entry.date, entry.status]).toEqual(['2024-07-01', 'no_data']);
  });

  it('reloads a no_data day when its data lands inside the recheck window', async () => {
    const sim = await dailySim('2024-07-02T12:00:00Z');
    await playUntil(sim.scheduler, sim.clock, '2024-07-03T08:00:00Z');
    sim.warehouse.land('app_events', '2024-07-01', 80, '2024-07-03T09:30:00Z');
    await playUntil(sim.scheduler, sim.clock, '2024-07-03T12:00:00Z');

    expect(sim.warehouse.loadsOf('app_events', '2024-07-01').map((l) => [l.trigger, l.rows])).toEqual([
      ['recheck', 80],
    ]);
  });

  it('puts a failed scheduled load back into the retry loop until the cutoff', async () => {
    const sim = await dailySim('2024-07-02T12:00:00Z');
    sim.warehouse.land('app_events', '2024-07-01', 500, '2024-07-02T10:00:00Z');
    sim.warehouse.failNextLoad('app_events', '2024-07-01', 'connection reset');
    const decisions = await playUntil(sim.scheduler, sim.clock, '2024-07-02T20:00:00Z');

    expect(sim.warehouse.loadsOf('app_events', '2024-07-01').map((l) => l.at.toISOString())).toEqual([
      '2024-07-02T17:00:00.000Z',
      '2024-07-02T18:00:00.000Z',
    ]);
    expect(decisions.find((d) => d.action === 'failed')?.reason).toContain('connection reset');
  });
});

describe('daily schedule when the warehouse cannot be reached', () => {
  it('records the failed check, never calls the day no_data for it, and loads at the next check', async () => {
    const sim = await dailySim('2024-07-02T12:00:00Z');
    sim.warehouse.land('app_events', '2024-07-01', 500, '2024-07-02T10:00:00Z');
    const hasData = sim.warehouse.hasData.bind(sim.warehouse);
    let calls = 0;
    sim.warehouse.hasData = async (m, day) => {
      if (++calls === 1) throw new Error('connection refused');
      return hasData(m, day);
    };
    const decisions = await playUntil(sim.scheduler, sim.clock, '2024-07-02T19:00:00Z');
    expect(decisions.filter((d) => d.action === 'check_failed').map((d) => [d.at.toISOString(), d.reason])).toEqual([
      [
        '2024-07-02T17:00:00.000Z',
        'readiness check of 2024-07-01 failed: connection refused; next check at 2024-07-02T18:00:00.000Z',
      ],
    ]);
    expect(sim.warehouse.loads.map((l) => l.at.toISOString())).toEqual(['2024-07-02T18:00:00.000Z']);
  });
});

describe('daily schedule time zones', () => {
  /** Plays the day `day` with yesterday's data already present; returns when it was loaded. */
  async function loadTimes(day: string, schedule: DailySchedule, timeZone = 'PST'): Promise<string[]> {
    const yesterday = addDays(day, -1);
    const sim = await dailySim(`${day}T00:00:00Z`, {
      timeZone,
      schedules: [schedule],
      mappings: [testMapping('app_events', 'daily_9am', yesterday)],
    });
    sim.warehouse.land('app_events', yesterday, 10, `${day}T00:00:00Z`);
    await playUntil(sim.scheduler, sim.clock, `${day}T23:59:00Z`);
    return sim.warehouse.loadsOf('app_events', yesterday).map((l) => l.at.toISOString());
  }

  it.each([
    ['July', '2024-07-15'],
    ['January', '2024-01-15'],
  ])('in %s, 09:00 PST fires at 17:00 UTC', async (_month, day) => {
    expect(await loadTimes(day, daily)).toEqual([`${day}T17:00:00.000Z`]);
  });

  it.each([
    ['July (PDT, UTC-7)', '2024-07-15', '16:00'],
    ['January (PST, UTC-8)', '2024-01-15', '17:00'],
  ])(
    'an IANA zone follows daylight saving: 09:00 America/Los_Angeles in %s on %s fires at %s UTC',
    async (_month, day, utc) => {
      expect(await loadTimes(day, { ...daily, timeZone: 'America/Los_Angeles' })).toEqual([`${day}T${utc}:00.000Z`]);
    },
  );

  it('other fixed zones work too: 06:30 UTC+05:30 fires at 01:00 UTC (UTC project days)', async () => {
    expect(await loadTimes('2024-03-10', { ...daily, at: '06:30', timeZone: '+05:30' }, 'UTC')).toEqual([
      '2024-03-10T01:00:00.000Z',
    ]);
  });
});

describe('daily schedule after downtime', () => {
  it('loads the 3 days missed while down, oldest first, each once', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'wharf-sched-')), 'store.duckdb');
    const firstDb = await DuckDBStoreConnection.open(file);
    const first = await dailySim('2024-07-02T12:00:00Z', { db: firstDb });
    for (const day of ['2024-07-01', '2024-07-02', '2024-07-03', '2024-07-04', '2024-07-05']) {
      first.warehouse.land('app_events', day, 100, `${day}T23:00:00Z`); // lands before the next day's window
    }
    await playUntil(first.scheduler, first.clock, '2024-07-02T18:00:00Z');
    expect(first.warehouse.loads.map((l) => l.day)).toEqual(['2024-07-01']);
    await firstDb.close();
    opened.splice(opened.indexOf(firstDb), 1);

    // Down from 2024-07-02T18:00Z to 2024-07-05T20:00Z: the windows of 07-03, 07-04, 07-05 are missed.
    first.clock.set('2024-07-05T20:00:00Z');
    const restarted = await dailySim('2024-07-05T20:00:00Z', {
      db: await DuckDBStoreConnection.open(file),
      clock: first.clock,
      warehouse: first.warehouse,
    });
    await restarted.scheduler.runDue();
    expect(restarted.warehouse.loads.map((l) => [l.day, l.trigger])).toEqual([
      ['2024-07-01', 'schedule'],
      ['2024-07-02', 'schedule'],
      ['2024-07-03', 'schedule'],
      ['2024-07-04', 'schedule'],
    ]);
    await playUntil(restarted.scheduler, restarted.clock, '2024-07-06T18:00:00Z');
    const days = restarted.warehouse.loads.map((l) => l.day);
    expect(days).toEqual(['2024-07-01', '2024-07-02', '2024-07-03', '2024-07-04', '2024-07-05']);
  });
});

describe('a month of a daily schedule', () => {
  it('loads every day once at its window, rechecks, records gaps as no_data, and reloads only real changes', async () => {
    const sim = await dailySim('2024-07-01T12:00:00Z');
    const days = Array.from({ length: 30 }, (_, i) => addDays('2024-07-01', i));
    for (const [i, day] of days.entries()) {
      if (i === 10) continue; // one day never arrives
      const late = i % 7 === 3 ? 3 : 0; // some days land 3 hours after the window
      sim.warehouse.land(
        'app_events',
        day,
        1000 + i,
        new Date(Date.parse(`${addDays(day, 1)}T17:00:00Z`) + late * 3_600_000),
      );
    }
    sim.warehouse.land('app_events', days[5], 1200, `${addDays(days[5], 2)}T12:00:00Z`); // +20% on day 2 after load
    await playUntil(sim.scheduler, sim.clock, '2024-08-01T12:00:00Z');

    const ledger = await sim.warehouse.ledger({ ingestion: 'app_events' });
    expect(ledger.map((e) => e.date)).toEqual(days);
    expect(ledger.filter((e) => e.status === 'no_data').map((e) => e.date)).toEqual([days[10]]);
    const scheduled = sim.warehouse.loads.filter((l) => l.trigger === 'schedule').map((l) => l.day);
    expect(scheduled).toEqual(days.filter((_, i) => i !== 10));
    expect(sim.warehouse.loads.filter((l) => l.trigger === 'recheck').map((l) => [l.day, l.rows])).toEqual([
      [days[5], 1200],
    ]);
    const late = sim.warehouse.loadsOf('app_events', days[3]);
    expect(late.map((l) => l.at.toISOString())).toEqual([`${addDays(days[3], 1)}T20:00:00.000Z`]);
  });
});
