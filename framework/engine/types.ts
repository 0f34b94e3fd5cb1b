/** The engine's inputs and results: what a run needs, and what one day's ingestion did. */
import type { LoadedProject } from '../config/project.js';
import type { ErrorClass } from '../diagnostics/errors.js';
import type { Store } from '../store/types.js';
import type { ConnectorPool } from './connector-pool.js';
import type { RetryPolicy } from './retry.js';

/** Everything a run shares: the project, the open store and connectors, and who asked. */
export interface EngineContext {
  project: LoadedProject;
  store: Store;
  connectors: ConnectorPool;
  /** Why the loads run: `manual`, `backfill`, `schedule`, `recheck`, `api`, `signal`, `apply`. */
  trigger: string;
  commitSha?: string | null;
  /** Rows per batch from the connector to the store (default 10,000). */
  batchSize?: number;
  retry?: RetryPolicy;
  /** Use the columnar path for metrics and events days where it applies (default true; false forces the row path). */
  columnar?: boolean;
  onProgress?: (event: ProgressEvent) => void;
  /** Accept a query that returns no rows for a day that had rows (default: keep the day, fail it). */
  allowEmpty?: boolean;
  /** The clock for "the latest complete day" (tests set it). */
  now?: () => Date;
}

export type ProgressEvent =
  /**
   * Days a backfill (or `run --all`, for every mapping before the first starts) is about to load: the progress total.
   */
  | { kind: 'planned'; mapping: string; days: number }
  | { kind: 'day-started'; mapping: string; day: string }
  | { kind: 'rows'; mapping: string; day: string; rows: number }
  | { kind: 'retrying'; mapping: string; day: string; attempt: number; message: string }
  /** Another load of the day holds it: this one waits until that one commits or rolls back. */
  | { kind: 'waiting'; mapping: string; day: string; holder: string }
  | { kind: 'day-finished'; result: DayResult };

/** What loading one day did. `skipped`: already loaded with the same config (backfill). */
export interface DayResult {
  mapping: string;
  day: string;
  status: 'succeeded' | 'no_data' | 'failed' | 'skipped';
  rowsRead: number;
  rowsLoaded: number;
  rowsRejected: number;
  /** Rows dropped because their timeuuid repeated an earlier row of the day. */
  duplicates: number;
  /** Rule code → count. */
  rejectReasons: Record<string, number>;
  /** Rule code → the first reason seen, with its value. */
  rejectExamples: Record<string, string>;
  sourceRowCount: number | null;
  errorClass: ErrorClass | null;
  errorMessage: string | null;
  /** What to do about a failure, when Wharf knows (the error's hint, secrets redacted; the ledger's `errorHint`). */
  errorHint?: string;
  durationMs: number;
  loadId: string | null;
  /** How the rows travelled: `columnar` (bulk export, vectorized checks) or `rows` (one row at a time). */
  path?: 'columnar' | 'rows';
}
