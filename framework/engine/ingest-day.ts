/**
 * The pipeline of one day: query → map/validate → load, joined here and nowhere else. The
 * day's rows stream from the connector in bounded batches into an open day load; the load
 * commits (rows, rejects and ledger row together) only when the whole day went through and
 * its reject rate is within the mapping's threshold. Anything else rolls back, so the
 * previously loaded version of the day and its ledger row stay as they were.
 */
import type { LoadedMapping } from '../config/project.js';
import { errorClassOf, messageOf, WharfError } from '../diagnostics/errors.js';
import { redactSecrets } from '../diagnostics/redact.js';
import { didYouMean } from '../diagnostics/suggest.js';
import type { ColumnInfo, Connector, DayFilter, DayStats } from '../connectors/types.js';
import type { DayLoad, LedgerEntry } from '../store/types.js';
import { zoneOrThrow, type Zone } from '../util/time.js';
import { mappingConfigHash } from './config-hash.js';
import { dayMapper } from './day-mapper.js';
import { nullDenominatorReason } from './map-metrics.js';
import { checkEmptyDayText } from './day-column-check.js';
import { refuseFutureDays } from './day-policy.js';
import { refuseUnsignalledDays } from './signal-cap.js';
import { columnarPlan, runColumnarDays, type ColumnarPlan } from './metrics-columnar.js';
import { checkMappedColumns, dayFilter, querySpec } from './query-stage.js';
import { RejectTally } from './reject-tally.js';
import { DEFAULT_RETRY, withRetry } from './retry.js';
import type { DayResult, EngineContext } from './types.js';
import type { RejectRecord } from '../store/schema.js';
import { rowJson } from './row-values.js';

export const DEFAULT_BATCH_SIZE = 10_000;

/** The loaded mapping by name, or a config error listing the known ones. */
export function mappingOrThrow(ctx: Pick<EngineContext, 'project'>, name: string): LoadedMapping {
  const mapping = ctx.project.mappings.get(name);
  if (!mapping) {
    throw new WharfError(`Unknown mapping '${name}'.${didYouMean(name, ctx.project.mappings.keys())}`, {
      code: 'mapping.unknown', errorClass: 'config',
      hint: `Known mappings: ${[...ctx.project.mappings.keys()].join(', ') || 'none'}.`,
    });
  }
  return mapping;
}

interface Outcome {
  entry: LedgerEntry;
  tally: RejectTally;
  rowsRead: number;
  duplicates: number;
  committed: boolean;
  columnar?: boolean;
}

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
    for (const day of days) results.push(await ingestDay(ctx, mappingName, day));
    return results;
  }
  const bases = days.map((day) => baseEntry(ctx, mapping, day));
  for (const day of days) ctx.onProgress?.({ kind: 'day-started', mapping: mappingName, day });
  let outcomes: Outcome[];
  const path = { columnar: false };
  try {
    outcomes = await withRetry(ctx.retry ?? DEFAULT_RETRY, () => attemptDays(ctx, mapping, bases, path), (err, attempt) => {
      for (const day of days) ctx.onProgress?.({ kind: 'retrying', mapping: mappingName, day, attempt, message: redactSecrets(messageOf(err)) });
    });
  } catch (err) {
    outcomes = bases.map((base) => {
      const entry = { ...base, status: 'failed' as const, errorClass: errorClassOf(err), errorMessage: redactSecrets(messageOf(err)), finishedAt: new Date() };
      return { entry, tally: new RejectTally(), rowsRead: 0, duplicates: 0, committed: false, columnar: path.columnar };
    });
  }
  const results = [];
  for (const outcome of outcomes) {
    if (!outcome.committed) await recordFailure(ctx, outcome.entry);
    const result = toResult(outcome);
    ctx.onProgress?.({ kind: 'day-finished', result });
    results.push(result);
  }
  return results;
}

/** Most days one columnar export covers: a month, so a long backfill asks the warehouse once per month instead of once per day. */
export const COLUMNAR_GROUP_DAYS = 31;

/**
 * How many days of the mapping can load together through one export: COLUMNAR_GROUP_DAYS
 * when they can take the columnar path as a group, else 1.
 */
export async function columnarGroupSize(ctx: EngineContext, mappingName: string): Promise<number> {
  const mapping = mappingOrThrow(ctx, mappingName);
  if (ctx.columnar === false || mapping.config.dataset !== 'metrics' || !ctx.store.columnarMetrics) return 1;
  try {
    const connector = await ctx.connectors.get(mapping.config.source);
    if (!connector.columnar) return 1;
    return planFor(ctx, mapping, connector, await describe(ctx, mapping, connector))?.multiDay ? COLUMNAR_GROUP_DAYS : 1;
  } catch {
    // The day loads report the problem, one by one.
    return 1;
  }
}

async function recordFailure(ctx: EngineContext, entry: LedgerEntry): Promise<void> {
  await ctx.store.recordAttempt(entry);
  await ctx.store.recordDayOutcome(entry);
}

function baseEntry(ctx: EngineContext, mapping: LoadedMapping, day: string): LedgerEntry {
  const now = new Date();
  return {
    ingestion: mapping.config.name, date: day, status: 'failed', errorClass: null, errorMessage: null, rowsLoaded: 0,
    rowsRejected: 0, rejectReasons: {}, sourceRowCount: null, sourceFingerprint: null,
    configHash: mappingConfigHash(mapping, ctx.project.settings), commitSha: ctx.commitSha ?? null, trigger: ctx.trigger,
    startedAt: now, finishedAt: now, firstLoadedAt: null, loadId: '',
  };
}

/** The query's columns, described once per mapping and run. */
async function describe(ctx: EngineContext, mapping: LoadedMapping, connector: Connector): Promise<ColumnInfo[]> {
  let described = ctx.connectors.described.get(mapping.config.name);
  if (!described) ctx.connectors.described.set(mapping.config.name, (described = connector.describe(querySpec(mapping))));
  return described.catch((err) => {
    ctx.connectors.described.delete(mapping.config.name);
    throw err;
  });
}

/** How the mapping's days take the columnar path in this run, or null for the row path. */
function planFor(ctx: EngineContext, mapping: LoadedMapping, connector: Connector, columns: ColumnInfo[]): ColumnarPlan | null {
  if (ctx.columnar === false || !ctx.store.columnarMetrics) return null;
  return columnarPlan(mapping, connector, columns, ctx.project.settings.idTypes, zoneOrThrow(ctx.project.settings.timeZone));
}

/** Loads the days once; `path.columnar` tells, even when it throws, which path it took. */
async function attemptDays(ctx: EngineContext, mapping: LoadedMapping, bases: LedgerEntry[], path: { columnar: boolean }): Promise<Outcome[]> {
  const { project } = ctx;
  const zone = zoneOrThrow(project.settings.timeZone);
  const connector = await ctx.connectors.get(mapping.config.source);
  const columns = await describe(ctx, mapping, connector);
  checkMappedColumns(mapping, columns);
  const filters = bases.map((base) => dayFilter(mapping, columns, base.date, zone));
  const plan = planFor(ctx, mapping, connector, columns);
  path.columnar = !!plan && (bases.length === 1 || plan.multiDay);
  if (plan && path.columnar) return attemptColumnarDays(ctx, mapping, plan, bases, filters);
  if (bases.length > 1) throw new Error(`internal: ${bases.length} days of '${mapping.config.name}' cannot share one load`);
  return [await attemptRowDay(ctx, mapping, connector, bases[0], filters[0], zone)];
}

/** Reports a wait for another load of the day as progress. */
function waiting(ctx: EngineContext, mapping: LoadedMapping, day: string): (holder: string) => void {
  return (holder) => ctx.onProgress?.({ kind: 'waiting', mapping: mapping.config.name, day, holder });
}

/** The columnar path: one export for all the days, one open load per day, each day committed or rolled back on its own. */
async function attemptColumnarDays(ctx: EngineContext, mapping: LoadedMapping, plan: ColumnarPlan, bases: LedgerEntry[], filters: DayFilter[]): Promise<Outcome[]> {
  const loads: DayLoad[] = [];
  try {
    for (const base of bases) loads.push(await ctx.store.beginDayLoad({ ingestion: mapping.config.name, dataset: 'metrics', date: base.date }, waiting(ctx, mapping, base.date)));
    const results = await runColumnarDays(plan, loads, querySpec(mapping), filters, (day, rows) =>
      ctx.onProgress?.({ kind: 'rows', mapping: mapping.config.name, day: bases[day].date, rows }),
    );
    const empty = results.findIndex((done) => done.rowsRead === 0);
    if (empty >= 0) await checkEmptyDayText(mapping, await ctx.connectors.get(mapping.config.source), querySpec(mapping), filters[empty]);
    const outcomes: Outcome[] = [];
    for (const [i, done] of results.entries()) {
      const tally = new RejectTally();
      for (const { problem, n } of done.problems) tally.add(problem, n);
      const stats = plan.exporter.dayStats(bases[i].date, done.rowsRead, done.fingerprintSum);
      outcomes.push(await finishDay(ctx, mapping, loads[i], { ...bases[i], loadId: loads[i].loadId }, tally, done.rowsRead, done.rowsLoaded, stats, 0, true));
    }
    return outcomes;
  } catch (err) {
    for (const load of loads) await load.rollback();
    throw err;
  }
}

/** The row path: the day's rows streamed in batches, mapped and validated one by one. */
async function attemptRowDay(ctx: EngineContext, mapping: LoadedMapping, connector: Connector, base: LedgerEntry, filter: DayFilter, zone: Zone): Promise<Outcome> {
  const { project, store } = ctx;
  const day = base.date;
  const query = querySpec(mapping);
  // The warehouse counts the day while its rows stream (another connection): no added wait.
  const load = await store.beginDayLoad({ ingestion: mapping.config.name, dataset: mapping.config.dataset, date: day }, waiting(ctx, mapping, day));
  // Count only unless the mapping's rechecks compare fingerprints: hashing every row costs the warehouse.
  const statsPending = connector.dayStats(query, [filter], { fingerprint: mapping.recheck.reloadOnFingerprintChange });
  statsPending.catch(() => undefined);
  const tally = new RejectTally();
  const mapper = dayMapper(mapping, day, zone, project.settings.idTypes);
  let rowsRead = 0;
  let rowsLoaded = 0;
  try {
    for await (const batch of connector.streamDay(query, filter, { batchSize: ctx.batchSize ?? DEFAULT_BATCH_SIZE })) {
      const records = [];
      const rejects: RejectRecord[] = [];
      for (const row of batch) {
        const mapped = mapper.map(row);
        if (mapped === null) continue;
        if (mapped.ok) records.push(mapped.record);
        else {
          tally.add(mapped.problem);
          rejects.push({ ingestion: mapping.config.name, date: day, row: rowJson(row), ...mapped.problem });
        }
      }
      rowsRead += batch.length;
      rowsLoaded += records.length;
      await load.appendRows(records as never);
      await load.appendRejects(rejects);
      ctx.onProgress?.({ kind: 'rows', mapping: mapping.config.name, day, rows: batch.length });
    }
    if (rowsRead === 0) await checkEmptyDayText(mapping, connector, query, filter);
    for (const metric of mapper.metricsToRecheck()) {
      const moved = await load.rejectNullDenominators([metric], nullDenominatorReason);
      if (moved) tally.add({ column: 'denominator', rule: 'denominator.null_in_ratio', reason: nullDenominatorReason(metric) }, moved);
      rowsLoaded -= moved;
    }
    const [stats] = await statsPending;
    return await finishDay(ctx, mapping, load, { ...base, loadId: load.loadId }, tally, rowsRead, rowsLoaded, stats, mapper.duplicates(), false);
  } catch (err) {
    await load.rollback();
    throw err;
  }
}

/**
 * Commits the day with its ledger entry, or rolls it back when its reject rate is over the
 * mapping's threshold. The source fingerprint is kept only for mappings whose rechecks use it.
 */
async function finishDay(
  ctx: EngineContext, mapping: LoadedMapping, load: DayLoad, base: LedgerEntry, tally: RejectTally, rowsRead: number, rowsLoaded: number,
  stats: DayStats | undefined, duplicates: number, columnar: boolean,
): Promise<Outcome> {
  const entry: LedgerEntry = {
    ...base, rowsLoaded, rowsRejected: tally.total, rejectReasons: tally.counts,
    sourceRowCount: stats?.rowCount ?? null, sourceFingerprint: mapping.recheck.reloadOnFingerprintChange ? (stats?.fingerprint ?? null) : null,
    status: rowsRead === 0 ? 'no_data' : 'succeeded', finishedAt: new Date(),
  };
  const had = load.previous?.status === 'succeeded' ? load.previous.rowsLoaded : 0;
  if (rowsRead === 0 && had > 0 && !ctx.allowEmpty) {
    await load.rollback();
    return { entry: emptyDayFailure(mapping, entry, had), tally, rowsRead, duplicates, committed: false, columnar };
  }
  const rate = rowsRead ? tally.total / rowsRead : 0;
  if (rate > mapping.validation.maxRejectRate) {
    await load.rollback();
    return { entry: rejectRateFailure(mapping, entry, rate, tally), tally, rowsRead, duplicates, committed: false, columnar };
  }
  await load.commit(entry);
  return { entry, tally, rowsRead, duplicates, committed: true, columnar };
}

/** An empty result never silently replaces a loaded day: the day is kept and the attempt fails. */
function emptyDayFailure(mapping: LoadedMapping, entry: LedgerEntry, had: number): LedgerEntry {
  const message =
    `Mapping '${mapping.config.name}': the query returned no rows for a day that had ${had} rows (${entry.date}); the loaded rows were kept. ` +
    `Check the query in ${mapping.sqlFile} and its source; if the day is really empty now, load it again with --allow-empty.`;
  return { ...entry, status: 'failed', errorClass: 'validation', errorMessage: redactSecrets(message), rowsLoaded: 0, finishedAt: new Date() };
}

function rejectRateFailure(mapping: LoadedMapping, entry: LedgerEntry, rate: number, tally: RejectTally): LedgerEntry {
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  const message =
    `Mapping '${mapping.config.name}' rejected ${tally.total} of ${entry.rowsLoaded + tally.total} rows on ${entry.date} (${pct(rate)}), ` +
    `more than validation.maxRejectRate ${pct(mapping.validation.maxRejectRate)}; the day was not loaded. Rejects: ${tally.describe()}. ` +
    `Fix the query in ${mapping.sqlFile} or the column mapping in ${mapping.file}, or raise validation.maxRejectRate.`;
  return { ...entry, status: 'failed', errorClass: 'validation', errorMessage: redactSecrets(message), rowsLoaded: 0, finishedAt: new Date() };
}

function toResult(o: Outcome): DayResult {
  const e = o.entry;
  return {
    mapping: e.ingestion, day: e.date, status: e.status, rowsRead: o.rowsRead, rowsLoaded: e.rowsLoaded, rowsRejected: e.rowsRejected,
    duplicates: o.duplicates, rejectReasons: e.rejectReasons, rejectExamples: o.tally.examples, sourceRowCount: e.sourceRowCount,
    errorClass: e.errorClass, errorMessage: e.errorMessage, durationMs: e.finishedAt.getTime() - e.startedAt.getTime(), loadId: e.loadId || null,
    path: o.columnar ? 'columnar' : 'rows',
  };
}
