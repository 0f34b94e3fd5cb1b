/**
 * Which days a load may touch, and when a day without rows counts as settled:
 * - a day after the latest complete day (in the project zone) has not happened yet: loading
 *   it is refused, never recorded as `no_data`;
 * - a `no_data` day is retried by backfills (and `run --all`) until its schedule's cutoff has
 *   passed: for a daily schedule the cutoff of the window that checks the day (`at` the next
 *   morning plus `cutoff`, 12 h by default); for api and signal schedules the default daily
 *   timing (09:00 plus 12 h). A `no_data` row recorded after that instant is final.
 */
import { type LoadedMapping, type LoadedProject } from '../config/project.js';
import { dailyTiming } from '../config/schedule-timing.js';
import type { DailySchedule } from '../config/types.js';
import { WharfError } from '../diagnostics/errors.js';
import type { LedgerEntry } from '../store/types.js';
import { nextWindowAfter } from '../util/daily-windows.js';
import { dayBounds, latestCompleteDay, zoneOrThrow } from '../util/time.js';

/** The window of api and signal schedules' days, for settling `no_data` (the demo's daily time). */
const DEFAULT_AT = '09:00';

/** The latest day that has fully ended in the project zone. */
export function latestLoadableDay(project: LoadedProject, now: Date): string {
  return latestCompleteDay(now, zoneOrThrow(project.settings.timeZone));
}

/** Throws a config error for days after the latest complete day. */
export function refuseFutureDays(project: LoadedProject, mapping: string, days: string[], now: Date): void {
  const latest = latestLoadableDay(project, now);
  const future = days.filter((d) => d > latest);
  if (future.length === 0) return;
  throw new WharfError(
    `Cannot load ${mapping} for ${future.length === 1 ? future[0] : `${future[0]}..${future.at(-1)}`}: the latest complete day in the project zone (${project.settings.timeZone}) is ${latest}.`,
    {
      code: 'day.future',
      errorClass: 'config',
      hint: `Load days up to ${latest}; later days load once they have ended.`,
    },
  );
}

/** The instant after which a day with no rows is settled as `no_data` for this mapping. */
export function noDataFinalAt(project: LoadedProject, mapping: LoadedMapping, day: string): Date {
  const configured = project.schedules.get(mapping.config.schedule)?.config;
  const schedule: DailySchedule =
    configured?.kind === 'daily' ? configured : { kind: 'daily', name: 'default', at: DEFAULT_AT };
  const timing = dailyTiming(schedule, project.settings.timeZone);
  const dayEnd = dayBounds(day, timing.dayZone).toUtc;
  const windowAt = nextWindowAfter(new Date(dayEnd.getTime() - 1), timing);
  return new Date(windowAt.getTime() + timing.cutoffMs);
}

/** Whether a ledger row means the day needs no more loading (under the current config hash). */
export function isSettled(
  project: LoadedProject,
  mapping: LoadedMapping,
  entry: LedgerEntry,
  configHash: string,
): boolean {
  if (entry.configHash !== configHash) return false;
  if (entry.status === 'succeeded') return true;
  return (
    entry.status === 'no_data' && entry.finishedAt.getTime() >= noDataFinalAt(project, mapping, entry.date).getTime()
  );
}
