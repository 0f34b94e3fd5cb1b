/**
 * SchedulerState held in memory: for one-shot runs that need no resume (a single
 * `ingest apply` in CI) and for simulations that play months of schedules. It passes the
 * same conformance suite as the SQL state; anything long-running uses SqlSchedulerState.
 */
import type { IsoDate } from '../config/types.js';
import {
  decisionPruneCutoff,
  type NewQueueItem,
  type PendingCheck,
  type QueueItem,
  type ScheduleState,
  type SchedulerState,
} from './state.js';
import type { Decision } from './types.js';
import { compareText } from '../util/text-order.js';

/**
 * Scheduler state in memory, for tests and simulations (the agent and `ingest apply` use SqlSchedulerState).
 * @internal Not used by production code (`knip --production` skips it).
 */
export class MemorySchedulerState implements SchedulerState {
  private readonly schedules = new Map<string, ScheduleState>();
  private readonly pending = new Map<string, PendingCheck>();
  private readonly items: QueueItem[] = [];
  private readonly accepted = new Map<string, Date>();
  private readonly rechecks = new Map<string, Date>();
  private readonly log: Decision[] = [];
  private lastPrunedAt: number | null = null;
  private seq = 0;

  async migrate(): Promise<void> {}

  async scheduleState(schedule: string): Promise<ScheduleState> {
    return {
      ...(this.schedules.get(schedule) ?? {
        schedule,
        lastWindowAt: null,
        lastSignalDate: null,
        lastPollAt: null,
        lastIgnoredSignal: null,
      }),
    };
  }

  async saveScheduleState(state: ScheduleState): Promise<void> {
    this.schedules.set(state.schedule, { ...state });
  }

  async checks(): Promise<PendingCheck[]> {
    return [...this.pending.values()]
      .sort(
        (a, b) =>
          a.nextCheckAt.getTime() - b.nextCheckAt.getTime() ||
          compareText(a.day, b.day) ||
          compareText(a.mapping, b.mapping),
      )
      .map((c) => ({ ...c }));
  }

  async putCheck(check: PendingCheck): Promise<void> {
    this.pending.set(`${check.mapping}|${check.day}`, { ...check });
  }

  async deleteCheck(mapping: string, day: IsoDate): Promise<void> {
    this.pending.delete(`${mapping}|${day}`);
  }

  async queue(): Promise<QueueItem[]> {
    return this.items.map((i) => ({ ...i }));
  }

  async enqueue(item: NewQueueItem): Promise<QueueItem | null> {
    if (this.items.some((i) => i.mapping === item.mapping && i.day === item.day && !i.startedAt)) return null;
    const queued: QueueItem = { ...item, seq: ++this.seq, startedAt: null };
    this.items.push(queued);
    return { ...queued };
  }

  async enqueueMany(items: NewQueueItem[]): Promise<QueueItem[]> {
    const queued: QueueItem[] = [];
    for (const item of items) {
      const added = await this.enqueue(item);
      if (added) queued.push(added);
    }
    return queued;
  }

  async acceptAndEnqueue(
    key: string,
    at: Date,
    limitMs: number,
    items: NewQueueItem[],
  ): Promise<{ accepted: true; queued: QueueItem[] } | { accepted: false; last: Date }> {
    // No await before the check and the update: concurrent calls cannot interleave between them.
    const last = this.accepted.get(key);
    if (last && at.getTime() < last.getTime() + limitMs) return { accepted: false, last };
    this.accepted.set(key, at);
    return { accepted: true, queued: await this.enqueueMany(items) };
  }

  async cancelWaiting(mapping: string, from: IsoDate, to: IsoDate): Promise<QueueItem[]> {
    const cancelled = this.items.filter((i) => i.mapping === mapping && !i.startedAt && i.day >= from && i.day <= to);
    for (const item of cancelled) this.items.splice(this.items.indexOf(item), 1);
    return cancelled.map((i) => ({ ...i }));
  }

  async claim(seq: number, at: Date): Promise<boolean> {
    const item = this.items.find((i) => i.seq === seq);
    if (!item || item.startedAt) return false;
    item.startedAt = at;
    return true;
  }

  async dequeue(seq: number): Promise<void> {
    const index = this.items.findIndex((i) => i.seq === seq);
    if (index >= 0) this.items.splice(index, 1);
  }

  async requeueStarted(): Promise<number> {
    const started = this.items.filter((i) => i.startedAt);
    for (const item of started) item.startedAt = null;
    return started.length;
  }

  async lastAccepted(key: string): Promise<Date | null> {
    return this.accepted.get(key) ?? null;
  }

  async setLastAccepted(key: string, at: Date): Promise<void> {
    this.accepted.set(key, at);
  }

  async lastRecheck(mapping: string): Promise<Date | null> {
    return this.rechecks.get(mapping) ?? null;
  }

  async setLastRecheck(mapping: string, at: Date): Promise<void> {
    this.rechecks.set(mapping, at);
  }

  async recordDecision(decision: Decision): Promise<void> {
    this.log.push({ ...decision });
    const cutoff = decisionPruneCutoff(decision.at, this.lastPrunedAt);
    if (cutoff) {
      const keep = this.log.filter((d) => d.at >= cutoff);
      this.log.splice(0, this.log.length, ...keep);
      this.lastPrunedAt = decision.at.getTime();
    }
  }

  async decisions(filter: { mapping?: string } = {}): Promise<Decision[]> {
    return this.log.filter((d) => !filter.mapping || d.mapping === filter.mapping).map((d) => ({ ...d }));
  }
}
