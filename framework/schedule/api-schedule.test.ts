import { describe, expect, it } from 'vitest';
import type { ApiSchedule } from '../config/types.js';
import { dayRange } from '../util/time.js';
import { playUntil } from './testing/play.js';
import { simulate, testMapping } from './testing/harness.js';

const api: ApiSchedule = { kind: 'api', name: 'on_demand' };

async function apiSim() {
  const sim = await simulate({
    start: '2024-02-20T00:00:00Z',
    schedules: [api, { kind: 'daily', name: 'daily_9am', at: '09:00' }],
    mappings: [
      testMapping('api_events', 'on_demand', '2024-02-01'),
      testMapping('daily_events', 'daily_9am', '2024-02-25'),
    ],
  });
  for (const day of dayRange('2024-02-01', '2024-02-28'))
    sim.warehouse.land('api_events', day, 100, '2024-02-01T00:00:00Z');
  return sim;
}

describe('API-triggered schedules', () => {
  it('load nothing until a mark-data-ready request arrives, then load the requested days now', async () => {
    const sim = await apiSim();
    await playUntil(sim.scheduler, sim.clock, '2024-02-27T00:00:00Z');
    expect(sim.warehouse.loadsOf('api_events')).toEqual([]);

    const result = await sim.scheduler.markDataReady({ dates: ['2024-02-21', '2024-02-20'], type: 'events' });
    expect(result).toMatchObject({ accepted: true, key: 'type:events' });
    expect(result.queued).toEqual([
      { mapping: 'api_events', day: '2024-02-20' },
      { mapping: 'api_events', day: '2024-02-21' },
    ]);
    await sim.scheduler.runDue();
    expect(sim.warehouse.loadsOf('api_events').map((l) => [l.day, l.trigger, l.at.toISOString()])).toEqual([
      ['2024-02-20', 'api', '2024-02-27T00:00:00.000Z'],
      ['2024-02-21', 'api', '2024-02-27T00:00:00.000Z'],
    ]);
  });

  it('accepts one request per type every two hours by default', async () => {
    const sim = await apiSim();
    expect((await sim.scheduler.markDataReady({ dates: ['2024-02-19'], type: 'events' })).accepted).toBe(true);
    sim.clock.set('2024-02-20T01:59:00Z');
    const refused = await sim.scheduler.markDataReady({ dates: ['2024-02-19'], type: 'events' });
    expect(refused).toMatchObject({ accepted: false, queued: [] });
    expect(refused.retryAfter?.toISOString()).toBe('2024-02-20T02:00:00.000Z');
    // A request naming the mapping has its own key.
    expect((await sim.scheduler.markDataReady({ dates: ['2024-02-18'], mapping: 'api_events' })).accepted).toBe(true);
    sim.clock.set('2024-02-20T02:00:00Z');
    expect((await sim.scheduler.markDataReady({ dates: ['2024-02-19'], type: 'events' })).accepted).toBe(true);
    expect((await sim.scheduler.decisions()).filter((d) => d.action === 'rate_limited')).toHaveLength(1);
  });

  it('honours a schedule rateLimit', async () => {
    const sim = await simulate({
      start: '2024-02-20T00:00:00Z',
      schedules: [{ ...api, rateLimit: '30m' }],
      mappings: [testMapping('api_events', 'on_demand', '2024-02-01')],
    });
    await sim.scheduler.markDataReady({ dates: ['2024-02-19'], mapping: 'api_events' });
    sim.clock.set('2024-02-20T00:30:00Z');
    expect((await sim.scheduler.markDataReady({ dates: ['2024-02-19'], mapping: 'api_events' })).accepted).toBe(true);
  });

  it('still rechecks days after their first load', async () => {
    const sim = await apiSim();
    await sim.scheduler.markDataReady({ dates: ['2024-02-19'], type: 'events' });
    await sim.scheduler.runDue();
    sim.warehouse.land('api_events', '2024-02-19', 120, '2024-02-21T00:00:00Z');
    await playUntil(sim.scheduler, sim.clock, '2024-02-21T02:00:00Z');
    expect(sim.warehouse.loadsOf('api_events').map((l) => [l.trigger, l.rows])).toEqual([
      ['api', 100],
      ['recheck', 120],
    ]);
  });

  it('refuses bad requests with a clear error', async () => {
    const sim = await apiSim();
    await expect(sim.scheduler.markDataReady({ dates: ['2024-02-30'], type: 'events' })).rejects.toThrow(
      "'datestamps' has '2024-02-30', which is not a date",
    );
    await expect(sim.scheduler.markDataReady({ dates: ['2024-02-20'], type: 'metrics' })).rejects.toThrow(
      "No API-triggered mapping loads 'metrics'",
    );
    await expect(sim.scheduler.markDataReady({ dates: ['2024-02-20'], mapping: 'daily_events' })).rejects.toThrow(
      "Mapping 'daily_events' runs on schedule 'daily_9am', which is not API-triggered",
    );
    await expect(sim.scheduler.markDataReady({ dates: ['2024-02-20'], mapping: 'nope' })).rejects.toThrow(
      "No mapping named 'nope'",
    );
    await expect(sim.scheduler.markDataReady({ dates: ['2024-02-20'] })).rejects.toThrow('either a type');
  });

  it('refuses days after today or before every startDate, and more days than one request may queue; nothing is queued', async () => {
    const sim = await apiSim(); // 2024-02-19 16:00 PST
    await expect(sim.scheduler.markDataReady({ dates: ['9999-12-31'], type: 'events' })).rejects.toThrow(
      "'datestamps' has 9999-12-31, after today (2024-02-19, PST)",
    );
    await expect(sim.scheduler.markDataReady({ dates: ['2024-01-31'], mapping: 'api_events' })).rejects.toThrow(
      "'datestamps' has 2024-01-31, before 2024-02-01, the earliest startDate",
    );
    await expect(
      sim.scheduler.markDataReady({ dates: ['2024-02-01', '2024-02-02', '2024-02-03'], type: 'events' }, 2),
    ).rejects.toThrow('covers 3 days, more than the 2 one request may queue');
    expect(await sim.state.queue()).toEqual([]);
    expect((await sim.scheduler.markDataReady({ dates: ['2024-02-19'], type: 'events' })).accepted).toBe(true);
  });

  it('bounds an API backfill by startDate, the latest complete day and the most days per request, naming the bound', async () => {
    const sim = await apiSim(); // latest complete day 2024-02-18 (PST)
    const backfill = (from: string, to: string, maxDays?: number) =>
      sim.scheduler.backfill({ mapping: 'api_events', from, to, trigger: 'api', maxDays });
    await expect(backfill('2000-01-01', '2024-02-10')).rejects.toThrow(
      "'from' (2000-01-01) is before the startDate of 'api_events', 2024-02-01",
    );
    await expect(backfill('2024-02-10', '2024-02-19')).rejects.toThrow(
      "'to' (2024-02-19) is after the latest complete day 2024-02-18 (PST)",
    );
    await expect(backfill('2024-02-01', '2024-02-18', 10)).rejects.toThrow(
      'The backfill 2024-02-01..2024-02-18 covers 18 days, more than the 10 one request may queue',
    );
    expect(await sim.state.queue()).toEqual([]);
    expect((await backfill('2024-02-01', '2024-02-18')).map((q) => q.day)).toEqual(
      dayRange('2024-02-01', '2024-02-18'),
    );
    expect(await sim.scheduler.cancel({ mapping: 'api_events', from: '2024-02-10', to: '2024-02-18' })).toHaveLength(9);
    expect((await sim.state.queue()).map((q) => q.day)).toEqual(dayRange('2024-02-01', '2024-02-09'));
  });
});
