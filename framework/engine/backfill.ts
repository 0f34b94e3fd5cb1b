/**
 * Loads a range of days of one mapping, each day atomic and independent (metrics days on the
 * columnar path share one export per group of up to a month, see columnarGroupSize). Resumable: days
 * already loaded (succeeded, or no data past the schedule's cutoff) with the current config hash
 * are skipped unless `force`, so a backfill interrupted and started again loads every day exactly once.
 */
import { DEFAULTS } from '../config/project.js';
import { WharfError } from '../diagnostics/errors.js';
import { dayRange, isIsoDate } from '../util/time.js';
import { mappingConfigHash } from './config-hash.js';
import { isSettled, refuseFutureDays } from './day-policy.js';
import { afterSignal, latestSignalledDay, signalScheduleOf, waitingReason } from './signal-cap.js';
import { columnarGroupSize, ingestDays, mappingOrThrow } from './ingest-day.js';
import type { DayResult, EngineContext } from './types.js';
import { compareText } from '../util/text-order.js';

export interface BackfillOptions {
  from: string;
  to: string;
  /** Days (or groups of days sharing an export) loaded at once; default the source's maxConcurrency (2). */
  concurrency?: number;
  /** Reload days already loaded with the current config. */
  force?: boolean;
  /** Stops starting new days (days under way finish or roll back). */
  signal?: AbortSignal;
  /** False when the caller already announced the days to load (`planned` progress event). */
  announce?: boolean;
}

export interface BackfillResult {
  mapping: string;
  from: string;
  to: string;
  days: DayResult[];
  /** Days of the range after the signal of a signal-scheduled mapping: not loaded, and why. */
  waiting?: { days: string[]; reason: string };
}

function checkRange(from: string, to: string): void {
  for (const [flag, value] of [
    ['from', from],
    ['to', to],
  ]) {
    if (!isIsoDate(value)) {
      throw new WharfError(`--${flag} '${value}' is not a valid date.`, {
        code: 'backfill.date',
        errorClass: 'config',
        hint: 'Use YYYY-MM-DD.',
      });
    }
  }
  if (to < from)
    throw new WharfError(`--to ${to} is before --from ${from}.`, { code: 'backfill.range', errorClass: 'config' });
}

/**
 * Days of the range still to load: not yet loaded under the current config hash, or
 * recorded `no_data` before their schedule's cutoff (see day-policy.ts).
 */
export async function pendingDays(
  ctx: EngineContext,
  mappingName: string,
  { from, to, force }: { from: string; to: string; force: boolean },
): Promise<Set<string>> {
  const all = dayRange(from, to);
  if (force) return new Set(all);
  const mapping = mappingOrThrow(ctx, mappingName);
  const hash = mappingConfigHash(mapping, ctx.project.settings);
  const done = new Set(
    (await ctx.store.ledger({ ingestion: mappingName, from, to }))
      .filter((e) => isSettled(ctx.project, mapping, e, hash))
      .map((e) => e.date),
  );
  return new Set(all.filter((d) => !done.has(d)));
}

function skipped(mapping: string, day: string): DayResult {
  return {
    mapping,
    day,
    status: 'skipped',
    rowsRead: 0,
    rowsLoaded: 0,
    rowsRejected: 0,
    duplicates: 0,
    rejectReasons: {},
    rejectExamples: {},
    sourceRowCount: null,
    errorClass: null,
    errorMessage: null,
    durationMs: 0,
    loadId: null,
  };
}

export async function backfill(
  ctx: EngineContext,
  mappingName: string,
  options: BackfillOptions,
): Promise<BackfillResult> {
  checkRange(options.from, options.to);
  const mapping = mappingOrThrow(ctx, mappingName);
  refuseFutureDays(ctx.project, mappingName, [options.to], ctx.now?.() ?? new Date());
  const source = ctx.project.sources.get(mapping.config.source)?.config;
  const concurrency = Math.max(1, options.concurrency ?? source?.maxConcurrency ?? DEFAULTS.sourceMaxConcurrency);
  const waiting = await daysAwaitingSignal(ctx, mappingName, dayRange(options.from, options.to));
  const pending = await pendingDays(ctx, mappingName, {
    from: options.from,
    to: options.to,
    force: options.force ?? false,
  });
  for (const day of waiting?.days ?? []) pending.delete(day);
  const inRange = dayRange(options.from, options.to).filter((d) => !waiting?.days.includes(d));
  const queue = inRange.filter((d) => pending.has(d));
  if (options.announce !== false) ctx.onProgress?.({ kind: 'planned', mapping: mappingName, days: queue.length });
  const results = new Map<string, DayResult>();
  for (const day of inRange) if (!pending.has(day)) results.set(day, skipped(mappingName, day));
  // Metrics days on the columnar path load in groups that share one export (each day still commits on its own).
  const groupSize = queue.length > 1 ? await columnarGroupSize(ctx, mappingName, concurrency) : 1;
  const groups: string[][] = [];
  for (let i = 0; i < queue.length; i += groupSize) groups.push(queue.slice(i, i + groupSize));
  const worker = async () => {
    for (let group = groups.shift(); group !== undefined; group = groups.shift()) {
      if (options.signal?.aborted) return;
      const days = await ingestDays(ctx, mappingName, group);
      for (const result of days) results.set(result.day, result);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, groups.length)) }, worker));
  const days = [...results.values()].sort((a, b) => compareText(a.day, b.day));
  return {
    mapping: mappingName,
    from: options.from,
    to: options.to,
    days,
    ...(waiting && waiting.days.length ? { waiting } : {}),
  };
}

/** For a signal-scheduled mapping, the days after its signal and why they wait. */
async function daysAwaitingSignal(
  ctx: EngineContext,
  mappingName: string,
  days: string[],
): Promise<BackfillResult['waiting']> {
  const mapping = mappingOrThrow(ctx, mappingName);
  const schedule = signalScheduleOf(ctx, mapping);
  if (!schedule) return undefined;
  const signalled = await latestSignalledDay(ctx, schedule);
  return { days: afterSignal(days, signalled), reason: waitingReason(mappingName, schedule, signalled) };
}
