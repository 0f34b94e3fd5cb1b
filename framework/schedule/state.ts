/**
 * The scheduler's persisted state: everything it must remember so that a restart resumes
 * every queue where it stopped. Kept apart from its storage (sql-state.ts) so the decision
 * code reads as rules, not SQL.
 */
import type { IsoDate } from '../config/types.js';
import type { Decision, LoadTrigger } from './types.js';

/** Per schedule: the last daily window handled, the last signal seen, the last signal poll. */
export interface ScheduleState {
  schedule: string;
  lastWindowAt: Date | null;
  lastSignalDate: IsoDate | null;
  lastPollAt: Date | null;
  /** The backwards finished date last ignored, so it is recorded once, not at every poll. */
  lastIgnoredSignal: IsoDate | null;
}

/** The retry loop of a daily window: check again at `nextCheckAt` until `cutoffAt`. */
export interface RetryWindow {
  windowAt: Date;
  cutoffAt: Date;
  retryEveryMs: number;
}

/** A day waiting for its data to land (a daily window in progress). */
export interface PendingCheck extends RetryWindow {
  mapping: string;
  day: IsoDate;
  nextCheckAt: Date;
}

/** A load waiting on the queue (or running, when `startedAt` is set). */
export interface QueueItem {
  seq: number;
  mapping: string;
  day: IsoDate;
  trigger: LoadTrigger;
  reason: string;
  enqueuedAt: Date;
  startedAt: Date | null;
  /** Set for scheduled loads: a failed load goes back to its retry loop until the cutoff. */
  retry: RetryWindow | null;
}

export type NewQueueItem = Omit<QueueItem, 'seq' | 'startedAt'>;

/** Storage of the scheduler's state. One implementation per store (see sql-state.ts). */
export interface SchedulerState {
  /** Creates the `scheduler_` tables if missing; safe on every start. */
  migrate(): Promise<void>;
  scheduleState(schedule: string): Promise<ScheduleState>;
  saveScheduleState(state: ScheduleState): Promise<void>;

  checks(): Promise<PendingCheck[]>;
  putCheck(check: PendingCheck): Promise<void>;
  deleteCheck(mapping: string, day: IsoDate): Promise<void>;

  /** Queued and running items, oldest first. */
  queue(): Promise<QueueItem[]>;
  /** Adds an item unless the same day is already waiting (not started); returns null then. */
  enqueue(item: NewQueueItem): Promise<QueueItem | null>;
  /** Adds items in one transaction, skipping days already waiting; returns the items added. */
  enqueueMany(items: NewQueueItem[]): Promise<QueueItem[]>;
  /**
   * A rate-limited request in one step: when no request for `key` was accepted within
   * `limitMs` before `at`, records `at` as accepted and queues the items (as enqueueMany);
   * otherwise changes nothing and returns the last acceptance. Concurrent calls for one key
   * accept exactly one.
   */
  acceptAndEnqueue(
    key: string,
    at: Date,
    limitMs: number,
    items: NewQueueItem[],
  ): Promise<{ accepted: true; queued: QueueItem[] } | { accepted: false; last: Date }>;
  /** Removes the waiting (not started) items of a mapping between two days; returns them. */
  cancelWaiting(mapping: string, from: IsoDate, to: IsoDate): Promise<QueueItem[]>;
  /**
   * Claims a waiting item for running: true if this caller got it, false if it was already
   * started or has left the queue (so no item ever runs twice from one queue entry).
   */
  claim(seq: number, at: Date): Promise<boolean>;
  dequeue(seq: number): Promise<void>;
  /** Puts items that were running when the process stopped back in line (on start). */
  requeueStarted(): Promise<number>;

  lastAccepted(key: string): Promise<Date | null>;
  setLastAccepted(key: string, at: Date): Promise<void>;
  lastRecheck(mapping: string): Promise<Date | null>;
  setLastRecheck(mapping: string, at: Date): Promise<void>;

  /** Records a decision; decisions older than DECISION_RETENTION_DAYS before it are dropped. */
  recordDecision(decision: Decision): Promise<void>;
  /** Recorded decisions, oldest first, optionally for one mapping. */
  decisions(filter?: { mapping?: string }): Promise<Decision[]>;
}

/**
 * Days of decisions kept: an agent decides every few minutes for every schedule, so the log would otherwise grow
 * without end.
 */
export const DECISION_RETENTION_DAYS = 30;
const DAY_MS = 86_400_000;
/**
 * How often (in decision time) old decisions are dropped: pruning on every decision would cost a delete per decision.
 */
const PRUNE_EVERY_MS = 3_600_000;

/** The cutoff to prune decisions before, when `at` calls for a pruning since `lastPrunedAt`, else null. */
export function decisionPruneCutoff(at: Date, lastPrunedAt: number | null): Date | null {
  if (lastPrunedAt !== null && at.getTime() - lastPrunedAt < PRUNE_EVERY_MS) return null;
  return new Date(at.getTime() - DECISION_RETENTION_DAYS * DAY_MS);
}
