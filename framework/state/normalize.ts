/**
 * Turns a loaded project into the normalized form the state records: one entry per mapping,
 * defaults filled in (so writing a default out explicitly is not a change), the SQL text
 * included, and the mapping's source and schedule folded in.
 */
import { DEFAULTS, type LoadedMapping, type LoadedProject } from '../config/project.js';
import type { ScheduleConfig, SourceConfig } from '../config/types.js';
import { hashOf, sortKeys } from '../util/canonical-json.js';
import type { NormalizedIngestion } from './types.js';
import { internalError } from '../diagnostics/errors.js';

/** Every ingestion of the project, normalized, by name (sorted). */
export function normalizeProject(project: LoadedProject): Record<string, NormalizedIngestion> {
  const out: Record<string, NormalizedIngestion> = {};
  for (const name of [...project.mappings.keys()].sort()) {
    out[name] = normalizeMapping(project, project.mappings.get(name) as LoadedMapping);
  }
  return out;
}

/** One mapping with its source and schedule, defaults applied. */
export function normalizeMapping(project: LoadedProject, loaded: LoadedMapping): NormalizedIngestion {
  const { sql: _sql, ...mapping } = loaded.config;
  const source = project.sources.get(mapping.source)?.config;
  const schedule = project.schedules.get(mapping.schedule)?.config;
  if (!source || !schedule)
    throw internalError(
      `Mapping ${mapping.name} refers to a missing source or schedule; load the project with cross-references checked first.`,
    );
  return sortKeys({
    mapping: {
      ...mapping,
      recheck: loaded.recheck,
      validation: loaded.validation,
      restate: mapping.restate ?? DEFAULTS.restate,
    },
    sqlFile: loaded.sqlFile,
    sqlText: loaded.sqlText,
    source: withSourceDefaults(source),
    schedule: withScheduleDefaults(schedule, project.settings.timeZone),
  });
}

function withSourceDefaults(source: SourceConfig): SourceConfig {
  return { ...source, maxConcurrency: source.maxConcurrency ?? DEFAULTS.sourceMaxConcurrency };
}

function withScheduleDefaults(schedule: ScheduleConfig, projectZone: string): ScheduleConfig {
  switch (schedule.kind) {
    case 'daily':
      return { ...DEFAULTS.daily, timeZone: projectZone, ...schedule };
    case 'api':
      return { ...DEFAULTS.api, ...schedule };
    case 'signal':
      return { ...DEFAULTS.signal, ...schedule };
  }
}

const hashes = new WeakMap<NormalizedIngestion, string>();

/** The hash of one normalized ingestion, as stored in the state (memoized per object; treat configs as immutable). */
export function ingestionHash(config: NormalizedIngestion): string {
  let hash = hashes.get(config);
  if (!hash) hashes.set(config, (hash = hashOf(config)));
  return hash;
}

/** The hash of the whole project's ingestion config: a saved plan records it to detect staleness. */
export function configHash(ingestions: Record<string, NormalizedIngestion>, timeZone: string): string {
  const hashes: Record<string, string> = {};
  for (const [name, config] of Object.entries(ingestions)) hashes[name] = ingestionHash(config);
  return hashOf({ timeZone, ingestions: hashes });
}
