/**
 * Loads a project: wharf.config.ts, then every module under sources/, mappings/,
 * schedules/ and experiments/ (imported in a worker thread, see isolation/), each validated
 * against the generated schema, then the cross-references. It never stops at the first problem:
 * the result carries every diagnostic it found, and the project only when there are no errors.
 */
import { join, relative } from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { error, hasErrors, sortDiagnostics } from '../diagnostics/diagnostic.js';
import { checkCrossReferences } from './cross-references.js';
import { checkExperiments } from './experiment-checks.js';
import { checkNotifierTargets } from './notifier-targets.js';
import { configFileIn, discoverModules } from './discover.js';
import {
  importIsolated,
  limitsFromEnv,
  type IsolationLimits,
  type ModuleOutcome,
} from './isolation/isolated-import.js';
import type { ModuleFailure } from './isolation/protocol.js';
import { MAPPING_KINDS, SCHEDULE_KINDS, validateByKind, validateSource } from './kind-validation.js';
import { exportedName, locateDiagnostics } from './locate.js';
import { importFailure, readFailure } from './module-errors.js';
import type { ModuleValue } from './module-value.js';
import { loadPlugins, type PluginLoadResult } from './plugins.js';
import {
  resolveSettings,
  type LoadedExperiment,
  type LoadedMapping,
  type LoadedProject,
  type Located,
} from './project.js';
import { validateDefinition } from './schema-validator.js';
import { withExposureSql, withSql } from './sql-files.js';
import type { ExperimentConfig, ProjectConfig, ScheduleConfig, SourceConfig } from './types.js';
import { internalError } from '../diagnostics/errors.js';

export interface LoadResult {
  project: LoadedProject | null;
  diagnostics: Diagnostic[];
}

export interface LoadOptions {
  /** Time and memory limits of the worker that runs the config modules (default from the environment). */
  limits?: IsolationLimits;
  /** Cancels the load (an agent shutting down); the load then rejects with ImportAborted. */
  signal?: AbortSignal;
  /** The entry module of the config-module worker (tests give one that never starts). */
  workerEntry?: URL;
}

const FOLDERS = ['sources', 'schedules', 'mappings', 'experiments'] as const;

/**
 * Users' modules run in a worker thread (see isolation/isolated-import.ts); only their plain
 * values reach this process, where everything else (schema, plugins, cross-references) runs.
 * Plugin packages are loaded here, in process: they contribute code (connectors, notifiers)
 * that runs in this process, and they are installed packages, not modules of the project.
 * When the worker thread does not start, the load rejects with a transient WharfError
 * (`config.loader-start-timeout` or `config.loader-start-failed`): nothing was learnt about
 * the project, so there is no result to report.
 */
export async function loadProject(root: string, options: LoadOptions = {}): Promise<LoadResult> {
  const configPath = configFileIn(root);
  const requests = [
    ...(configPath ? [configPath] : []),
    ...FOLDERS.flatMap((f) => discoverModules(root, f).map((file) => join(root, file))),
  ].map((absolute) => ({ absolute, file: relative(root, absolute) }));
  // Stack traces of errors thrown by a module then give its own line numbers (through the
  // source maps of the TypeScript transform), which the diagnostics report.
  process.setSourceMapsEnabled(true);
  const outcomes = await importIsolated(requests, options.limits ?? limitsFromEnv(), {
    signal: options.signal,
    entry: options.workerEntry,
  });
  return loadWith(prefetched(outcomes), root);
}

/** What the loader asks of the module imports: the value of one module (already imported). */
interface ModuleImporter {
  import(absolutePath: string): ModuleOutcome;
}

function prefetched(outcomes: Map<string, ModuleOutcome>): ModuleImporter {
  return {
    import(absolutePath) {
      const outcome = outcomes.get(absolutePath);
      if (!outcome) throw internalError(`The module ${absolutePath} was not imported with the others.`);
      return outcome;
    },
  };
}

async function loadWith(importer: ModuleImporter, root: string): Promise<LoadResult> {
  const diagnostics: Diagnostic[] = [];
  const configPath = configFileIn(root);
  if (!configPath) {
    return {
      project: null,
      diagnostics: [
        error('project.no-config', `No wharf.config.ts in ${root}.`, {
          hint: 'Run ingest from the folder that holds wharf.config.ts, or pass --project.',
        }),
      ],
    };
  }
  const configFile = relative(root, configPath);
  const ctx: FolderLoad = { importer, root, diagnostics };
  const raw = readProjectConfig(ctx, configPath, configFile);
  const settings = resolveSettings(raw);
  const plugins = await loadPlugins(root, settings.plugins);
  diagnostics.push(...pluginFailures(plugins, settings.plugins, configFile));
  diagnostics.push(...checkNotifierTargets(raw, configFile, plugins));

  const sources = new Map<string, Located<SourceConfig>>();
  // Modules that failed the schema (or could not be loaded) but have a name are still
  // registered, marked incomplete: the checks of their other fields still run (an unknown
  // source is reported beside a misspelled field), and modules referring to them get no false
  // "not defined" error. Sources whose plugin could not be loaded are also recorded in
  // `unavailable`: the mappings using them cannot work either, and say what to install.
  const incomplete = new Set<string>();
  const unavailable = new Map<string, string>();
  for (const m of loadFolder(ctx, 'sources', 'defineSource')) {
    const valid = !m.unreadable && validateSource(m, plugins, diagnostics, unavailable);
    if (!valid) incomplete.add(m.file);
    if (valid || hasName(m)) addUnique(sources, m, 'source', diagnostics);
  }
  const schedules = new Map<string, Located<ScheduleConfig>>();
  for (const m of loadFolder(ctx, 'schedules', 'defineSchedule')) {
    if ((!m.unreadable && validateByKind(m, SCHEDULE_KINDS, diagnostics)) || hasName(m))
      addUnique(schedules, m, 'schedule', diagnostics);
  }
  const mappings = new Map<string, LoadedMapping>();
  for (const m of loadFolder(ctx, 'mappings', 'defineMapping')) {
    const valid = !m.unreadable && validateByKind(m, MAPPING_KINDS, diagnostics);
    if (!valid && !hasName(m)) continue;
    const loaded = withSql(root, m, settings, diagnostics);
    if (!valid) incomplete.add(m.file);
    addUnique(mappings, loaded, 'mapping', diagnostics);
  }

  const experiments = loadExperiments(ctx, incomplete);

  const project: LoadedProject = { root, configFile, raw, settings, sources, mappings, schedules, experiments };
  diagnostics.push(...checkCrossReferences(project, unavailable, incomplete), ...checkExperiments(project, incomplete));
  const sorted = sortDiagnostics(locateDiagnostics(root, diagnostics));
  return { project: hasErrors(sorted) ? null : project, diagnostics: sorted };
}

/** What loading the modules of a folder needs: where they are, and where problems go. */
interface FolderLoad {
  importer: ModuleImporter;
  root: string;
  diagnostics: Diagnostic[];
}

/** The project config (wharf.config.ts), or its well-typed settings when it fails the schema. */
function readProjectConfig(
  { importer, diagnostics }: FolderLoad,
  configPath: string,
  configFile: string,
): ProjectConfig {
  const rawProject = importOne(importer, configPath, configFile, diagnostics);
  const projectValues = rawProject ? asValues(rawProject, configFile, diagnostics, 'defineProject') : [];
  if (projectValues.length === 1) {
    const d = validateDefinition('ProjectConfig', projectValues[0].value, configFile);
    diagnostics.push(...d);
    return d.length === 0
      ? (projectValues[0].value as unknown as ProjectConfig)
      : wellTypedSettings(projectValues[0].value);
  }
  if (rawProject) {
    diagnostics.push(
      error('project.one-project', 'wharf.config.ts must export exactly one project.', {
        file: configFile,
        hint: 'export default defineProject({ ... })',
      }),
    );
  }
  return { name: 'unnamed' };
}

/** The experiments folder; an experiment that fails the schema but has a name is kept, incomplete. */
function loadExperiments(ctx: FolderLoad, incomplete: Set<string>): Map<string, LoadedExperiment> {
  const { root, diagnostics } = ctx;
  const experiments = new Map<string, LoadedExperiment>();
  for (const m of loadFolder(ctx, 'experiments', 'defineExperiment')) {
    const d = m.unreadable ? [] : validateDefinition('ExperimentConfig', m.value, m.file, m.prefix);
    diagnostics.push(...d);
    const valid = !m.unreadable && d.length === 0;
    if (!valid && !hasName(m)) continue;
    if (!valid) incomplete.add(m.file);
    addUnique(
      experiments,
      valid ? withExposureSql(root, m, diagnostics) : { config: m.value as unknown as ExperimentConfig, file: m.file },
      'experiment',
      diagnostics,
    );
  }
  return experiments;
}

function importOne(importer: ModuleImporter, absolute: string, file: string, diagnostics: Diagnostic[]): unknown {
  const outcome = importer.import(absolute);
  if ('failure' in outcome) {
    diagnostics.push(failureDiagnostic(outcome.failure, absolute, file));
    return undefined;
  }
  if (outcome.value === undefined) {
    diagnostics.push(
      error('module.no-default-export', 'The module has no default export.', {
        file,
        hint: 'Export the config as the default export: `export default defineX({ ... })`.',
      }),
    );
  }
  return outcome.value;
}

/** A failure the worker reported, located in the module's source where the error allows. */
function failureDiagnostic(failure: ModuleFailure, absolute: string, file: string): Diagnostic {
  if (failure.error && failure.code === 'module.import-failed') return importFailure(absolute, file, failure.error);
  if (failure.error && failure.code === 'module.read-failed') return readFailure(absolute, file, failure.error);
  return error(failure.code, failure.summary, { file, hint: failure.hint });
}

function asValues(value: unknown, file: string, diagnostics: Diagnostic[], helper: string): ModuleValue[] {
  const items = Array.isArray(value) ? value.map((v, i) => [v, `[${i}]`] as const) : [[value, ''] as const];
  const out: ModuleValue[] = [];
  for (const [item, prefix] of items) {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      diagnostics.push(
        error('module.not-an-object', `The default export must be an object made with ${helper}(...).`, {
          file,
          field: prefix || undefined,
        }),
      );
      continue;
    }
    out.push({ file, value: item as Record<string, unknown>, prefix });
  }
  return out;
}

function loadFolder({ importer, root, diagnostics }: FolderLoad, folder: string, helper: string): ModuleValue[] {
  const out: ModuleValue[] = [];
  const files = discoverModules(root, folder);
  const values = files.map((file) => importOne(importer, join(root, file), file, diagnostics));
  files.forEach((file, i) => {
    if (values[i] !== undefined) out.push(...asValues(values[i], file, diagnostics, helper));
    else {
      const name = exportedName(join(root, file));
      if (name !== undefined) out.push({ file, value: { name }, prefix: '', unreadable: true });
    }
  });
  return out;
}

/**
 * The settings of a project config that failed the schema which the other modules' checks
 * depend on, when they are well typed: with them, an error elsewhere in wharf.config.ts does
 * not turn plugin sources or custom id types into false errors in other modules.
 */
function wellTypedSettings(value: Record<string, unknown>): ProjectConfig {
  const strings = (v: unknown) =>
    Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;
  return {
    name: typeof value.name === 'string' ? value.name : 'unnamed',
    ...(strings(value.plugins) ? { plugins: strings(value.plugins) } : {}),
    ...(strings(value.customIdTypes) ? { customIdTypes: strings(value.customIdTypes) } : {}),
    ...(typeof value.timeZone === 'string' ? { timeZone: value.timeZone } : {}),
  };
}

/** Each plugin package that could not be loaded is an error on its entry in `plugins`. */
function pluginFailures(plugins: PluginLoadResult, listed: readonly string[], configFile: string): Diagnostic[] {
  return listed.flatMap((pkg, i) => {
    const why = plugins.failures.get(pkg);
    return why === undefined
      ? []
      : [
          error('project.plugin-unavailable', why, {
            file: configFile,
            field: `plugins[${i}]`,
            hint: 'If the project does not need it, remove it from plugins.',
          }),
        ];
  });
}

function hasName(m: ModuleValue): boolean {
  return typeof m.value.name === 'string' && m.value.name !== '';
}

function addUnique<T extends { name: string }>(
  map: Map<string, Located<T>>,
  m: ModuleValue | Located<T>,
  what: string,
  diagnostics: Diagnostic[],
): void {
  const located = 'value' in m ? { config: m.value as unknown as T, file: m.file } : m;
  const name = located.config.name;
  const existing = map.get(name);
  if (existing) {
    diagnostics.push(
      error(`${what}.duplicate-name`, `The ${what} name '${name}' is already used in ${existing.file}.`, {
        file: located.file,
        field: 'name',
        hint: `Give each ${what} a unique name.`,
      }),
    );
    return;
  }
  map.set(name, located);
}
