/**
 * Loads asked for from outside the schedules: mark-data-ready requests (API-triggered
 * schedules, rate limited per type or mapping, default once per 2h) and backfills (CLI, API,
 * a plan's data actions). Both go through the same queue as scheduled loads.
 */
import { apiRateLimitMs } from '../config/schedule-timing.js';
import type { ApiSchedule, IsoDate } from '../config/types.js';
import { WharfError } from '../diagnostics/errors.js';
import { dayOf, dayRange, daysBetween, isIsoDate, latestCompleteDay, zoneOrThrow } from '../util/time.js';
import type { SchedulerContext } from './context.js';
import type { BackfillRequest, MarkDataReadyRequest, MarkDataReadyResult, ScheduledMapping } from './types.js';

function badRequest(message: string, hint?: string): WharfError {
  return new WharfError(message, { code: 'schedule.bad-request', errorClass: 'config', hint });
}

function checkDates(dates: IsoDate[], field: string): void {
  if (dates.length === 0) throw badRequest(`'${field}' is empty.`, 'Give at least one date as YYYY-MM-DD.');
  const bad = dates.find((d) => !isIsoDate(d));
  if (bad !== undefined)
    throw badRequest(`'${field}' has '${bad}', which is not a date.`, 'Write dates as YYYY-MM-DD, e.g. 2023-02-20.');
}

/** The API-triggered mappings a request addresses, with the schedules they use. */
function apiTargets(
  ctx: SchedulerContext,
  request: MarkDataReadyRequest,
): { key: string; targets: ScheduledMapping[] } {
  if ((request.type === undefined) === (request.mapping === undefined)) {
    throw badRequest(
      'A mark-data-ready request names either a type (events or metrics) or a mapping, not both or neither.',
    );
  }
  const isApi = (m: ScheduledMapping) => ctx.schedule(m.schedule)?.kind === 'api';
  if (request.mapping !== undefined) {
    const mapping = ctx.mappingOrThrow(request.mapping);
    if (!isApi(mapping)) {
      throw badRequest(
        `Mapping '${mapping.name}' runs on schedule '${mapping.schedule}', which is not API-triggered.`,
        "Use a schedule of kind 'api' for this mapping, or request a backfill.",
      );
    }
    return { key: `mapping:${mapping.name}`, targets: [mapping] };
  }
  if (request.type !== 'events' && request.type !== 'metrics')
    throw badRequest(`Unknown type '${String(request.type)}'.`, "Use 'events' or 'metrics'.");
  const targets = ctx.setup.mappings.filter((m) => m.dataset === request.type && isApi(m));
  if (targets.length === 0)
    throw badRequest(`No API-triggered mapping loads '${request.type}'.`, "Give a mapping a schedule of kind 'api'.");
  return { key: `type:${request.type}`, targets };
}

/**
 * Most days one API request may queue (backfill range, or mark_data_ready dates); the agent's `--max-backfill-days`.
 */
export const DEFAULT_MAX_REQUEST_DAYS = 400;

/** A backfill reloads days that have ended: up to the latest complete day in the project's zone. */
function checkBackfillEnd(ctx: SchedulerContext, day: IsoDate): void {
  const latest = latestCompleteDay(ctx.now(), zoneOrThrow(ctx.setup.timeZone));
  if (day > latest) {
    throw badRequest(
      `'to' (${day}) is after the latest complete day ${latest} (${ctx.setup.timeZone}).`,
      `Backfill up to ${latest}; a day can be reloaded once it has ended.`,
    );
  }
}

/** Data can be marked ready for a day up to today in the project's zone (its sender decides when a day is done). */
function checkReadyDay(ctx: SchedulerContext, day: IsoDate): void {
  const today = dayOf(ctx.now(), zoneOrThrow(ctx.setup.timeZone));
  if (day > today) {
    throw badRequest(
      `'datestamps' has ${day}, after today (${today}, ${ctx.setup.timeZone}).`,
      `Mark days up to ${today} as ready.`,
    );
  }
}

function checkDayCount(count: number, maxDays: number, what: string): void {
  if (count > maxDays)
    throw badRequest(
      `${what} covers ${count} days, more than the ${maxDays} one request may queue.`,
      `Split it into requests of at most ${maxDays} days.`,
    );
}

/**
 * Queues the requested days now, unless a request for the same key was accepted too recently.
 * The rate limit and the queue change are one step: however many identical requests race,
 * one is accepted and each day is queued once. Days after today (project zone) are refused; a day before a mapping's
 * startDate is not queued for that mapping.
 */
export async function markDataReady(
  ctx: SchedulerContext,
  request: MarkDataReadyRequest,
  maxDays = DEFAULT_MAX_REQUEST_DAYS,
): Promise<MarkDataReadyResult> {
  checkDates(request.dates, 'datestamps');
  const { key, targets } = apiTargets(ctx, request);
  const days = [...new Set(request.dates)].sort();
  checkDayCount(days.length, maxDays, "'datestamps'");
  checkReadyDay(ctx, days[days.length - 1]);
  const earliest = targets.reduce((d, m) => (m.startDate < d ? m.startDate : d), targets[0].startDate);
  if (days[0] < earliest) {
    throw badRequest(
      `'datestamps' has ${days[0]}, before ${earliest}, the earliest startDate of the mappings it addresses.`,
      `Ask for days from ${earliest}.`,
    );
  }
  const now = ctx.now();
  const limitMs = Math.max(...targets.map((m) => apiRateLimitMs(ctx.schedule(m.schedule) as ApiSchedule)));
  const reason = (day: IsoDate) => `mark_data_ready for ${day} (${key})`;
  const items = days.flatMap((day) =>
    targets
      .filter((m) => day >= m.startDate)
      .map((m) => ({
        mapping: m.name,
        day,
        trigger: 'api' as const,
        reason: reason(day),
        enqueuedAt: now,
        retry: null,
      })),
  );
  const result = await ctx.state.acceptAndEnqueue(key, now, limitMs, items);
  if (!result.accepted) {
    const retryAfter = new Date(result.last.getTime() + limitMs);
    await ctx.record({
      action: 'rate_limited',
      reason: `${key}: last request accepted at ${result.last.toISOString()}; next accepted from ${retryAfter.toISOString()}`,
    });
    return { accepted: false, retryAfter, key, queued: [] };
  }
  const queued = new Set(result.queued.map((q) => `${q.mapping}|${q.day}`));
  for (const item of items) {
    const schedule = targets.find((m) => m.name === item.mapping)?.schedule;
    const was = queued.has(`${item.mapping}|${item.day}`);
    await ctx.record({
      mapping: item.mapping,
      day: item.day,
      trigger: 'api',
      schedule,
      action: was ? 'queued' : 'skipped',
      reason: was ? item.reason : `already queued; ${item.reason}`,
    });
  }
  return { accepted: true, key, queued: result.queued.map((q) => ({ mapping: q.mapping, day: q.day })) };
}

/**
 * Queues every day of the range, oldest first, in one transaction. Days already waiting are
 * not queued twice. A request from the API is bounded: at most `maxDays` days, none before
 * the mapping's startDate nor after the latest complete day.
 */
export async function requestBackfill(
  ctx: SchedulerContext,
  request: BackfillRequest,
): Promise<{ mapping: string; day: IsoDate }[]> {
  const mapping = ctx.mappingOrThrow(request.mapping);
  checkDates([request.from, request.to], 'from/to');
  if (request.to < request.from)
    throw badRequest(`Backfill of '${mapping.name}': 'to' (${request.to}) is before 'from' (${request.from}).`);
  const trigger = request.trigger ?? 'backfill';
  if (trigger === 'api') checkApiRange(ctx, mapping, request);
  const reason = request.reason ?? `${trigger} of ${request.from}..${request.to}`;
  const now = ctx.now();
  const items = dayRange(request.from, request.to).map((day) => ({
    mapping: mapping.name,
    day,
    trigger,
    reason,
    enqueuedAt: now,
    retry: null,
  }));
  const queued = await ctx.state.enqueueMany(items);
  const skipped = items.length - queued.length;
  await ctx.record({
    mapping: mapping.name,
    trigger,
    schedule: mapping.schedule,
    action: queued.length > 0 ? 'queued' : 'skipped',
    reason: `${reason}: ${queued.length} day(s) queued${skipped ? `, ${skipped} already waiting` : ''}`,
  });
  return queued.map((q) => ({ mapping: q.mapping, day: q.day }));
}

function checkApiRange(ctx: SchedulerContext, mapping: ScheduledMapping, request: BackfillRequest): void {
  if (request.from < mapping.startDate) {
    throw badRequest(
      `'from' (${request.from}) is before the startDate of '${mapping.name}', ${mapping.startDate}.`,
      `Backfill from ${mapping.startDate} at the earliest.`,
    );
  }
  checkBackfillEnd(ctx, request.to);
  checkDayCount(
    daysBetween(request.from, request.to) + 1,
    request.maxDays ?? DEFAULT_MAX_REQUEST_DAYS,
    `The backfill ${request.from}..${request.to}`,
  );
}

/** Removes the waiting loads of a mapping between two days (running ones finish). */
export async function cancelQueued(
  ctx: SchedulerContext,
  request: { mapping: string; from: IsoDate; to: IsoDate },
): Promise<{ mapping: string; day: IsoDate }[]> {
  const mapping = ctx.mappingOrThrow(request.mapping);
  checkDates([request.from, request.to], 'from/to');
  const cancelled = await ctx.state.cancelWaiting(mapping.name, request.from, request.to);
  if (cancelled.length > 0) {
    await ctx.record({
      mapping: mapping.name,
      schedule: mapping.schedule,
      action: 'skipped',
      reason: `cancelled ${cancelled.length} queued day(s) in ${request.from}..${request.to}`,
    });
  }
  return cancelled.map((q) => ({ mapping: q.mapping, day: q.day }));
}
