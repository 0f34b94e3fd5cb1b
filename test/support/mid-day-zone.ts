/**
 * Agent tests count the days from a start date to the latest complete day, which the test
 * computes when it starts and the agent computes again on the system clock. Were the
 * project's day to end during the run (PST midnight), the two would differ by one day. These
 * tests therefore give the project a fixed-offset zone in which it is now between 12:00 and
 * 13:00: its day cannot end in the next eleven hours, and no daily schedule comes due soon.
 */
import { latestCompleteDay, zoneOrThrow } from '../../framework/util/time.js';

export interface MidDayZone {
  /** The zone to write into wharf.config.ts, e.g. `UTC-5`. */
  timeZone: string;
  /** The latest complete day in that zone. */
  latest: string;
}

export function midDayZone(now = new Date()): MidDayZone {
  const hours = 12 - now.getUTCHours(); // -11 … +12, all valid fixed offsets
  const timeZone = hours === 0 ? 'UTC' : `UTC${hours > 0 ? '+' : '-'}${Math.abs(hours)}`;
  return { timeZone, latest: latestCompleteDay(now, zoneOrThrow(timeZone)) };
}

/** The example's wharf.config.ts with its `timeZone: 'PST'` replaced; throws if it has none. */
export function withTimeZone(configTs: string, timeZone: string): string {
  if (!configTs.includes("timeZone: 'PST',"))
    throw new Error("wharf.config.ts no longer sets timeZone: 'PST'; update test/support/mid-day-zone.ts");
  return configTs.replace("timeZone: 'PST',", `timeZone: '${timeZone}',`);
}
