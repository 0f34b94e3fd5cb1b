/**
 * The loaded project: every module validated, defaults applied, cross-references checked.
 * This is what the rest of Wharf works with; nothing downstream re-reads config files.
 */
import type {
  ExperimentConfig,
  MappingConfig,
  NotificationPolicy,
  ProjectConfig,
  RecheckPolicy,
  ScheduleConfig,
  SourceConfig,
  StoreConfig,
  ValidationPolicy,
} from './types.js';

/** Defaults from the seeds (recheck 3 days / 5%, PST days) and Wharf's own choices. */
export const DEFAULTS = {
  store: { kind: 'duckdb', path: '.wharf/store.duckdb' } satisfies StoreConfig,
  idTypes: ['user_id', 'stable_id'],
  timeZone: 'PST',
  statusDir: 'status',
  recheck: { days: 3, threshold: 0.05, reloadOnFingerprintChange: false } satisfies Required<RecheckPolicy>,
  validation: { maxRejectRate: 0.05 } satisfies Required<ValidationPolicy>,
  restate: 'recheck-window',
  daily: { retryEvery: '1h', cutoff: '12h' },
  api: { rateLimit: '2h' },
  signal: { pollEvery: '15m' },
  sourceMaxConcurrency: 2,
  queryTimeout: '30m',
} as const;

/** A module's value with the file it came from (relative to the project root). */
export interface Located<T> {
  config: T;
  file: string;
}

export interface LoadedMapping extends Located<MappingConfig> {
  /** SQL file path relative to the project root. */
  sqlFile: string;
  sqlText: string;
  /** Effective policies: mapping settings over project settings over defaults. */
  recheck: Required<RecheckPolicy>;
  validation: Required<ValidationPolicy>;
  /** Effective query timeout in milliseconds (mapping over project over 30 minutes); absent: the default. */
  queryTimeoutMs?: number;
}

/** An experiment module, with the text of its exposure SQL file when it uses one. */
export interface LoadedExperiment extends Located<ExperimentConfig> {
  /** Exposure SQL file path relative to the project root, when the exposure is a SQL file. */
  exposureSqlFile?: string;
  exposureSqlText?: string;
}

export interface ResolvedProjectSettings {
  name: string;
  store: StoreConfig;
  /** Declared id types: the defaults plus `customIdTypes`. */
  idTypes: string[];
  timeZone: string;
  statusDir: string;
  recheck: Required<RecheckPolicy>;
  validation: Required<ValidationPolicy>;
  /** Default query timeout of the mappings (a Duration). */
  queryTimeout: string;
  notifications: NotificationPolicy;
  plugins: string[];
}

export interface LoadedProject {
  /** Absolute path of the folder holding wharf.config.ts. */
  root: string;
  configFile: string;
  raw: ProjectConfig;
  settings: ResolvedProjectSettings;
  sources: Map<string, Located<SourceConfig>>;
  mappings: Map<string, LoadedMapping>;
  schedules: Map<string, Located<ScheduleConfig>>;
  /** Experiments from `experiments/` (the Warehouse Native pipeline). */
  experiments: Map<string, LoadedExperiment>;
}

export function resolveSettings(raw: ProjectConfig): ResolvedProjectSettings {
  return {
    name: raw.name,
    store: raw.store ?? DEFAULTS.store,
    idTypes: [...DEFAULTS.idTypes, ...(raw.customIdTypes ?? [])],
    timeZone: raw.timeZone ?? DEFAULTS.timeZone,
    statusDir: raw.statusDir ?? DEFAULTS.statusDir,
    recheck: { ...DEFAULTS.recheck, ...raw.recheck },
    validation: { ...DEFAULTS.validation, ...raw.validation },
    queryTimeout: raw.queryTimeout ?? DEFAULTS.queryTimeout,
    notifications: raw.notifications ?? {},
    plugins: raw.plugins ?? [],
  };
}
