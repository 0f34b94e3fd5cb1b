/**
 * What the agent's read-only page (GET /ui…) needs from the agent: the configured ingestions
 * with their ledger, attempts and next scheduled load, and the experiments with their results.
 */
import type { ExperimentResults } from '../../experiments/results.js';
import type { LiftPoint } from '../../experiments/lift-history.js';
import type { ConfigStatus, IngestionInfo } from '../../status/types.js';
import type { AttemptRecord, LedgerEntry } from '../../store/types.js';

export interface NextLoad {
  at: Date;
  why: string;
}

export interface PageOverview {
  project: string;
  config: ConfigStatus;
  ingestions: IngestionInfo[];
  ledger: LedgerEntry[];
  attempts: AttemptRecord[];
  /** Per ingestion; null for ingestions that load only on request. */
  nextLoads: Map<string, NextLoad | null>;
  /** Every configured experiment and whether it has results yet. */
  experiments: { name: string; hasResults: boolean }[];
}

export interface PageBackend {
  /** Null until a configuration has been applied. */
  overview(): Promise<PageOverview | null>;
  /** The experiment's latest results and lift history; null when unknown or never run. */
  experiment(name: string): Promise<{ results: ExperimentResults; history: LiftPoint[] } | null>;
}
