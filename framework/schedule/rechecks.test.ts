import { afterEach, describe, expect, it } from 'vitest';
import type { DailySchedule, RecheckPolicy } from '../config/types.js';
import type { StoreConnection } from '../store/types.js';
import { playUntil } from './testing/play.js';
import { simulate, testMapping, type Simulation } from './testing/harness.js';

const daily: DailySchedule = { kind: 'daily', name: 'daily_9am', at: '09:00' };
const DAY = '2024-07-01';
/** The day is first loaded at its window: 2024-07-02T17:00Z (09:00 PST). */
const FIRST_LOAD = Date.parse('2024-07-02T17:00:00Z');
const H = 3_600_000;
const opened: StoreConnection[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) await db.close();
});

/** Loads DAY with 1000 rows, changes it to `rows` at `changeAfterMs` after the first load, plays `days` more days. */
async function changeAfterLoad(
  policy: RecheckPolicy,
  rows: number,
  changeAfterMs: number,
  days = 16,
): Promise<Simulation> {
  const sim = await simulate({
    start: '2024-07-02T12:00:00Z',
    schedules: [daily],
    mappings: [testMapping('app_events', 'daily_9am', DAY, policy)],
  });
  if (sim.db) opened.push(sim.db);
  sim.warehouse.land('app_events', DAY, 1000, '2024-07-02T06:00:00Z', 'a');
  sim.warehouse.land('app_events', DAY, rows, new Date(FIRST_LOAD + changeAfterMs), 'b');
  await playUntil(sim.scheduler, sim.clock, new Date(FIRST_LOAD + days * 24 * H));
  return sim;
}

const triggers = (sim: Simulation) => sim.warehouse.loadsOf('app_events', DAY).map((l) => [l.trigger, l.rows]);

describe('rechecks with the seed defaults (3 days, 5%)', () => {
  it('reloads a day whose source row count grows 6% on day 2', async () => {
    const sim = await changeAfterLoad({}, 1060, 30 * H);
    expect(triggers(sim)).toEqual([
      ['schedule', 1000],
      ['recheck', 1060],
    ]);
    const reload = (await sim.scheduler.decisions({ mapping: 'app_events' })).find((d) => d.action === 'reload');
    expect(reload?.reason).toContain('1000 → 1060 (6.00%, threshold 5.00%)');
    expect(reload!.at.getTime()).toBeGreaterThanOrEqual(FIRST_LOAD + 30 * H);
    expect(reload!.at.getTime()).toBeLessThanOrEqual(FIRST_LOAD + 31 * H);
  });

  it('does not reload a day whose count grows 4% on day 2', async () => {
    const sim = await changeAfterLoad({}, 1040, 30 * H);
    expect(triggers(sim)).toEqual([['schedule', 1000]]);
  });

  it('reloads a day whose count shrinks more than 5%', async () => {
    const sim = await changeAfterLoad({}, 900, 10 * H);
    expect(triggers(sim)).toEqual([
      ['schedule', 1000],
      ['recheck', 900],
    ]);
  });

  it('does not reload a change on day 4: outside the window only a backfill changes the day', async () => {
    const sim = await changeAfterLoad({}, 1500, 3 * 24 * H + 12 * H);
    expect(triggers(sim)).toEqual([['schedule', 1000]]);
    await sim.scheduler.backfill({ mapping: 'app_events', from: DAY, to: DAY });
    await sim.scheduler.drain();
    expect(triggers(sim)).toEqual([
      ['schedule', 1000],
      ['backfill', 1500],
    ]);
  });

  it('asks the warehouse for aggregates only: one dayStats call per recheck, never a download', async () => {
    const sim = await changeAfterLoad({}, 1000, 10 * H, 5);
    expect(triggers(sim)).toEqual([['schedule', 1000]]);
    // Hourly rechecks over the 3-day window: dayStats calls, and the single scheduled load.
    expect(sim.warehouse.probes.dayStats).toBeGreaterThanOrEqual(72);
    expect(sim.warehouse.loads).toHaveLength(1);
  });

  it('ignores a content change with the same count unless reloadOnFingerprintChange is on', async () => {
    const off = await changeAfterLoad({}, 1000, 20 * H, 4);
    expect(triggers(off)).toEqual([['schedule', 1000]]);
    const on = await changeAfterLoad({ reloadOnFingerprintChange: true }, 1000, 20 * H, 4);
    expect(triggers(on)).toEqual([
      ['schedule', 1000],
      ['recheck', 1000],
    ]);
  });
});

describe('a recheck that cannot reach the warehouse', () => {
  it('is recorded and tried again an hour later', async () => {
    const sim = await simulate({
      start: '2024-07-02T12:00:00Z',
      schedules: [daily],
      mappings: [testMapping('app_events', 'daily_9am', DAY)],
    });
    sim.warehouse.land('app_events', DAY, 1000, '2024-07-02T06:00:00Z');
    sim.warehouse.land('app_events', DAY, 1100, '2024-07-02T20:30:00Z');
    const dayStats = sim.warehouse.dayStats.bind(sim.warehouse);
    sim.warehouse.dayStats = async (m, days) => {
      if (sim.clock.now().toISOString() === '2024-07-02T21:00:00.000Z') throw new Error('query timeout');
      return dayStats(m, days);
    };
    const decisions = await playUntil(sim.scheduler, sim.clock, '2024-07-02T23:00:00Z');
    expect(decisions.filter((d) => d.action === 'check_failed').map((d) => d.reason)).toEqual([
      'recheck failed: query timeout; tried again at the next recheck',
    ]);
    expect(sim.warehouse.loadsOf('app_events').map((l) => [l.trigger, l.at.toISOString()])).toEqual([
      ['schedule', '2024-07-02T17:00:00.000Z'],
      ['recheck', '2024-07-02T22:00:00.000Z'],
    ]);
  });
});

describe('rechecks with the FAQ setting (14 days, 1%)', () => {
  const faq = { days: 14, threshold: 0.01 };

  it('reloads a 2% change on day 10', async () => {
    const sim = await changeAfterLoad(faq, 1020, 9 * 24 * H + 6 * H);
    expect(triggers(sim)).toEqual([
      ['schedule', 1000],
      ['recheck', 1020],
    ]);
  });

  it('does not reload a 0.5% change, nor a change on day 15', async () => {
    expect(triggers(await changeAfterLoad(faq, 1005, 9 * 24 * H))).toEqual([['schedule', 1000]]);
    expect(triggers(await changeAfterLoad(faq, 1500, 14 * 24 * H + 2 * H, 17))).toEqual([['schedule', 1000]]);
  });

  it('is set per mapping: the same change reloads only the mapping with the longer window', async () => {
    const sim = await simulate({
      start: '2024-07-02T12:00:00Z',
      schedules: [daily],
      mappings: [testMapping('seed_default', 'daily_9am', DAY), testMapping('two_weeks', 'daily_9am', DAY, faq)],
    });
    if (sim.db) opened.push(sim.db);
    for (const name of ['seed_default', 'two_weeks']) {
      sim.warehouse.land(name, DAY, 1000, '2024-07-02T06:00:00Z');
      sim.warehouse.land(name, DAY, 1100, new Date(FIRST_LOAD + 6 * 24 * H));
    }
    await playUntil(sim.scheduler, sim.clock, new Date(FIRST_LOAD + 8 * 24 * H));
    expect(sim.warehouse.loadsOf('seed_default', DAY).map((l) => l.trigger)).toEqual(['schedule']);
    expect(sim.warehouse.loadsOf('two_weeks', DAY).map((l) => l.trigger)).toEqual(['schedule', 'recheck']);
  });
});
