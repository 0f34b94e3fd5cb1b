/**
 * The boundary between apply and the ingestion engine: apply asks a runner to load or drop
 * days and never imports the engine itself. The integrator wires the engine's runner in; a
 * build without the engine uses `engineUnavailableRunner`, which refuses before apply changes
 * anything whenever data actions would have to run.
 */
import { WharfError } from '../diagnostics/errors.js';

/** Carries out data actions for apply. */
export interface DataActionRunner {
  /** Throws when the runner cannot run data actions at all; called before apply writes anything. */
  ready(): Promise<void>;
  /** Loads (or reloads) every day from `from` to `to` inclusive, idempotently. */
  backfill(mapping: string, from: string, to: string, trigger: string): Promise<void>;
  /** Deletes every loaded day of `mapping`, its rejects and ledger rows. */
  drop(mapping: string): Promise<void>;
}

function unavailable(): WharfError {
  return new WharfError('The ingestion engine is not available in this build, so apply cannot run data actions.', {
    code: 'apply.engine-unavailable',
    errorClass: 'internal',
    hint: 'Run `ingest apply --no-data` to record the config and queue the data actions for the agent.',
  });
}

/** The runner used when no engine is wired in. */
export const engineUnavailableRunner: DataActionRunner = {
  async ready() {
    throw unavailable();
  },
  async backfill() {
    throw unavailable();
  },
  async drop() {
    throw unavailable();
  },
};
