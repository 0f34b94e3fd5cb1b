/**
 * Wake-ups of the agent at its daily schedule times, by the wall clock (node-cron). Between
 * them the runtime sleeps until the scheduler's next computed wake-up, at most a minute; but
 * a Node timer counts monotonic time, so after a clock step or a suspend that sleep can end
 * up to a minute off. node-cron matches the wall clock every second, so a daily load starts
 * at its time. A wake-up only runs the scheduler, which decides what is due: an extra one is
 * harmless.
 */
import cron, { type ScheduledTask } from 'node-cron';
import type { DailySchedule } from '../config/types.js';
import { dailyTiming } from '../config/schedule-timing.js';
import type { SchedulerSetup } from '../schedule/types.js';
import type { Logger } from '../util/log.js';

export interface DailyCron {
  schedule: string;
  /** Five-field cron pattern: minute and hour of the schedule's time. */
  pattern: string;
  /** IANA zone of the pattern (fixed offsets are turned into UTC times). */
  timezone: string;
}

const DAY_MINUTES = 24 * 60;

/** One cron pattern per daily schedule of the project. */
export function dailyCrons(setup: SchedulerSetup): DailyCron[] {
  return setup.schedules
    .filter((s): s is DailySchedule => s.kind === 'daily')
    .map((s) => {
      const { atMinutes, zone } = dailyTiming(s, setup.timeZone);
      // A fixed offset (PST is UTC-8 all year) has no IANA name of its own in general: use UTC.
      const minutes =
        zone.kind === 'fixed'
          ? (((atMinutes - zone.offsetMinutes) % DAY_MINUTES) + DAY_MINUTES) % DAY_MINUTES
          : atMinutes;
      return {
        schedule: s.name,
        pattern: `${minutes % 60} ${Math.floor(minutes / 60)} * * *`,
        timezone: zone.kind === 'fixed' ? 'Etc/UTC' : zone.name,
      };
    });
}

/** Starts one task per daily schedule that calls `wake`; stop them with `stopDailyWakeups`. */
export function startDailyWakeups(setup: SchedulerSetup, wake: () => void, log: Logger): ScheduledTask[] {
  // node-cron's own messages (e.g. a wake-up missed while suspended) go to the agent's log.
  const logger = {
    info: (m: string) => log.debug(m),
    debug: (m: string | Error) => log.debug(String(m)),
    warn: (m: string) => log.warn(m),
    error: (m: string | Error) => log.warn(String(m)),
  };
  return dailyCrons(setup).map(({ schedule, pattern, timezone }) =>
    cron.schedule(pattern, () => wake(), { name: `wharf-daily-${schedule}`, timezone, noOverlap: true, logger }),
  );
}

export async function stopDailyWakeups(tasks: ScheduledTask[]): Promise<void> {
  for (const task of tasks.splice(0)) await task.destroy();
}
