/**
 * Identity helpers for config modules. They do nothing at run time; they exist so editors
 * autocomplete and type-check each module, and a wrong field is a `tsc --noEmit` error.
 * They are deliberately not generic: a generic parameter would let extra fields through.
 */
import type {
  ExperimentConfig,
  MappingConfig,
  ProjectConfig,
  ScheduleConfig,
  SecretRef,
  SourceConfig,
} from './types.js';

export function defineProject(project: ProjectConfig): ProjectConfig {
  return project;
}

export function defineSource(source: SourceConfig): SourceConfig {
  return source;
}

export function defineMapping(mapping: MappingConfig): MappingConfig {
  return mapping;
}

export function defineSchedule(schedule: ScheduleConfig): ScheduleConfig {
  return schedule;
}

/** An experiment analysed by the Warehouse Native pipeline (modules in `experiments/`). */
export function defineExperiment(experiment: ExperimentConfig): ExperimentConfig {
  return experiment;
}

/** A secret read from an environment variable at run time; only the name is stored. */
export function env(name: string): SecretRef {
  return { env: name };
}
