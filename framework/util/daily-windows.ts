/**
 * When a daily schedule fires and which day it checks. A window opens every day at `at` in
 * the schedule's zone (PST by default: a fixed UTC-8, so 09:00 PST is 17:00 UTC all year) and
 * targets the latest complete day in the project's zone (yesterday, in PST by default).
 */
import type { IsoDate } from '../config/types.js';
import { addDays, dayOf, latestCompleteDay, zonedTimeToUtc, type Zone } from '../util/time.js';

/** A daily schedule's timing, resolved from its config. */
export interface DailyTiming {
  /** Minutes after local midnight. */
  atMinutes: number;
  /** Zone of `atMinutes`. */
  zone: Zone;
  /** Zone of day boundaries (the project's). */
  dayZone: Zone;
  retryEveryMs: number;
  cutoffMs: number;
}

/** The window instant of the local date `localDate`. */
export function windowOn(localDate: IsoDate, timing: DailyTiming): Date {
  return zonedTimeToUtc(localDate, timing.atMinutes, timing.zone);
}

/** The latest window at or before `now`. */
export function latestWindow(now: Date, timing: DailyTiming): Date {
  const today = dayOf(now, timing.zone);
  const todays = windowOn(today, timing);
  return todays.getTime() <= now.getTime() ? todays : windowOn(addDays(today, -1), timing);
}

/** The first window strictly after `after`. */
export function nextWindowAfter(after: Date, timing: DailyTiming): Date {
  let local = dayOf(after, timing.zone);
  for (;;) {
    const w = windowOn(local, timing);
    if (w.getTime() > after.getTime()) return w;
    local = addDays(local, 1);
  }
}

/** Every window in (after, now], oldest first. */
export function windowsBetween(after: Date, now: Date, timing: DailyTiming): Date[] {
  const out: Date[] = [];
  for (let w = nextWindowAfter(after, timing); w.getTime() <= now.getTime(); w = nextWindowAfter(w, timing))
    out.push(w);
  return out;
}

/** The day a window checks: the latest complete day at the window, in the project's zone. */
export function targetDay(windowAt: Date, timing: DailyTiming): IsoDate {
  return latestCompleteDay(windowAt, timing.dayZone);
}

/**
 * The next check of a retry loop after `now`: on the grid windowAt + k·retryEvery, never past
 * the cutoff (the last check happens exactly at the cutoff). Null once the cutoff has passed.
 */
export function nextCheckAfter(now: Date, windowAt: Date, retryEveryMs: number, cutoffAt: Date): Date | null {
  if (now.getTime() >= cutoffAt.getTime()) return null;
  const k = Math.floor((now.getTime() - windowAt.getTime()) / retryEveryMs) + 1;
  const next = windowAt.getTime() + Math.max(k, 1) * retryEveryMs;
  return new Date(Math.min(next, cutoffAt.getTime()));
}
