/**
 * The agent's DayLoader: the engine's loader, run under the day's lease (two agents never
 * load the same day at once), and followed by what the agent does after every load: a
 * notification when the day failed, had no data or recovered, and a status report request.
 */
import type { NotificationPolicy } from '../config/types.js';
import type { NotificationDispatcher } from '../notify/dispatcher.js';
import { notificationFor } from '../notify/policy.js';
import type { DayLoader, LedgerReader, LoadOutcome, ScheduledMapping } from '../schedule/types.js';
import type { DayStatus } from '../store/types.js';
import type { DayLeases } from './day-lease.js';

/**
 * Lets a shutdown stop new loads without dropping them: once closed, a load that the queue
 * starts is parked and never runs, so its queue item stays claimed and the next start puts
 * it back in line. Loads already running are awaited.
 */
export class LoadGate {
  private closed = false;
  private readonly running = new Set<Promise<unknown>>();

  run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed) return new Promise<T>(() => {});
    const p = fn();
    this.running.add(p);
    void p.finally(() => this.running.delete(p)).catch(() => undefined);
    return p;
  }

  /** Stops new loads and waits for the running ones (each commits or rolls back). */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.running]);
  }

  open(): void {
    this.closed = false;
  }
}

export interface ObservedLoaderDeps {
  inner: DayLoader;
  ledger: LedgerReader;
  leases: DayLeases;
  notifications: NotificationPolicy;
  dispatcher: NotificationDispatcher;
  project: string;
  owner: (mapping: string) => string | undefined;
  commitSha: () => string | null;
  /** Called after every load (the status publisher's `request`, the experiment runner's note). */
  afterLoad: (mapping: string, day: string, status: DayStatus) => void;
  gate: LoadGate;
}

/** Wraps the engine's loader with the day lease, notifications and a status request. */
export function observedLoader(deps: ObservedLoaderDeps): DayLoader {
  const previousStatus = async (mapping: string, day: string): Promise<DayStatus | undefined> =>
    (await deps.ledger.ledger({ ingestion: mapping, from: day, to: day }))[0]?.status;

  const after = async (
    mapping: ScheduledMapping,
    day: string,
    before: DayStatus | undefined,
    result: { status: DayStatus; detail?: string; hint?: string },
  ) => {
    const { status, detail, hint } = result;
    const kind = notificationFor(before, status, deps.notifications);
    if (kind) {
      await deps.dispatcher.send({
        kind,
        project: deps.project,
        ingestion: mapping.name,
        day,
        status,
        detail,
        ...(hint ? { hint } : {}),
        owner: deps.owner(mapping.name),
        commitSha: deps.commitSha(),
        at: new Date().toISOString(),
      });
    }
    deps.afterLoad(mapping.name, day, status);
  };

  return {
    load(mapping, day, trigger): Promise<LoadOutcome> {
      return deps.gate.run(() =>
        deps.leases.withLease(`${mapping.name}/${day}`, async () => {
          const before = await previousStatus(mapping.name, day);
          const outcome = await deps.inner.load(mapping, day, trigger);
          await after(mapping, day, before, { status: outcome.status, detail: outcome.error, hint: outcome.hint });
          return outcome;
        }),
      );
    },
    markNoData(mapping, day, reason): Promise<void> {
      return deps.gate.run(() =>
        deps.leases.withLease(`${mapping.name}/${day}`, async () => {
          const before = await previousStatus(mapping.name, day);
          await deps.inner.markNoData(mapping, day, reason);
          await after(mapping, day, before, { status: 'no_data', detail: reason });
        }),
      );
    },
  };
}
