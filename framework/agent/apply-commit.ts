/**
 * Applies a validated commit the way `ingest apply --auto-approve` would, with the agent's
 * own data-action runner: backfills and restatements go onto the scheduler's persisted queue
 * (so they resume after a restart and share the queue's per-source limits and day leases),
 * and a removed ingestion's data is dropped only when the plan says so.
 */
import { applyPlan, type ApplyResult } from '../apply/apply-plan.js';
import { currentConfigHash, planAgainst } from '../apply/operations.js';
import type { DataActionRunner } from '../apply/runner.js';
import type { LoadedProject } from '../config/project.js';
import { WharfError } from '../diagnostics/errors.js';
import { readPlanningState } from '../state/planning-state.js';
import { dropIngestionData } from '../store/drop-ingestion.js';
import type { Store } from '../store/types.js';
import type { Scheduler } from '../schedule/index.js';

/** How long an agent waits for another apply (a CI job, another agent) to release the lock. */
export const AGENT_APPLY_LOCK_TIMEOUT_MS = 5 * 60_000;

export function schedulerRunner(store: Store, scheduler: Scheduler, sha: string): DataActionRunner {
  return {
    async ready() {},
    async backfill(mapping, from, to, trigger) {
      await scheduler.backfill({
        mapping,
        from,
        to,
        trigger: trigger === 'apply' ? 'apply' : 'backfill',
        reason: `${trigger} of ${from}..${to} for commit ${sha.slice(0, 12)}`,
      });
    },
    async drop(mapping) {
      await store.transaction((tx) => dropIngestionData(tx, store.kind, mapping));
    },
  };
}

/** How often a plan made stale by another agent's apply of the same commit is made again. */
const STALE_RETRIES = 3;

/**
 * Plans the project against the store's state and applies the plan; data actions are queued.
 * Several agents sharing a store apply the same commit: the one that lost the race finds its
 * plan stale, plans again and finds nothing left to do.
 */
export async function applyCommit({
  project,
  store,
  scheduler,
  sha,
  now = new Date(),
}: CommitApply): Promise<ApplyResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await applyOnce({ project, store, scheduler, sha, now });
    } catch (err) {
      if (!(err instanceof WharfError && err.code === 'plan.stale') || attempt >= STALE_RETRIES) throw err;
    }
  }
}

/** A commit to apply: its project and sha, the agent's store and scheduler, and the planning time (now by default). */
export interface CommitApply {
  project: LoadedProject;
  store: Store;
  scheduler: Scheduler;
  sha: string;
  now?: Date;
}

async function applyOnce({ project, store, scheduler, sha, now }: Required<CommitApply>): Promise<ApplyResult> {
  const plan = planAgainst(project, await readPlanningState(store, now), { now });
  return applyPlan({
    connection: store,
    plan,
    currentConfigHash: currentConfigHash(project),
    runner: schedulerRunner(store, scheduler, sha),
    lockTimeoutMs: AGENT_APPLY_LOCK_TIMEOUT_MS,
    planName: `the plan of commit ${sha.slice(0, 12)}`,
  });
}
