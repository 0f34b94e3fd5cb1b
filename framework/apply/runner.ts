/**
 * The boundary between apply and the ingestion engine: apply asks a runner to load or drop
 * days and never imports the engine itself. The integrator wires the engine's runner in.
 */

/** Carries out data actions for apply. */
export interface DataActionRunner {
  /** Throws when the runner cannot run data actions at all; called before apply writes anything. */
  ready(): Promise<void>;
  /** Loads (or reloads) every day from `from` to `to` inclusive, idempotently. */
  backfill(mapping: string, from: string, to: string, trigger: string): Promise<void>;
  /** Deletes every loaded day of `mapping`, its rejects and ledger rows. */
  drop(mapping: string): Promise<void>;
}
