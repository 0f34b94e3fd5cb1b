/**
 * Builds the scheduler's view of a project and resolves each schedule's timing with the
 * defaults (daily: retry every 1h until 12h after the window; api: one request per 2h per
 * type; signal: poll every 15m; source concurrency 2).
 */
import { DEFAULTS, type LoadedProject } from '../config/project.js';
import type { ApiSchedule, DailySchedule, ScheduleConfig, SignalSchedule } from '../config/types.js';
import { parseDuration, parseTimeOfDay, zoneOrThrow } from '../util/time.js';
import type { DailyTiming } from './daily-windows.js';
import type { SchedulerSetup } from './types.js';

/** The scheduler's slice of a loaded project. */
export function schedulerSetupFromProject(project: LoadedProject): SchedulerSetup {
  return {
    timeZone: project.settings.timeZone,
    schedules: [...project.schedules.values()].map((s) => s.config),
    mappings: [...project.mappings.values()].map((m) => ({
      name: m.config.name,
      source: m.config.source,
      dataset: m.config.dataset,
      schedule: m.config.schedule,
      startDate: m.config.startDate,
      recheck: m.recheck,
    })),
    sources: [...project.sources.values()].map((s) => ({
      name: s.config.name,
      maxConcurrency: s.config.maxConcurrency,
    })),
  };
}

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

/** A source's load concurrency (default 2). */
export function sourceConcurrency(setup: SchedulerSetup, source: string): number {
  return setup.sources.find((s) => s.name === source)?.maxConcurrency ?? DEFAULTS.sourceMaxConcurrency;
}

export function isKind<K extends ScheduleConfig['kind']>(kind: K) {
  return (s: ScheduleConfig): s is Extract<ScheduleConfig, { kind: K }> => s.kind === kind;
}
