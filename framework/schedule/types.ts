/**
 * The scheduler core's contract with the rest of Wharf. The core decides *what* to load and
 * *when*; it never loads, queries or reads the store itself. Everything it needs from the
 * outside world comes through the narrow interfaces below, injected by whoever drives it
 * (`ingest apply`, the agent, or a test playing a month of simulated time).
 */
import type { Dataset, IsoDate, RecheckPolicy, ScheduleConfig, SignalSchedule } from '../config/types.js';
import type { DayStats } from '../connectors/types.js';
import type { DayStatus, LedgerEntry, LedgerQuery } from '../store/types.js';

/** Where the core reads the time. Tests use ManualClock to move through days in milliseconds. */
export interface Clock {
  now(): Date;
}

/** What the scheduler needs to know about one mapping (an ingestion). */
export interface ScheduledMapping {
  name: string;
  source: string;
  dataset: Dataset;
  schedule: string;
  /** Days before this are never loaded by a schedule. */
  startDate: IsoDate;
  /** Effective change-detection policy (mapping over project over the seed defaults). */
  recheck: Required<RecheckPolicy>;
}

/** The slice of a loaded project the scheduler works from. */
export interface SchedulerSetup {
  /** The project's zone: day boundaries and the default zone of daily schedules (`PST`). */
  timeZone: string;
  schedules: ScheduleConfig[];
  mappings: ScheduledMapping[];
  /** Per source, how many days may load at once (default 2). */
  sources: { name: string; maxConcurrency?: number }[];
}

/** Why a load runs; recorded in the ledger by the loader. */
export type LoadTrigger = 'schedule' | 'recheck' | 'api' | 'signal' | 'backfill' | 'apply' | 'manual';

/** The result of loading one day, as the engine reports it. */
export interface LoadOutcome {
  status: DayStatus;
  rowsLoaded: number;
  /** Row count of the day in the warehouse at load time: the baseline of later rechecks. */
  sourceRowCount: number | null;
  fingerprint: string | null;
  error?: string;
  /** What to do about the failure, when Wharf knows (the error's hint). */
  hint?: string;
}

/**
 * Loads one day of one mapping atomically and writes its ledger entry (the engine, adapted).
 * It must be safe to call again for a day that is already loaded: a reload replaces the day.
 */
export interface DayLoader {
  load(mapping: ScheduledMapping, day: IsoDate, trigger: LoadTrigger): Promise<LoadOutcome>;
  /** Records the day as succeeded with no data (the cutoff passed and the source stayed empty). */
  markNoData(mapping: ScheduledMapping, day: IsoDate, reason: string): Promise<void>;
}

/** Questions about the warehouse, answered with aggregate queries only (connectors, adapted). */
export interface SourceProbe {
  /** Whether the mapping's query has at least one row for the day. */
  hasData(mapping: ScheduledMapping, day: IsoDate): Promise<boolean>;
  /** Row count and content fingerprint per day, computed in the warehouse. */
  dayStats(mapping: ScheduledMapping, days: IsoDate[]): Promise<DayStats[]>;
  /** Latest `finished_date` of a signal schedule's dataset, or null when it is empty. */
  latestFinishedDate(schedule: SignalSchedule): Promise<IsoDate | null>;
}

/** Read access to the per-day ledger (a Store satisfies it). */
export interface LedgerReader {
  ledger(query?: LedgerQuery): Promise<LedgerEntry[]>;
}

/** What the scheduler decided, and why. */
export type DecisionAction =
  | 'queued' // a load of the day was put on the queue
  | 'loaded' // a queued load finished (succeeded or succeeded with no data)
  | 'failed' // a queued load failed
  | 'skipped' // nothing to do for the day (already loaded, already queued, before startDate)
  | 'retry' // no data yet; checked again later
  | 'no_data' // the cutoff passed without data: recorded as succeeded with no data
  | 'reload' // a recheck found the day changed beyond the policy
  | 'signal_ignored' // a signal went backwards
  | 'check_failed' // a readiness check, recheck or signal poll could not ask the warehouse; tried again later
  | 'rate_limited'; // a mark-data-ready request came too soon

/** One recorded decision. Persisted by the scheduler state and handed to `onDecision`. */
export interface Decision {
  at: Date;
  action: DecisionAction;
  reason: string;
  mapping?: string;
  schedule?: string;
  day?: IsoDate;
  trigger?: LoadTrigger;
}

/** A mark-data-ready request: the days, and either a dataset type or one mapping. */
export interface MarkDataReadyRequest {
  dates: IsoDate[];
  type?: Dataset;
  mapping?: string;
}

export interface MarkDataReadyResult {
  accepted: boolean;
  /** When refused by the rate limit: the earliest time a new request for this key is accepted. */
  retryAfter?: Date;
  /** The rate-limit key (`type:events`, `mapping:name`). */
  key: string;
  queued: { mapping: string; day: IsoDate }[];
}

/** A user-triggered reload of a date range (CLI, API or a plan's data actions). */
export interface BackfillRequest {
  mapping: string;
  from: IsoDate;
  to: IsoDate;
  trigger?: Extract<LoadTrigger, 'backfill' | 'apply' | 'api' | 'manual'>;
  reason?: string;
  /** For API requests: most days the range may cover (default DEFAULT_MAX_REQUEST_DAYS). */
  maxDays?: number;
}

/** Knobs of the core that are not part of a schedule's config. */
export interface SchedulerOptions {
  /** How often each mapping's recent days are rechecked. Default `1h`. */
  recheckEvery?: string;
  /** Called with every decision as it is made (the agent logs them). */
  onDecision?: (decision: Decision) => void;
}
