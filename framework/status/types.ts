/**
 * The status report committed back to the repository (`status/` by default): one JSON and one
 * Markdown file per ingestion, a README with every ingestion, and the plan module's state
 * snapshot passed through. Rendering is pure (status inputs in, file contents out); the
 * committer (status/committer.ts) is the only part that touches Git.
 */
import type { Dataset } from '../config/types.js';
import type { DayStatus, LedgerEntry } from '../store/types.js';

/** Bumped with every change to the shape of `status/<mapping>.json`. */
export const STATUS_FORMAT_VERSION = 1;

/** What the report needs to know about a configured ingestion. */
export interface IngestionInfo {
  name: string;
  dataset: Dataset;
  schedule: string;
  owner?: string;
}

/** The configuration the agent runs, and the last commit it refused (if newer). */
export interface ConfigStatus {
  /** Commit of the configuration in effect, when known. */
  appliedCommit: string | null;
  /** The newest commit that did not validate and was not applied; null when none is pending. */
  rejected: { sha: string; problems: string[] } | null;
}

/** Everything one rendering of `status/` is made from. */
export interface StatusInput {
  ingestions: IngestionInfo[];
  /** Ledger entries of any ingestions; entries of ingestions no longer configured are left out. */
  ledger: LedgerEntry[];
  config?: ConfigStatus;
  /** The state snapshot as the plan module exported it (written as `state.json` unchanged). */
  stateJson?: string;
  /** Rendered charts by path (see status/charts.ts); an ingestion's page links its calendar strip. */
  charts?: Map<string, string>;
  /** Further files (experiment reports), by path, written as they are. */
  extraFiles?: Map<string, string>;
}

/** One day in `status/<mapping>.json`. */
export interface StatusDay {
  date: string;
  status: DayStatus;
  rowsLoaded: number;
  rowsRejected: number;
  /** Duplicate timeuuid rows dropped by the load; null when the day was loaded before the store kept the count. */
  duplicates: number | null;
  /** The top reject reasons, most frequent first: rule code and count. */
  topRejectReasons: { rule: string; count: number }[];
  /** Row count of the day in the source at load time. */
  sourceRowCount: number | null;
  durationMs: number;
  errorClass: string | null;
  error: string | null;
  /** What to do about the error, when Wharf knew; null otherwise and for days failed before the store kept it. */
  hint: string | null;
  trigger: string;
  commitSha: string | null;
  finishedAt: string;
}

/** The shape of `status/<mapping>.json`. */
export interface IngestionStatusFile {
  formatVersion: number;
  ingestion: string;
  dataset: Dataset;
  schedule: string;
  owner: string | null;
  summary: {
    days: number;
    succeeded: number;
    noData: number;
    failed: number;
    lastSuccessfulDay: string | null;
    latestDay: string | null;
  };
  /** Newest day first. */
  days: StatusDay[];
}
