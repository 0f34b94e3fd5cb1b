/**
 * SchedulerState on a store connection (DuckDB or PostgreSQL), in tables prefixed
 * `scheduler_`. Instants are stored as epoch milliseconds (BIGINT) and days as ISO text, so
 * both engines read back exactly what was written.
 */
import type { IsoDate } from '../config/types.js';
import { runDdl } from '../store/ddl-lock.js';
import type { SqlExecutor, StoreConnection } from '../store/types.js';
import {
  decisionPruneCutoff,
  type NewQueueItem,
  type PendingCheck,
  type QueueItem,
  type ScheduleState,
  type SchedulerState,
} from './state.js';
import type { Decision, DecisionAction, LoadTrigger } from './types.js';

const DDL = `
CREATE SEQUENCE IF NOT EXISTS scheduler_seq;
CREATE TABLE IF NOT EXISTS scheduler_schedules (
  schedule TEXT PRIMARY KEY, last_window_at BIGINT, last_signal_date TEXT, last_poll_at BIGINT, last_ignored_signal TEXT);
CREATE TABLE IF NOT EXISTS scheduler_checks (
  mapping TEXT NOT NULL, day TEXT NOT NULL, window_at BIGINT NOT NULL, next_check_at BIGINT NOT NULL,
  cutoff_at BIGINT NOT NULL, retry_every_ms BIGINT NOT NULL, PRIMARY KEY (mapping, day));
CREATE TABLE IF NOT EXISTS scheduler_queue (
  seq BIGINT PRIMARY KEY, mapping TEXT NOT NULL, day TEXT NOT NULL, load_trigger TEXT NOT NULL, reason TEXT NOT NULL,
  enqueued_at BIGINT NOT NULL, started_at BIGINT, window_at BIGINT, cutoff_at BIGINT, retry_every_ms BIGINT);
CREATE TABLE IF NOT EXISTS scheduler_rate_limits (limit_key TEXT PRIMARY KEY, last_accepted_at BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS scheduler_rechecks (mapping TEXT PRIMARY KEY, last_recheck_at BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS scheduler_decisions (
  seq BIGINT PRIMARY KEY, decided_at BIGINT NOT NULL, action TEXT NOT NULL, reason TEXT NOT NULL,
  mapping TEXT, schedule TEXT, day TEXT, load_trigger TEXT);
`;

type Row = Record<string, unknown>;
const ms = (d: Date | null) => (d ? d.getTime() : null);
const date = (v: unknown) => (v === null || v === undefined ? null : new Date(Number(v)));
const text = (v: unknown) => (v === null || v === undefined ? undefined : String(v));

function toQueueItem(r: Row): QueueItem {
  const windowAt = date(r.window_at);
  return {
    seq: Number(r.seq),
    mapping: String(r.mapping),
    day: String(r.day),
    trigger: r.load_trigger as LoadTrigger,
    reason: String(r.reason),
    enqueuedAt: date(r.enqueued_at)!,
    startedAt: date(r.started_at),
    retry: windowAt ? { windowAt, cutoffAt: date(r.cutoff_at)!, retryEveryMs: Number(r.retry_every_ms) } : null,
  };
}

function toCheck(r: Row): PendingCheck {
  return {
    mapping: String(r.mapping),
    day: String(r.day),
    windowAt: date(r.window_at)!,
    nextCheckAt: date(r.next_check_at)!,
    cutoffAt: date(r.cutoff_at)!,
    retryEveryMs: Number(r.retry_every_ms),
  };
}

/** The scheduler's state in the project's store (DuckDB or PostgreSQL); see SchedulerState. */
export class SqlSchedulerState implements SchedulerState {
  private lastPrunedAt: number | null = null;
  private serial: Promise<void> = Promise.resolve();

  constructor(private readonly db: StoreConnection) {}

  async migrate(): Promise<void> {
    await runDdl(
      this.db,
      DDL.split(';')
        .map((s) => s.trim())
        .filter(Boolean),
    );
  }

  async scheduleState(schedule: string): Promise<ScheduleState> {
    const [r] = await this.db.query<Row>('SELECT * FROM scheduler_schedules WHERE schedule = $1', [schedule]);
    return {
      schedule,
      lastWindowAt: r ? date(r.last_window_at) : null,
      lastSignalDate: r ? (text(r.last_signal_date) ?? null) : null,
      lastPollAt: r ? date(r.last_poll_at) : null,
      lastIgnoredSignal: r ? (text(r.last_ignored_signal) ?? null) : null,
    };
  }

  async saveScheduleState(s: ScheduleState): Promise<void> {
    await this.db.query(
      `INSERT INTO scheduler_schedules (schedule, last_window_at, last_signal_date, last_poll_at, last_ignored_signal)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (schedule) DO UPDATE SET last_window_at = EXCLUDED.last_window_at, last_signal_date = EXCLUDED.last_signal_date,
         last_poll_at = EXCLUDED.last_poll_at, last_ignored_signal = EXCLUDED.last_ignored_signal`,
      [s.schedule, ms(s.lastWindowAt), s.lastSignalDate, ms(s.lastPollAt), s.lastIgnoredSignal],
    );
  }

  async checks(): Promise<PendingCheck[]> {
    return (await this.db.query<Row>('SELECT * FROM scheduler_checks ORDER BY next_check_at, day, mapping')).map(
      toCheck,
    );
  }

  async putCheck(c: PendingCheck): Promise<void> {
    await this.db.query(
      `INSERT INTO scheduler_checks (mapping, day, window_at, next_check_at, cutoff_at, retry_every_ms) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (mapping, day) DO UPDATE SET window_at = EXCLUDED.window_at, next_check_at = EXCLUDED.next_check_at,
         cutoff_at = EXCLUDED.cutoff_at, retry_every_ms = EXCLUDED.retry_every_ms`,
      [c.mapping, c.day, ms(c.windowAt), ms(c.nextCheckAt), ms(c.cutoffAt), c.retryEveryMs],
    );
  }

  async deleteCheck(mapping: string, day: IsoDate): Promise<void> {
    await this.db.query('DELETE FROM scheduler_checks WHERE mapping = $1 AND day = $2', [mapping, day]);
  }

  async queue(): Promise<QueueItem[]> {
    return (await this.db.query<Row>('SELECT * FROM scheduler_queue ORDER BY seq')).map(toQueueItem);
  }

  async enqueue(item: NewQueueItem): Promise<QueueItem | null> {
    return this.exclusive(() =>
      this.db.transaction(async (tx) => {
        const waiting = await tx.query<Row>(
          'SELECT seq FROM scheduler_queue WHERE mapping = $1 AND day = $2 AND started_at IS NULL',
          [item.mapping, item.day],
        );
        if (waiting.length > 0) return null;
        return insertQueueItem(tx, item);
      }),
    );
  }

  async enqueueMany(items: NewQueueItem[]): Promise<QueueItem[]> {
    return this.exclusive(() => this.db.transaction((tx) => insertWaitingFree(tx, items)));
  }

  async acceptAndEnqueue(
    key: string,
    at: Date,
    limitMs: number,
    items: NewQueueItem[],
  ): Promise<{ accepted: true; queued: QueueItem[] } | { accepted: false; last: Date }> {
    return this.exclusive(() =>
      this.db.transaction(async (tx) => {
        // One statement decides: on PostgreSQL a concurrent upsert of the same key waits for
        // this one and then sees its time, so exactly one request is accepted.
        const won = await tx.query(
          `INSERT INTO scheduler_rate_limits (limit_key, last_accepted_at) VALUES ($1, $2)
         ON CONFLICT (limit_key) DO UPDATE SET last_accepted_at = EXCLUDED.last_accepted_at
         WHERE scheduler_rate_limits.last_accepted_at <= $3 RETURNING limit_key`,
          [key, at.getTime(), at.getTime() - limitMs],
        );
        if (won.length === 0) {
          const [r] = await tx.query<Row>('SELECT last_accepted_at FROM scheduler_rate_limits WHERE limit_key = $1', [
            key,
          ]);
          return { accepted: false as const, last: date(r.last_accepted_at)! };
        }
        return { accepted: true as const, queued: await insertWaitingFree(tx, items) };
      }),
    );
  }

  async cancelWaiting(mapping: string, from: IsoDate, to: IsoDate): Promise<QueueItem[]> {
    const rows = await this.db.query<Row>(
      'DELETE FROM scheduler_queue WHERE mapping = $1 AND day >= $2 AND day <= $3 AND started_at IS NULL RETURNING *',
      [mapping, from, to],
    );
    return rows.map(toQueueItem).sort((a, b) => a.seq - b.seq);
  }

  /**
   * Runs queue changes of this process one at a time: DuckDB would fail one of two
   * overlapping transactions on a write conflict, and on either store two overlapping
   * "queue unless waiting" checks could both queue the same day.
   */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.serial.then(fn);
    this.serial = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  async claim(seq: number, at: Date): Promise<boolean> {
    const rows = await this.db.query(
      'UPDATE scheduler_queue SET started_at = $1 WHERE seq = $2 AND started_at IS NULL RETURNING seq',
      [at.getTime(), seq],
    );
    return rows.length === 1;
  }

  async dequeue(seq: number): Promise<void> {
    await this.db.query('DELETE FROM scheduler_queue WHERE seq = $1', [seq]);
  }

  async requeueStarted(): Promise<number> {
    const rows = await this.db.query<Row>(
      'UPDATE scheduler_queue SET started_at = NULL WHERE started_at IS NOT NULL RETURNING seq',
    );
    return rows.length;
  }

  async lastAccepted(key: string): Promise<Date | null> {
    const [r] = await this.db.query<Row>('SELECT last_accepted_at FROM scheduler_rate_limits WHERE limit_key = $1', [
      key,
    ]);
    return r ? date(r.last_accepted_at) : null;
  }

  async setLastAccepted(key: string, at: Date): Promise<void> {
    await this.db.query(
      `INSERT INTO scheduler_rate_limits (limit_key, last_accepted_at) VALUES ($1, $2)
       ON CONFLICT (limit_key) DO UPDATE SET last_accepted_at = EXCLUDED.last_accepted_at`,
      [key, at.getTime()],
    );
  }

  async lastRecheck(mapping: string): Promise<Date | null> {
    const [r] = await this.db.query<Row>('SELECT last_recheck_at FROM scheduler_rechecks WHERE mapping = $1', [
      mapping,
    ]);
    return r ? date(r.last_recheck_at) : null;
  }

  async setLastRecheck(mapping: string, at: Date): Promise<void> {
    await this.db.query(
      `INSERT INTO scheduler_rechecks (mapping, last_recheck_at) VALUES ($1, $2)
       ON CONFLICT (mapping) DO UPDATE SET last_recheck_at = EXCLUDED.last_recheck_at`,
      [mapping, at.getTime()],
    );
  }

  async recordDecision(d: Decision): Promise<void> {
    await this.db.query(
      `INSERT INTO scheduler_decisions (seq, decided_at, action, reason, mapping, schedule, day, load_trigger)
       VALUES (nextval('scheduler_seq'), $1, $2, $3, $4, $5, $6, $7)`,
      [d.at.getTime(), d.action, d.reason, d.mapping ?? null, d.schedule ?? null, d.day ?? null, d.trigger ?? null],
    );
    const cutoff = decisionPruneCutoff(d.at, this.lastPrunedAt);
    if (cutoff) {
      await this.db.query('DELETE FROM scheduler_decisions WHERE decided_at < $1', [cutoff.getTime()]);
      this.lastPrunedAt = d.at.getTime();
    }
  }

  async decisions(filter: { mapping?: string } = {}): Promise<Decision[]> {
    const rows = filter.mapping
      ? await this.db.query<Row>('SELECT * FROM scheduler_decisions WHERE mapping = $1 ORDER BY seq', [filter.mapping])
      : await this.db.query<Row>('SELECT * FROM scheduler_decisions ORDER BY seq');
    return rows.map((r) => ({
      at: date(r.decided_at)!,
      action: r.action as DecisionAction,
      reason: String(r.reason),
      mapping: text(r.mapping),
      schedule: text(r.schedule),
      day: text(r.day),
      trigger: text(r.load_trigger) as LoadTrigger | undefined,
    }));
  }
}

async function insertQueueItem(tx: SqlExecutor, item: NewQueueItem): Promise<QueueItem> {
  const [row] = await tx.query<Row>(
    `INSERT INTO scheduler_queue (seq, mapping, day, load_trigger, reason, enqueued_at, started_at, window_at, cutoff_at, retry_every_ms)
     VALUES (nextval('scheduler_seq'), $1, $2, $3, $4, $5, NULL, $6, $7, $8) RETURNING *`,
    [
      item.mapping,
      item.day,
      item.trigger,
      item.reason,
      item.enqueuedAt.getTime(),
      ms(item.retry?.windowAt ?? null),
      ms(item.retry?.cutoffAt ?? null),
      item.retry?.retryEveryMs ?? null,
    ],
  );
  return toQueueItem(row);
}

/** Inserts the items whose day is not already waiting (nor repeated among them), oldest first. */
async function insertWaitingFree(tx: SqlExecutor, items: NewQueueItem[]): Promise<QueueItem[]> {
  const queued: QueueItem[] = [];
  const seen = new Set<string>();
  for (const mapping of [...new Set(items.map((i) => i.mapping))]) {
    const waiting = await tx.query<Row>('SELECT day FROM scheduler_queue WHERE mapping = $1 AND started_at IS NULL', [
      mapping,
    ]);
    for (const r of waiting) seen.add(`${mapping}|${String(r.day)}`);
  }
  for (const item of items) {
    const key = `${item.mapping}|${item.day}`;
    if (seen.has(key)) continue;
    seen.add(key);
    queued.push(await insertQueueItem(tx, item));
  }
  return queued;
}
