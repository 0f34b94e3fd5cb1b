/** Projects made in code for engine tests and their child processes (no vitest imports here). */
import { resolveSettings, type LoadedMapping, type LoadedProject } from '../../framework/config/project.js';
import type { MappingConfig, ProjectConfig, SourceConfig } from '../../framework/config/types.js';

/** A mapping as the loader would produce it, with its SQL inline. */
export function loadedMapping(config: MappingConfig, sqlText: string, maxRejectRate = 0.05): LoadedMapping {
  return {
    config,
    file: `mappings/${config.name}.ts`,
    sqlFile: `mappings/${config.name}.sql`,
    sqlText,
    recheck: { days: 3, threshold: 0.05, reloadOnFingerprintChange: false },
    validation: { maxRejectRate },
  };
}

export function makeProject(
  root: string,
  sources: SourceConfig[],
  mappings: LoadedMapping[],
  raw: Partial<ProjectConfig> = {},
): LoadedProject {
  const full: ProjectConfig = { name: 'test', ...raw };
  return {
    root,
    configFile: 'wharf.config.ts',
    raw: full,
    settings: resolveSettings(full),
    sources: new Map(sources.map((s) => [s.name, { config: s, file: `sources/${s.name}.ts` }])),
    mappings: new Map(mappings.map((m) => [m.config.name, m])),
    schedules: new Map(),
    experiments: new Map(),
  };
}
