import { describe, expect, it } from 'vitest';
import type { ScheduleConfig } from '../config/types.js';
import type { SchedulerSetup } from '../schedule/types.js';
import { silentLogger } from '../util/log.js';
import { dailyCrons, startDailyWakeups, stopDailyWakeups } from './daily-wakeups.js';

const schedules = [
  { kind: 'daily', name: 'daily_9am', at: '09:00' },
  { kind: 'daily', name: 'india', at: '23:30', timeZone: '+05:30' },
  { kind: 'daily', name: 'berlin', at: '09:15', timeZone: 'Europe/Berlin' },
  { kind: 'api', name: 'on_demand' },
] as ScheduleConfig[];
const setup: SchedulerSetup = { timeZone: 'PST', schedules, mappings: [], sources: [] };

describe('daily wake-ups', () => {
  it('turns each daily schedule time into a cron pattern (fixed offsets as UTC times)', () => {
    expect(dailyCrons(setup)).toEqual([
      { schedule: 'daily_9am', pattern: '0 17 * * *', timezone: 'Etc/UTC' }, // 09:00 at UTC-8
      { schedule: 'india', pattern: '0 18 * * *', timezone: 'Etc/UTC' }, // 23:30 at UTC+05:30
      { schedule: 'berlin', pattern: '15 9 * * *', timezone: 'Europe/Berlin' },
    ]);
    expect(dailyCrons({ ...setup, timeZone: 'UTC+12', schedules: [schedules[0]] })[0].pattern).toBe('0 21 * * *'); // 09:00 at UTC+12
  });

  it('wakes the agent at the next schedule time by the wall clock, and stops', async () => {
    let woken = 0;
    const tasks = startDailyWakeups(setup, () => woken++, silentLogger);
    try {
      const now = Date.now();
      const next = tasks.map((t) => t.getNextRun() as Date);
      for (const at of next) expect(at.getTime() - now).toBeGreaterThan(0);
      for (const at of next) expect(at.getTime() - now).toBeLessThanOrEqual(86_400_000);
      expect(next.slice(0, 2).map((d) => d.toISOString().slice(11, 16))).toEqual(['17:00', '18:00']);
      const berlin = new Intl.DateTimeFormat('en-GB', {
        timeZone: 'Europe/Berlin',
        hour: '2-digit',
        minute: '2-digit',
      }).format(next[2]);
      expect(berlin).toBe('09:15');
      await tasks[0].execute();
      expect(woken).toBe(1);
    } finally {
      await stopDailyWakeups(tasks);
    }
    expect(tasks).toEqual([]);
  });
});
