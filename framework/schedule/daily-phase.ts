/**
 * Daily schedules: open every window that came due (oldest first, each once, so windows
 * missed while Wharf was down are caught up in order), then run the retry loops: load a day
 * as soon as a check finds data, record it `no_data` when the cutoff passes without any.
 */
import { dailyTiming } from '../config/schedule-timing.js';
import type { DailySchedule } from '../config/types.js';
import { messageOf } from '../diagnostics/errors.js';
import { latestWindow, nextCheckAfter, targetDay, windowsBetween, type DailyTiming } from '../util/daily-windows.js';
import { isLoaded, type SchedulerContext } from './context.js';
import type { PendingCheck } from './state.js';
import type { ScheduledMapping } from './types.js';

/** Opens the windows of one daily schedule that are due at the context's now. */
export async function openDailyWindows(ctx: SchedulerContext, schedule: DailySchedule): Promise<void> {
  const timing = dailyTiming(schedule, ctx.setup.timeZone);
  const now = ctx.now();
  const state = await ctx.state.scheduleState(schedule.name);
  const due = state.lastWindowAt ? windowsBetween(state.lastWindowAt, now, timing) : [latestWindow(now, timing)];
  for (const windowAt of due) {
    for (const mapping of ctx.mappingsOf(schedule.name)) await openWindow(ctx, { schedule, timing }, mapping, windowAt);
    // Saved per window: a crash mid catch-up resumes at the next window, not at the first.
    await ctx.state.saveScheduleState({ ...state, lastWindowAt: windowAt });
  }
}

async function openWindow(
  ctx: SchedulerContext,
  { schedule, timing }: { schedule: DailySchedule; timing: DailyTiming },
  mapping: ScheduledMapping,
  windowAt: Date,
): Promise<void> {
  const day = targetDay(windowAt, timing);
  const base = { mapping: mapping.name, schedule: schedule.name, day };
  if (day < mapping.startDate) {
    await ctx.record({
      ...base,
      action: 'skipped',
      reason: `window ${windowAt.toISOString()}: ${day} is before the mapping's startDate ${mapping.startDate}`,
    });
    return;
  }
  const entry = await ctx.ledgerDay(mapping.name, day);
  if (isLoaded(entry)) {
    await ctx.record({
      ...base,
      action: 'skipped',
      reason: `window ${windowAt.toISOString()}: ${day} is already loaded (${entry!.status})`,
    });
    return;
  }
  const check: PendingCheck = {
    mapping: mapping.name,
    day,
    windowAt,
    nextCheckAt: ctx.now(),
    cutoffAt: new Date(windowAt.getTime() + timing.cutoffMs),
    retryEveryMs: timing.retryEveryMs,
  };
  await ctx.state.putCheck(check);
}

/** Runs every retry-loop check that is due. */
export async function runDueChecks(ctx: SchedulerContext): Promise<void> {
  const now = ctx.now();
  for (const check of await ctx.state.checks()) {
    if (check.nextCheckAt.getTime() > now.getTime()) continue;
    try {
      await runCheck(ctx, check, now);
    } catch (err) {
      await checkFailed(ctx, check, now, err);
    }
  }
}

async function runCheck(ctx: SchedulerContext, check: PendingCheck, now: Date): Promise<void> {
  const mapping = ctx.mapping(check.mapping);
  if (!mapping) {
    await ctx.state.deleteCheck(check.mapping, check.day);
    return;
  }
  const base = { mapping: mapping.name, schedule: mapping.schedule, day: check.day };
  const entry = await ctx.ledgerDay(mapping.name, check.day);
  if (isLoaded(entry)) {
    await ctx.state.deleteCheck(check.mapping, check.day);
    await ctx.record({ ...base, action: 'skipped', reason: `${check.day} was loaded meanwhile (${entry!.trigger})` });
    return;
  }
  if (await ctx.deps.probe.hasData(mapping, check.day)) {
    const reason = `source has data for ${check.day} at the check of ${now.toISOString()} (window ${check.windowAt.toISOString()})`;
    await ctx.enqueue(
      { mapping: mapping.name, day: check.day, trigger: 'schedule', reason, retry: check },
      { action: 'queued', reason, schedule: mapping.schedule },
    );
    await ctx.state.deleteCheck(check.mapping, check.day);
    return;
  }
  await noDataYet(ctx, mapping, check, now);
}

async function noDataYet(
  ctx: SchedulerContext,
  mapping: ScheduledMapping,
  check: PendingCheck,
  now: Date,
): Promise<void> {
  const base = { mapping: mapping.name, schedule: mapping.schedule, day: check.day };
  const next = nextCheckAfter(now, check.windowAt, check.retryEveryMs, check.cutoffAt);
  if (next) {
    await ctx.state.putCheck({ ...check, nextCheckAt: next });
    await ctx.record({
      ...base,
      action: 'retry',
      reason: `no data for ${check.day} yet; next check at ${next.toISOString()}, cutoff ${check.cutoffAt.toISOString()}`,
    });
    return;
  }
  const reason = `no data for ${check.day} by the cutoff ${check.cutoffAt.toISOString()}`;
  await ctx.deps.loader.markNoData(mapping, check.day, reason);
  await ctx.state.deleteCheck(check.mapping, check.day);
  await ctx.record({ ...base, action: 'no_data', reason });
}

/** The warehouse could not be asked: try again at the next check (never `no_data` on an error). */
async function checkFailed(ctx: SchedulerContext, check: PendingCheck, now: Date, err: unknown): Promise<void> {
  const next =
    nextCheckAfter(now, check.windowAt, check.retryEveryMs, check.cutoffAt) ??
    new Date(now.getTime() + check.retryEveryMs);
  await ctx.state.putCheck({ ...check, nextCheckAt: next });
  const reason = `readiness check of ${check.day} failed: ${messageOf(err)}; next check at ${next.toISOString()}`;
  await ctx.record({ mapping: check.mapping, day: check.day, action: 'check_failed', reason });
}

/** After a scheduled load failed: back into the retry loop if its cutoff has not passed. */
export async function resumeRetryAfterFailure(
  ctx: SchedulerContext,
  check: Omit<PendingCheck, 'nextCheckAt'>,
): Promise<boolean> {
  const next = nextCheckAfter(ctx.now(), check.windowAt, check.retryEveryMs, check.cutoffAt);
  if (!next) return false;
  await ctx.state.putCheck({ ...check, nextCheckAt: next });
  return true;
}
