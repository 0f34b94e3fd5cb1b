/**
 * A schedule's timing, resolved from its config with the project defaults (daily: retry every
 * 1h until 12h after the window; api: one request per 2h per type; signal: poll every 15m).
 * Here, below both the engine (which settles `no_data` days by the daily cutoff) and the
 * scheduler (which runs the windows), so neither imports the other for it.
 */
import { parseDuration, parseTimeOfDay, zoneOrThrow } from '../util/time.js';
import type { DailyTiming } from '../util/daily-windows.js';
import { DEFAULTS } from './project.js';
import type { ApiSchedule, DailySchedule, SignalSchedule } from './types.js';

/** A daily schedule's timing: its zone defaults to the project's (`PST` unless configured). */
export function dailyTiming(schedule: DailySchedule, projectZone: string): DailyTiming {
  return {
    atMinutes: parseTimeOfDay(schedule.at),
    zone: zoneOrThrow(schedule.timeZone ?? projectZone),
    dayZone: zoneOrThrow(projectZone),
    retryEveryMs: parseDuration(schedule.retryEvery ?? DEFAULTS.daily.retryEvery),
    cutoffMs: parseDuration(schedule.cutoff ?? DEFAULTS.daily.cutoff),
  };
}

/** Minimum time between two accepted mark-data-ready requests for one key. */
export function apiRateLimitMs(schedule: ApiSchedule): number {
  return parseDuration(schedule.rateLimit ?? DEFAULTS.api.rateLimit);
}

/** How often a signal schedule polls its `finished_date` dataset. */
export function signalPollMs(schedule: SignalSchedule): number {
  return parseDuration(schedule.pollEvery ?? DEFAULTS.signal.pollEvery);
}
