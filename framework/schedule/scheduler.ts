/**
 * The scheduler core: decides what to load and when, records why, and runs the loads
 * through one queue. It owns no timer: the agent (or `ingest apply`, or a test with a
 * ManualClock) calls `runDue()` and sleeps until `nextWakeAt()`.
 */
import { dailyTiming, signalPollMs } from '../config/schedule-timing.js';
import { WharfError } from '../diagnostics/errors.js';
import { nextWindowAfter } from '../util/daily-windows.js';
import { parseDuration } from '../util/time.js';
import { SchedulerContext, type SchedulerDeps } from './context.js';
import { openDailyWindows, runDueChecks } from './daily-phase.js';
import { LoadRunner } from './load-runner.js';
import { runDueRechecks } from './recheck-phase.js';
import { cancelQueued, markDataReady, requestBackfill } from './requests.js';
import { isKind } from './setup.js';
import { pollSignal } from './signal-phase.js';
import type {
  BackfillRequest,
  Decision,
  MarkDataReadyRequest,
  MarkDataReadyResult,
  SchedulerOptions,
  SchedulerSetup,
} from './types.js';

/** Default interval between two rechecks of a mapping's recent days. */
export const DEFAULT_RECHECK_EVERY = '1h';

/** The one entry point of the core; see the module comment and docs/schedules.md. */
export class Scheduler {
  private readonly runner = new LoadRunner();
  /** Decision lists of the calls in progress; each receives every decision made meanwhile. */
  private readonly listeners = new Set<Decision[]>();

  private constructor(private readonly ctx: SchedulerContext) {}

  /**
   * Checks the setup, creates the state tables if needed and puts loads that were running
   * when the process stopped back in line, so every queue resumes where it stopped.
   */
  static async open(setup: SchedulerSetup, deps: SchedulerDeps, options: SchedulerOptions = {}): Promise<Scheduler> {
    checkSetup(setup);
    let scheduler: Scheduler | undefined;
    const onDecision = (d: Decision) => {
      for (const list of scheduler?.listeners ?? []) list.push(d);
      options.onDecision?.(d);
    };
    const ctx = new SchedulerContext(
      setup,
      deps,
      parseDuration(options.recheckEvery ?? DEFAULT_RECHECK_EVERY),
      onDecision,
    );
    scheduler = new Scheduler(ctx);
    await deps.state.migrate();
    await deps.state.requeueStarted();
    return scheduler;
  }

  /** Makes every decision due now (windows, checks, signal polls, rechecks); loads nothing. */
  async tick(): Promise<Decision[]> {
    return this.collect(async () => {
      for (const schedule of this.ctx.setup.schedules.filter(isKind('daily')))
        await openDailyWindows(this.ctx, schedule);
      await runDueChecks(this.ctx);
      for (const schedule of this.ctx.setup.schedules.filter(isKind('signal'))) await pollSignal(this.ctx, schedule);
      await runDueRechecks(this.ctx);
    });
  }

  /** `tick()`, then runs the queue until it is empty. Returns the decisions made meanwhile. */
  async runDue(): Promise<Decision[]> {
    return this.collect(async () => {
      await this.tick();
      await this.runner.drain(this.ctx);
    });
  }

  /** Runs queued loads (backfills, API requests) without making new decisions. */
  async drain(): Promise<Decision[]> {
    return this.collect(() => this.runner.drain(this.ctx));
  }

  /** When `runDue()` has something to do next; now when something is already due. */
  async nextWakeAt(): Promise<Date> {
    const now = this.ctx.now();
    const times = [...(await this.scheduleWakeTimes()), ...(await this.recheckWakeTimes())];
    if ((await this.ctx.state.queue()).some((q) => !q.startedAt)) times.push(now);
    for (const check of await this.ctx.state.checks()) times.push(check.nextCheckAt);
    const earliest = Math.min(...times.map((t) => t.getTime()));
    return new Date(Math.max(earliest, now.getTime()));
  }

  /**
   * Per mapping, when it loads next and why: a queued load (now), a pending retry check, the
   * next daily window or signal poll; `null` for API-triggered schedules (they load on request).
   */
  async nextLoads(): Promise<Map<string, { at: Date; why: string } | null>> {
    const now = this.ctx.now();
    const queue = await this.ctx.state.queue();
    const checks = await this.ctx.state.checks();
    const next = new Map<string, { at: Date; why: string } | null>();
    for (const schedule of this.ctx.setup.schedules) {
      const state = await this.ctx.state.scheduleState(schedule.name);
      for (const mapping of this.ctx.mappingsOf(schedule.name)) {
        let best: { at: Date; why: string } | null = null;
        const consider = (at: Date, why: string) => {
          const when = at.getTime() < now.getTime() ? now : at;
          if (!best || when.getTime() < best.at.getTime()) best = { at: when, why };
        };
        if (queue.some((q) => q.mapping === mapping.name)) consider(now, 'queued');
        for (const c of checks) if (c.mapping === mapping.name) consider(c.nextCheckAt, `retry check of ${c.day}`);
        if (schedule.kind === 'daily')
          consider(
            state.lastWindowAt
              ? nextWindowAfter(state.lastWindowAt, dailyTiming(schedule, this.ctx.setup.timeZone))
              : now,
            `daily window (${schedule.name})`,
          );
        else if (schedule.kind !== 'api')
          consider(
            state.lastPollAt ? new Date(state.lastPollAt.getTime() + signalPollMs(schedule)) : now,
            `signal poll (${schedule.name})`,
          );
        next.set(mapping.name, best);
      }
    }
    return next;
  }

  /** A mark-data-ready request (the agent's HTTP API calls this); see requests.ts. */
  async markDataReady(request: MarkDataReadyRequest, maxDays?: number): Promise<MarkDataReadyResult> {
    return markDataReady(this.ctx, request, maxDays);
  }

  /** Removes the waiting loads of a mapping between two days; returns them. */
  async cancel(request: { mapping: string; from: string; to: string }): Promise<{ mapping: string; day: string }[]> {
    return cancelQueued(this.ctx, request);
  }

  /** Queues a backfill of a date range; `drain()` or `runDue()` runs it. */
  async backfill(request: BackfillRequest): Promise<{ mapping: string; day: string }[]> {
    return requestBackfill(this.ctx, request);
  }

  /** Recorded decisions, oldest first. */
  async decisions(filter?: { mapping?: string }): Promise<Decision[]> {
    return this.ctx.state.decisions(filter);
  }

  private async scheduleWakeTimes(): Promise<Date[]> {
    const now = this.ctx.now();
    const times: Date[] = [];
    for (const schedule of this.ctx.setup.schedules) {
      if (schedule.kind === 'api') continue;
      const state = await this.ctx.state.scheduleState(schedule.name);
      if (schedule.kind === 'daily') {
        times.push(
          state.lastWindowAt
            ? nextWindowAfter(state.lastWindowAt, dailyTiming(schedule, this.ctx.setup.timeZone))
            : now,
        );
      } else {
        times.push(state.lastPollAt ? new Date(state.lastPollAt.getTime() + signalPollMs(schedule)) : now);
      }
    }
    return times;
  }

  private async recheckWakeTimes(): Promise<Date[]> {
    const times: Date[] = [];
    for (const mapping of this.ctx.setup.mappings) {
      const last = await this.ctx.state.lastRecheck(mapping.name);
      times.push(last ? new Date(last.getTime() + this.ctx.recheckEveryMs) : this.ctx.now());
    }
    return times;
  }

  private async collect(fn: () => Promise<void>): Promise<Decision[]> {
    const made: Decision[] = [];
    this.listeners.add(made);
    try {
      await fn();
    } finally {
      this.listeners.delete(made);
    }
    return made;
  }
}

function checkSetup(setup: SchedulerSetup): void {
  for (const mapping of setup.mappings) {
    if (!setup.schedules.some((s) => s.name === mapping.schedule)) {
      throw new WharfError(`Mapping '${mapping.name}' uses schedule '${mapping.schedule}', which does not exist.`, {
        code: 'schedule.unknown-schedule',
        errorClass: 'config',
        hint: `Known schedules: ${setup.schedules.map((s) => s.name).join(', ') || '(none)'}.`,
      });
    }
  }
  for (const schedule of setup.schedules.filter(isKind('daily'))) dailyTiming(schedule, setup.timeZone);
}
