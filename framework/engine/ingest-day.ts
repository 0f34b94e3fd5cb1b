/**
 * The pipeline of a mapping's days, joined here and nowhere else:
 *
 *   plan (day/plan-stage) → rows (day/rows-stage) or columnar (day/columnar-stage) → outcome (day/outcome-stage)
 *
 * plan finds the connector, columns, day filters and path; rows streams one day's rows in
 * bounded batches through map/validate into an open day load; columnar does the same for a
 * group of metrics days from one bulk export, handing each day to outcome as soon as it is
 * whole; outcome commits each day (rows, rejects and ledger row together) only when the
 * whole day went through and its reject rate is within the mapping's threshold, else rolls
 * it back, so the previously loaded version of the day and its ledger row stay as they were.
 * Each stage returns what it did; a failure carries the stage's name (DayStageError) and
 * keeps the original's message and class. A day that got its outcome keeps it when a later
 * day of its group fails: a retry loads only the days without one.
 */
import type { LoadedMapping } from '../config/project.js';
import { messageOf } from '../diagnostics/errors.js';
import { redactSecrets } from '../diagnostics/redact.js';
import type { LedgerEntry } from '../store/types.js';
import { mappingConfigHash } from './config-hash.js';
import { refuseFutureDays } from './day-policy.js';
import { loadColumnarDays } from './day/columnar-stage.js';
import { mappingOrThrow } from './day/mapping-lookup.js';
import { failedOutcome, finishDay, recordFailure, toResult, type Outcome } from './day/outcome-stage.js';
import { columnarGroupSize, planDays } from './day/plan-stage.js';
import { loadRowDay } from './day/rows-stage.js';
import type { StagedDay } from './day/staged-day.js';
import { inStage } from './day/stage-error.js';
import { DEFAULT_RETRY, withRetry } from './retry.js';
import { refuseUnsignalledDays } from './signal-cap.js';
import type { DayResult, EngineContext } from './types.js';

export { mappingOrThrow } from './day/mapping-lookup.js';
export { columnarGroupSize } from './day/plan-stage.js';

/**
 * Loads one day of a mapping; never throws for a failure of the day itself (see DayResult).
 * A day that has not ended yet, or is after the signal of a signal-scheduled mapping, is
 * refused (thrown, nothing recorded).
 */
export async function ingestDay(ctx: EngineContext, mappingName: string, day: string): Promise<DayResult> {
  const [result] = await ingestDays(ctx, mappingName, [day]);
  return result;
}

/**
 * Loads several days of a mapping, each atomic and committed on its own. Days that can take
 * the columnar path together share one export (see columnarGroupSize); otherwise they load
 * one after the other. Never throws for a failure of a day itself.
 */
export async function ingestDays(ctx: EngineContext, mappingName: string, days: string[]): Promise<DayResult[]> {
  const mapping = mappingOrThrow(ctx, mappingName);
  refuseFutureDays(ctx.project, mappingName, days, ctx.now?.() ?? new Date());
  await refuseUnsignalledDays(ctx, mapping, days);
  if (days.length > 1 && (await columnarGroupSize(ctx, mappingName)) < days.length) {
    const results = [];
    for (const day of days) results.push(...(await loadGroup(ctx, mapping, [day])));
    return results;
  }
  return loadGroup(ctx, mapping, days);
}

/**
 * Loads days that share one load attempt (one day, or a columnar group), with retries; records and reports each day.
 */
async function loadGroup(ctx: EngineContext, mapping: LoadedMapping, days: string[]): Promise<DayResult[]> {
  const name = mapping.config.name;
  const bases = days.map((day) => baseEntry(ctx, mapping, day));
  for (const day of days) ctx.onProgress?.({ kind: 'day-started', mapping: name, day });
  const done = new Map<string, Outcome>();
  const left = () => bases.filter((base) => !done.has(base.date));
  const path = { columnar: false };
  try {
    await withRetry(
      ctx.retry ?? DEFAULT_RETRY,
      () => attemptDays(ctx, mapping, { bases: left(), path }, (o) => done.set(o.entry.date, o)),
      (err, attempt) => {
        for (const { date: day } of left())
          ctx.onProgress?.({ kind: 'retrying', mapping: name, day, attempt, message: redactSecrets(messageOf(err)) });
      },
    );
  } catch (err) {
    for (const base of left()) done.set(base.date, failedOutcome(base, err, path.columnar));
  }
  const results = [];
  for (const outcome of bases.map((base) => done.get(base.date)!)) {
    if (!outcome.committed) await recordFailure(ctx, outcome.entry);
    const result = toResult(outcome);
    ctx.onProgress?.({ kind: 'day-finished', result });
    results.push(result);
  }
  return results;
}

/**
 * One attempt: plan, then rows or columnar, then each day's outcome, reported to `onOutcome`
 * as it is known; `path.columnar` tells, even when it throws, which path it took.
 */
async function attemptDays(
  ctx: EngineContext,
  mapping: LoadedMapping,
  { bases, path }: { bases: LedgerEntry[]; path: { columnar: boolean } },
  onOutcome: (outcome: Outcome) => void,
): Promise<void> {
  // A retry after every day got its outcome has nothing left to load.
  if (bases.length === 0) return;
  const plan = await inStage('plan', () =>
    planDays(
      ctx,
      mapping,
      bases.map((b) => b.date),
      path,
    ),
  );
  const finish = (staged: StagedDay) =>
    inStage('outcome', async () => {
      try {
        onOutcome(await finishDay({ mapping, staged, allowEmpty: !!ctx.allowEmpty }));
      } catch (err) {
        await staged.load.rollback();
        throw err;
      }
    });
  const { columnar } = plan;
  if (columnar)
    await inStage('columnar', () => loadColumnarDays(ctx, mapping, { plan: { ...plan, columnar }, bases }, finish));
  else await finish(await inStage('rows', () => loadRowDay(ctx, mapping, plan, bases[0])));
}

function baseEntry(ctx: EngineContext, mapping: LoadedMapping, day: string): LedgerEntry {
  const now = new Date();
  return {
    ingestion: mapping.config.name,
    date: day,
    status: 'failed',
    errorClass: null,
    errorMessage: null,
    errorHint: null,
    rowsLoaded: 0,
    rowsRejected: 0,
    rejectReasons: {},
    duplicates: 0,
    sourceRowCount: null,
    sourceFingerprint: null,
    configHash: mappingConfigHash(mapping, ctx.project.settings),
    commitSha: ctx.commitSha ?? null,
    trigger: ctx.trigger,
    startedAt: now,
    finishedAt: now,
    firstLoadedAt: null,
    loadId: '',
  };
}
