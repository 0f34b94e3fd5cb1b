/**
 * Builds the scheduler's view of a project, with each source's load concurrency (default 2).
 * Schedule timing with its defaults is `config/schedule-timing.ts`.
 */
import { DEFAULTS, type LoadedProject } from '../config/project.js';
import type { ScheduleConfig } from '../config/types.js';
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

/** A source's load concurrency (default 2). */
export function sourceConcurrency(setup: SchedulerSetup, source: string): number {
  return setup.sources.find((s) => s.name === source)?.maxConcurrency ?? DEFAULTS.sourceMaxConcurrency;
}

export function isKind<K extends ScheduleConfig['kind']>(kind: K) {
  return (s: ScheduleConfig): s is Extract<ScheduleConfig, { kind: K }> => s.kind === kind;
}
