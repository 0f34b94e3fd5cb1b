/**
 * Loads a project: wharf.config.ts, then every module under sources/, mappings/,
 * schedules/ and experiments/ (imported in a worker thread, see isolation/), each validated
 * against the generated schema, then the cross-references. It never stops at the first problem: the result carries every diagnostic it found, and the
 * project only when there are no errors.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { error, hasErrors, sortDiagnostics } from '../diagnostics/diagnostic.js';
import { isBuiltinKind, pluginConnector } from '../connectors/registry.js';
import { checkCrossReferences } from './cross-references.js';
import { checkExperiments } from './experiment-checks.js';
import { checkNotifierTargets } from './notifier-targets.js';
import { configFileIn, discoverModules } from './discover.js';
import { importIsolated, limitsFromEnv, type IsolationLimits, type ModuleOutcome } from './isolation/isolated-import.js';
import type { ModuleFailure } from './isolation/protocol.js';
import { loadPlugins, unavailableKindReason, type PluginLoadResult } from './plugins.js';
import { DEFAULTS, resolveSettings, type LoadedExperiment, type LoadedMapping, type LoadedProject, type Located } from './project.js';
import { validateAgainst, validateDefinition } from './schema-validator.js';
import { parseDuration } from '../util/time.js';
import type { ExperimentConfig, MappingConfig, ProjectConfig, ScheduleConfig, SourceConfig } from './types.js';

export interface LoadResult {
  project: LoadedProject | null;
  diagnostics: Diagnostic[];
}

const SOURCE_DEFINITIONS: Record<string, string> = {
  duckdb: 'DuckDBSource',
  postgres: 'PostgresSource',
  redshift: 'RedshiftSource',
  snowflake: 'SnowflakeSource',
  bigquery: 'BigQuerySource',
  s3: 'S3Source',
};
const MAPPING_DEFINITIONS: Record<string, string> = { events: 'EventsMapping', metrics: 'MetricsMapping' };
const SCHEDULE_DEFINITIONS: Record<string, string> = { daily: 'DailySchedule', api: 'ApiSchedule', signal: 'SignalSchedule' };

interface ModuleValue {
  file: string;
  value: Record<string, unknown>;
  /** Path of this value inside the module's default export (`[1]` for arrays). */
  prefix: string;
}

export interface LoadOptions {
  /** Time and memory limits of the worker that runs the config modules (default from the environment). */
  limits?: IsolationLimits;
  /** Cancels the load (an agent shutting down); the load then rejects with ImportAborted. */
  signal?: AbortSignal;
}

const FOLDERS = ['sources', 'schedules', 'mappings', 'experiments'] as const;

/**
 * Users' modules run in a worker thread (see isolation/isolated-import.ts); only their plain
 * values reach this process, where everything else (schema, plugins, cross-references) runs.
 * Plugin packages are loaded here, in process: they contribute code (connectors, notifiers)
 * that runs in this process, and they are installed packages, not modules of the project.
 */
export async function loadProject(root: string, options: LoadOptions = {}): Promise<LoadResult> {
  const configPath = configFileIn(root);
  const requests = [...(configPath ? [configPath] : []), ...FOLDERS.flatMap((f) => discoverModules(root, f).map((file) => join(root, file)))]
    .map((absolute) => ({ absolute, file: relative(root, absolute) }));
  const outcomes = await importIsolated(requests, options.limits ?? limitsFromEnv(), options.signal);
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
      if (!outcome) throw new Error(`Internal: the module ${absolutePath} was not imported with the others.`);
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
      diagnostics: [error('project.no-config', `No wharf.config.ts in ${root}.`, { hint: 'Run ingest from the folder that holds wharf.config.ts, or pass --project.' })],
    };
  }
  const configFile = relative(root, configPath);
  const rawProject = importOne(importer, configPath, configFile, diagnostics);
  const projectValues = rawProject ? asValues(rawProject, configFile, diagnostics, 'defineProject') : [];
  let raw: ProjectConfig = { name: 'unnamed' };
  if (projectValues.length === 1) {
    const d = validateDefinition('ProjectConfig', projectValues[0].value, configFile);
    diagnostics.push(...d);
    if (d.length === 0) raw = projectValues[0].value as unknown as ProjectConfig;
  } else if (rawProject) {
    diagnostics.push(error('project.one-project', 'wharf.config.ts must export exactly one project.', { file: configFile, hint: 'export default defineProject({ ... })' }));
  }
  const settings = resolveSettings(raw);
  const plugins = await loadPlugins(root, settings.plugins);
  diagnostics.push(...checkNotifierTargets(raw, configFile, plugins));

  const sources = new Map<string, Located<SourceConfig>>();
  // Invalid sources and schedules are still registered by name (their errors are already
  // reported), so mappings that use them do not get a second, misleading "not defined" error.
  // Sources whose plugin could not be loaded are also recorded in `unavailable`: the mappings
  // using them cannot work either, and say what to install.
  const unavailable = new Map<string, string>();
  for (const m of loadFolder(importer, root, 'sources', 'defineSource', diagnostics)) {
    if (validateSource(m, plugins, diagnostics, unavailable) || hasName(m)) addUnique(sources, m, 'source', diagnostics);
  }
  const schedules = new Map<string, Located<ScheduleConfig>>();
  for (const m of loadFolder(importer, root, 'schedules', 'defineSchedule', diagnostics)) {
    if (validateByKind(m, 'kind', SCHEDULE_DEFINITIONS, 'schedule', diagnostics) || hasName(m)) addUnique(schedules, m, 'schedule', diagnostics);
  }
  const mappings = new Map<string, LoadedMapping>();
  for (const m of loadFolder(importer, root, 'mappings', 'defineMapping', diagnostics)) {
    if (!validateByKind(m, 'dataset', MAPPING_DEFINITIONS, 'mapping', diagnostics)) continue;
    const loaded = withSql(root, m, settings, diagnostics);
    addUnique(mappings, loaded, 'mapping', diagnostics);
  }

  const experiments = new Map<string, LoadedExperiment>();
  for (const m of loadFolder(importer, root, 'experiments', 'defineExperiment', diagnostics)) {
    const d = validateDefinition('ExperimentConfig', m.value, m.file, m.prefix);
    diagnostics.push(...d);
    if (d.length === 0) addUnique(experiments, withExposureSql(root, m, diagnostics), 'experiment', diagnostics);
  }

  const project: LoadedProject = { root, configFile, raw, settings, sources, mappings, schedules, experiments };
  diagnostics.push(...checkCrossReferences(project, unavailable), ...checkExperiments(project));
  const sorted = sortDiagnostics(diagnostics);
  return { project: hasErrors(sorted) ? null : project, diagnostics: sorted };
}

function importOne(importer: ModuleImporter, absolute: string, file: string, diagnostics: Diagnostic[]): unknown {
  const outcome = importer.import(absolute);
  if ('failure' in outcome) {
    diagnostics.push(failureDiagnostic(outcome.failure, file));
    return undefined;
  }
  if (outcome.value === undefined) {
    diagnostics.push(error('module.no-default-export', 'The module has no default export.', { file, hint: 'Export the config as the default export: `export default defineX({ ... })`.' }));
  }
  return outcome.value;
}

function failureDiagnostic(failure: ModuleFailure, file: string): Diagnostic {
  return error(failure.code, failure.summary, { file, hint: failure.hint });
}

function asValues(value: unknown, file: string, diagnostics: Diagnostic[], helper: string): ModuleValue[] {
  const items = Array.isArray(value) ? value.map((v, i) => [v, `[${i}]`] as const) : [[value, ''] as const];
  const out: ModuleValue[] = [];
  for (const [item, prefix] of items) {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      diagnostics.push(error('module.not-an-object', `The default export must be an object made with ${helper}(...).`, { file, field: prefix || undefined }));
      continue;
    }
    out.push({ file, value: item as Record<string, unknown>, prefix });
  }
  return out;
}

function loadFolder(importer: ModuleImporter, root: string, folder: string, helper: string, diagnostics: Diagnostic[]): ModuleValue[] {
  const out: ModuleValue[] = [];
  const files = discoverModules(root, folder);
  const values = files.map((file) => importOne(importer, join(root, file), file, diagnostics));
  files.forEach((file, i) => {
    if (values[i] !== undefined) out.push(...asValues(values[i], file, diagnostics, helper));
  });
  return out;
}

function hasName(m: ModuleValue): boolean {
  return typeof m.value.name === 'string' && m.value.name !== '';
}

function field(prefix: string, name: string): string {
  return prefix ? `${prefix}.${name}` : name;
}

function validateByKind(m: ModuleValue, discriminator: string, definitions: Record<string, string>, what: string, diagnostics: Diagnostic[]): boolean {
  const tag = m.value[discriminator];
  const definition = typeof tag === 'string' ? definitions[tag] : undefined;
  if (!definition) {
    diagnostics.push(error(`${what}.unknown-${discriminator}`, `Unknown ${what} ${discriminator} ${JSON.stringify(tag)}.`, {
      file: m.file,
      field: field(m.prefix, discriminator),
      hint: `Use one of: ${Object.keys(definitions).join(', ')}.`,
    }));
    return false;
  }
  const d = validateDefinition(definition, m.value, m.file, m.prefix);
  diagnostics.push(...d);
  return d.length === 0;
}

/**
 * Validates a source against its kind's schema. A source whose kind comes from a plugin that
 * could not be loaded is recorded in `unavailable` (name → why), so the mappings and schedules
 * that use it get one clear diagnostic saying what to install instead of "not defined".
 */
function validateSource(m: ModuleValue, plugins: PluginLoadResult, diagnostics: Diagnostic[], unavailable: Map<string, string>): boolean {
  const kind = m.value.kind;
  if (typeof kind === 'string' && isBuiltinKind(kind)) return validateByKind(m, 'kind', SOURCE_DEFINITIONS, 'source', diagnostics);
  const connector = typeof kind === 'string' ? pluginConnector(kind) : undefined;
  if (typeof kind === 'string' && connector) {
    const d = connector.configSchema ? validateAgainst(connector.configSchema, m.value, m.file, m.prefix) : [];
    diagnostics.push(...d);
    return d.length === 0;
  }
  const failure = typeof kind === 'string' ? unavailableKindReason(kind, plugins) : undefined;
  if (failure && typeof m.value.name === 'string') {
    unavailable.set(m.value.name, `The source '${m.value.name}' (${m.file}) has kind '${String(kind)}', which is unavailable. ${failure}`);
  }
  const summary = failure ? `The source kind ${JSON.stringify(kind)} is not available: the plugin that provides it could not be loaded.` : `Unknown source kind ${JSON.stringify(kind)}.`;
  diagnostics.push(error('source.unknown-kind', summary, {
    file: m.file,
    field: field(m.prefix, 'kind'),
    hint: failure || `Use one of: ${Object.keys(SOURCE_DEFINITIONS).join(', ')}, or add the plugin package that provides '${String(kind)}' to \`plugins\` in wharf.config.ts and install it.`,
  }));
  return false;
}

function addUnique<T extends { name: string }>(map: Map<string, Located<T>>, m: ModuleValue | Located<T>, what: string, diagnostics: Diagnostic[]): void {
  const located = 'value' in m ? { config: m.value as unknown as T, file: m.file } : m;
  const name = located.config.name;
  const existing = map.get(name);
  if (existing) {
    diagnostics.push(error(`${what}.duplicate-name`, `The ${what} name '${name}' is already used in ${existing.file}.`, {
      file: located.file,
      field: 'name',
      hint: `Give each ${what} a unique name.`,
    }));
    return;
  }
  map.set(name, located);
}

function withSql(root: string, m: ModuleValue, settings: LoadedProject['settings'], diagnostics: Diagnostic[]): LoadedMapping {
  const config = m.value as unknown as MappingConfig;
  const sqlAbsolute = join(root, dirname(m.file), config.sql);
  const sqlFile = relative(root, sqlAbsolute);
  let sqlText = '';
  if (!config.sql.endsWith('.sql')) {
    diagnostics.push(error('mapping.sql-extension', `The SQL file '${config.sql}' must end in .sql.`, { file: m.file, field: field(m.prefix, 'sql'), hint: 'Keep the query in a .sql file beside the module and give its relative path.' }));
  } else if (!existsSync(sqlAbsolute)) {
    diagnostics.push(error('mapping.sql-missing', `The SQL file '${sqlFile}' does not exist.`, { file: m.file, field: field(m.prefix, 'sql'), hint: `Create it, or fix the path (it is relative to ${dirname(m.file)}/).` }));
  } else {
    sqlText = readFileSync(sqlAbsolute, 'utf8');
    if (sqlText.trim() === '') {
      diagnostics.push(error('mapping.sql-empty', `The SQL file '${sqlFile}' is empty.`, { file: m.file, field: field(m.prefix, 'sql'), hint: 'Write the query whose result set is ingested.' }));
    }
  }
  return {
    config,
    file: m.file,
    sqlFile,
    sqlText,
    recheck: { ...DEFAULTS.recheck, ...settings.recheck, ...config.recheck },
    validation: { ...DEFAULTS.validation, ...settings.validation, ...config.validation },
    queryTimeoutMs: durationMs(config.queryTimeout ?? settings.queryTimeout),
  };
}

/** An experiment module; when its exposure is a SQL file, the file is read (and checked) here. */
function withExposureSql(root: string, m: ModuleValue, diagnostics: Diagnostic[]): LoadedExperiment {
  const config = m.value as unknown as ExperimentConfig;
  if (config.exposure.kind !== 'sql') return { config, file: m.file };
  const where = { file: m.file, field: field(m.prefix, 'exposure.sql') };
  const absolute = join(root, dirname(m.file), config.exposure.sql);
  const sqlFile = relative(root, absolute);
  if (!config.exposure.sql.endsWith('.sql')) {
    diagnostics.push(error('experiment.sql-extension', `The exposure SQL file '${config.exposure.sql}' must end in .sql.`, { ...where, hint: 'Keep the exposure query in a .sql file beside the module.' }));
    return { config, file: m.file };
  }
  if (!existsSync(absolute)) {
    diagnostics.push(error('experiment.sql-missing', `The exposure SQL file '${sqlFile}' does not exist.`, { ...where, hint: `Create it, or fix the path (it is relative to ${dirname(m.file)}/).` }));
    return { config, file: m.file };
  }
  const text = readFileSync(absolute, 'utf8');
  if (text.trim() === '') diagnostics.push(error('experiment.sql-empty', `The exposure SQL file '${sqlFile}' is empty.`, { ...where, hint: 'Select unit_id, group_name, exposure_time and exposure_day.' }));
  return { config, file: m.file, exposureSqlFile: sqlFile, exposureSqlText: text };
}

/** A duration in milliseconds; an invalid one (already reported by the schema check) gives the default. */
function durationMs(value: string): number {
  try {
    return parseDuration(value);
  } catch {
    return parseDuration(DEFAULTS.queryTimeout);
  }
}
