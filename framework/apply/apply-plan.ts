/**
 * Carries out exactly a plan: under the apply lock, checks it is not stale, records the
 * config changes and queues the data actions in one transaction (a crash leaves the state as
 * it was or fully written), then runs the queued actions through the runner unless
 * `noData`. A failed data action stays in the queue with its error for the agent to retry.
 */
import { messageOf } from '../diagnostics/errors.js';
import { redactSecrets } from '../diagnostics/redact.js';
import { assertCurrent } from '../plan/staleness.js';
import { hasChanges } from '../plan/summary.js';
import type { Plan } from '../plan/types.js';
import { acquireLock } from '../state/lock.js';
import { readState, writeState } from '../state/store-state.js';
import type { NormalizedIngestion } from '../state/types.js';
import type { StoreConnection } from '../store/types.js';
import { enqueue, finishQueued, queueEntries, type QueuedAction } from './action-queue.js';
import type { DataActionRunner } from './runner.js';

export interface ApplyInput {
  connection: StoreConnection;
  plan: Plan;
  /** Config hash of the project as it is now; a different one from the plan's makes it stale. */
  currentConfigHash: string;
  runner: DataActionRunner;
  /** Record the config and leave the data actions queued. */
  noData?: boolean;
  lockTimeoutMs: number;
  /** How the plan is named in errors (its file, or "the plan"). */
  planName?: string;
  now?: () => Date;
}

/** What apply did. */
export interface ApplyResult {
  /** False when the plan had no changes and nothing was written. */
  changed: boolean;
  serial: number;
  lineage: string | null;
  added: number;
  changedIngestions: number;
  removed: number;
  /** Data actions that ran to completion. */
  ran: QueuedAction[];
  /** Data actions left in the queue (all of them with --no-data, the rest after a failure). */
  queued: QueuedAction[];
  failed: QueuedAction | null;
}

/** Applies a plan; throws without changing anything when it is stale or the lock is held. */
export async function applyPlan(input: ApplyInput): Promise<ApplyResult> {
  const now = input.now ?? (() => new Date());
  const lock = await acquireLock(input.connection, { operation: 'apply', timeoutMs: input.lockTimeoutMs });
  try {
    const state = await readState(input.connection);
    assertCurrent(input.plan, state, input.currentConfigHash, input.planName ?? 'the plan');
    const base = {
      serial: state.serial,
      lineage: state.lineage,
      ...counts(input.plan),
      ran: [],
      queued: [],
      failed: null,
    };
    if (!hasChanges(input.plan.summary)) return { ...base, changed: false, added: 0, changedIngestions: 0, removed: 0 };
    const mustRun = !input.noData && queueEntries(input.plan, 0).length > 0;
    if (mustRun) await input.runner.ready();
    let entries: QueuedAction[] = [];
    const written = await writeState(input.connection, {
      expectSerial: input.plan.state.serial,
      expectLineage: input.plan.state.lineage,
      upserts: upserts(input.plan),
      deletes: input.plan.changes.filter((c) => c.type === 'mapping' && c.action === 'delete').map((c) => c.name),
      now: now(),
      alsoInTransaction: async (tx, serial) => {
        entries = queueEntries(input.plan, serial);
        await enqueue(tx, entries, now());
      },
    });
    const outcome = input.noData
      ? { ran: [], queued: entries, failed: null }
      : await runQueued(input.connection, input.runner, entries, now);
    return { ...base, ...outcome, changed: true, serial: written.serial, lineage: written.lineage };
  } finally {
    await lock.release();
  }
}

function counts(plan: Plan) {
  return { added: plan.summary.add, changedIngestions: plan.summary.change, removed: plan.summary.remove };
}

function upserts(plan: Plan): { name: string; config: NormalizedIngestion; hash: string }[] {
  return plan.changes
    .filter((c) => c.type === 'mapping' && (c.action === 'create' || c.action === 'update') && c.after)
    .map((c) => ({ name: c.name, config: c.after as NormalizedIngestion, hash: c.hash }));
}

/** Runs entries in order; stops at the first failure, leaving it and the rest in the queue. */
async function runQueued(
  connection: StoreConnection,
  runner: DataActionRunner,
  entries: QueuedAction[],
  now: () => Date,
) {
  const ran: QueuedAction[] = [];
  for (const [i, entry] of entries.entries()) {
    try {
      if (entry.kind === 'drop') await runner.drop(entry.ingestion);
      else await runner.backfill(entry.ingestion, entry.from as string, entry.to as string, entry.trigger);
      await finishQueued(connection, entry.id, { status: 'done', error: null }, now());
      ran.push({ ...entry, status: 'done' });
    } catch (err) {
      const error = redactSecrets(messageOf(err));
      await finishQueued(connection, entry.id, { status: 'failed', error }, now());
      return { ran, queued: entries.slice(i), failed: { ...entry, status: 'failed' as const, error } };
    }
  }
  return { ran, queued: [], failed: null };
}
