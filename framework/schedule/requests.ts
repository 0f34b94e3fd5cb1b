/**
 * Loads asked for from outside the schedules: mark-data-ready requests (API-triggered
 * schedules, rate limited per type or mapping, default once per 2h) and backfills (CLI, API,
 * a plan's data actions). Both go through the same queue as scheduled loads.
 */
import type { ApiSchedule, IsoDate } from '../config/types.js';
import { WharfError } from '../diagnostics/errors.js';
import { dayRange, isIsoDate } from '../util/time.js';
import type { SchedulerContext } from './context.js';
import { apiRateLimitMs } from './setup.js';
import type { BackfillRequest, MarkDataReadyRequest, MarkDataReadyResult, ScheduledMapping } from './types.js';

function badRequest(message: string, hint?: string): WharfError {
  return new WharfError(message, { code: 'schedule.bad-request', errorClass: 'config', hint });
}

function checkDates(dates: IsoDate[], field: string): void {
  if (dates.length === 0) throw badRequest(`'${field}' is empty.`, 'Give at least one date as YYYY-MM-DD.');
  const bad = dates.find((d) => !isIsoDate(d));
  if (bad !== undefined) throw badRequest(`'${field}' has '${bad}', which is not a date.`, 'Write dates as YYYY-MM-DD, e.g. 2023-02-20.');
}

/** The API-triggered mappings a request addresses, with the schedules they use. */
function apiTargets(ctx: SchedulerContext, request: MarkDataReadyRequest): { key: string; targets: ScheduledMapping[] } {
  if ((request.type === undefined) === (request.mapping === undefined)) {
    throw badRequest('A mark-data-ready request names either a type (events or metrics) or a mapping, not both or neither.');
  }
  const isApi = (m: ScheduledMapping) => ctx.schedule(m.schedule)?.kind === 'api';
  if (request.mapping !== undefined) {
    const mapping = ctx.mappingOrThrow(request.mapping);
    if (!isApi(mapping)) {
      throw badRequest(`Mapping '${mapping.name}' runs on schedule '${mapping.schedule}', which is not API-triggered.`, "Use a schedule of kind 'api' for this mapping, or request a backfill.");
    }
    return { key: `mapping:${mapping.name}`, targets: [mapping] };
  }
  if (request.type !== 'events' && request.type !== 'metrics') throw badRequest(`Unknown type '${String(request.type)}'.`, "Use 'events' or 'metrics'.");
  const targets = ctx.setup.mappings.filter((m) => m.dataset === request.type && isApi(m));
  if (targets.length === 0) throw badRequest(`No API-triggered mapping loads '${request.type}'.`, "Give a mapping a schedule of kind 'api'.");
  return { key: `type:${request.type}`, targets };
}

/** Queues the requested days now, unless a request for the same key was accepted too recently. */
export async function markDataReady(ctx: SchedulerContext, request: MarkDataReadyRequest): Promise<MarkDataReadyResult> {
  checkDates(request.dates, 'datestamps');
  const { key, targets } = apiTargets(ctx, request);
  const now = ctx.now();
  const limitMs = Math.max(...targets.map((m) => apiRateLimitMs(ctx.schedule(m.schedule) as ApiSchedule)));
  const last = await ctx.state.lastAccepted(key);
  if (last && now.getTime() < last.getTime() + limitMs) {
    const retryAfter = new Date(last.getTime() + limitMs);
    await ctx.record({ action: 'rate_limited', reason: `${key}: last request accepted at ${last.toISOString()}; next accepted from ${retryAfter.toISOString()}` });
    return { accepted: false, retryAfter, key, queued: [] };
  }
  await ctx.state.setLastAccepted(key, now);
  const queued: MarkDataReadyResult['queued'] = [];
  for (const day of [...new Set(request.dates)].sort()) {
    for (const mapping of targets) {
      const reason = `mark_data_ready for ${day} (${key})`;
      if (await ctx.enqueue({ mapping: mapping.name, day, trigger: 'api', reason, retry: null }, { action: 'queued', reason, schedule: mapping.schedule })) {
        queued.push({ mapping: mapping.name, day });
      }
    }
  }
  return { accepted: true, key, queued };
}

/** Queues every day of the range, oldest first. Days already waiting are not queued twice. */
export async function requestBackfill(ctx: SchedulerContext, request: BackfillRequest): Promise<{ mapping: string; day: IsoDate }[]> {
  const mapping = ctx.mappingOrThrow(request.mapping);
  checkDates([request.from, request.to], 'from/to');
  if (request.to < request.from) throw badRequest(`Backfill of '${mapping.name}': 'to' (${request.to}) is before 'from' (${request.from}).`);
  const trigger = request.trigger ?? 'backfill';
  const queued: { mapping: string; day: IsoDate }[] = [];
  for (const day of dayRange(request.from, request.to)) {
    const reason = request.reason ?? `${trigger} of ${request.from}..${request.to}`;
    if (await ctx.enqueue({ mapping: mapping.name, day, trigger, reason, retry: null }, { action: 'queued', reason, schedule: mapping.schedule })) {
      queued.push({ mapping: mapping.name, day });
    }
  }
  return queued;
}
