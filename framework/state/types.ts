/**
 * The applied state: what `ingest apply` last recorded for each ingestion. Plans are made by
 * diffing the loaded project against this. The state knows nothing about plans.
 *
 * Secrets appear only as references (`{ env: NAME }`), never as values, so rotating a secret
 * never shows up as a change.
 */
import type { MappingConfig, RestatePolicy, ScheduleConfig, SourceConfig } from '../config/types.js';

/** Bumped when the persisted shape of the state changes; readers refuse newer versions. */
export const STATE_FORMAT_VERSION = 1;

/**
 * The normalized config of one ingestion: its mapping (defaults applied), the SQL text, the
 * source it reads (non-secret settings and secret references) and its schedule. Keys are
 * sorted when hashed, so the hash does not depend on how a module was written.
 */
export interface NormalizedIngestion {
  mapping: Omit<MappingConfig, 'sql'> & { restate: RestatePolicy };
  /** The SQL file, relative to the project root. */
  sqlFile: string;
  sqlText: string;
  source: SourceConfig;
  schedule: ScheduleConfig;
}

/** One ingestion as recorded in the state. */
export interface AppliedIngestion {
  name: string;
  config: NormalizedIngestion;
  /** sha256 of the canonical JSON of `config`. */
  hash: string;
  /** The state serial of the write that recorded this version. */
  appliedSerial: number;
}

/**
 * The whole applied state. `serial` grows by one on every write; `lineage` is fixed when the
 * state is first written, so a plan made against another store's state is never applied here.
 */
export interface AppliedState {
  formatVersion: number;
  serial: number;
  /** Null until the first write. */
  lineage: string | null;
  ingestions: Record<string, AppliedIngestion>;
}

/** An inclusive range of days, `YYYY-MM-DD`. */
export interface DayRange {
  from: string;
  to: string;
}

/**
 * What planning needs to know about an ingestion's loaded data: which days are loaded
 * (succeeded or succeeded with no data), as ranges, and when recently loaded days were first
 * loaded (for the recheck window).
 */
export interface LoadedDaysSummary {
  /** Number of loaded days. */
  days: number;
  ranges: DayRange[];
  /** Day → ISO time of its first successful load, for days first loaded within the last 90 days. */
  firstLoadedAt: Record<string, string>;
}

/** The state plus the loaded-days summaries: everything a plan is made from. */
export interface PlanningState {
  state: AppliedState;
  loaded: Record<string, LoadedDaysSummary>;
}

/** An empty state: nothing applied yet. */
export function emptyState(): AppliedState {
  return { formatVersion: STATE_FORMAT_VERSION, serial: 0, lineage: null, ingestions: {} };
}
