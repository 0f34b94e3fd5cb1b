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
import type { LedgerEntry } from '../store/types.js';
import { zoneOrThrow } from '../util/time.js';
import { mappingConfigHash } from './config-hash.js';
import { dayMapper } from './day-mapper.js';
import { nullDenominatorReason } from './map-metrics.js';
import { columnarDay, runColumnarDay } from './metrics-columnar.js';
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
    throw new WharfError(`Unknown mapping '${name}'.`, {
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

/** Loads one day of a mapping; never throws for a failure of the day itself (see DayResult). */
export async function ingestDay(ctx: EngineContext, mappingName: string, day: string): Promise<DayResult> {
  const mapping = mappingOrThrow(ctx, mappingName);
  const base = baseEntry(ctx, mapping, day);
  ctx.onProgress?.({ kind: 'day-started', mapping: mappingName, day });
  let outcome: Outcome;
  try {
    outcome = await withRetry(ctx.retry ?? DEFAULT_RETRY, () => attemptDay(ctx, mapping, base), (err, attempt) =>
      ctx.onProgress?.({ kind: 'retrying', mapping: mappingName, day, attempt, message: redactSecrets(messageOf(err)) }),
    );
  } catch (err) {
    const entry = { ...base, status: 'failed' as const, errorClass: errorClassOf(err), errorMessage: redactSecrets(messageOf(err)), finishedAt: new Date() };
    outcome = { entry, tally: new RejectTally(), rowsRead: 0, duplicates: 0, committed: false };
  }
  if (!outcome.committed) await recordFailure(ctx, outcome.entry);
  const result = toResult(outcome);
  ctx.onProgress?.({ kind: 'day-finished', result });
  return result;
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

async function attemptDay(ctx: EngineContext, mapping: LoadedMapping, base: LedgerEntry): Promise<Outcome> {
  const { project, store } = ctx;
  const day = base.date;
  const zone = zoneOrThrow(project.settings.timeZone);
  const connector = await ctx.connectors.get(mapping.config.source);
  const query = querySpec(mapping);
  let described = ctx.connectors.described.get(mapping.config.name);
  if (!described) ctx.connectors.described.set(mapping.config.name, (described = connector.describe(query)));
  const columns = await described.catch((err) => {
    ctx.connectors.described.delete(mapping.config.name);
    throw err;
  });
  checkMappedColumns(mapping, columns);
  const filter = dayFilter(mapping, columns, day, zone);
  // The warehouse counts the day while its rows stream (another connection): no added wait.
  const load = await store.beginDayLoad({ ingestion: mapping.config.name, dataset: mapping.config.dataset, date: day });
  const columnar = ctx.columnar === false ? null : columnarDay(mapping, connector, load, columns, day, project.settings.idTypes);
  // The columnar export counts and fingerprints the day in the same pass as the rows.
  let statsPending = columnar ? null : connector.dayStats(query, [filter]);
  statsPending?.catch(() => undefined);
  const tally = new RejectTally();
  const mapper = dayMapper(mapping, day, zone, project.settings.idTypes);
  let rowsRead = 0;
  let rowsLoaded = 0;
  try {
    if (columnar) {
      const done = await runColumnarDay(columnar, load, query, filter);
      ({ rowsRead, rowsLoaded } = done);
      statsPending = Promise.resolve([columnar.exporter.dayStats(day, rowsRead, done.fingerprintSum)]);
      for (const { problem, n } of done.problems) tally.add(problem, n);
      ctx.onProgress?.({ kind: 'rows', mapping: mapping.config.name, day, rows: rowsRead });
    }
    for await (const batch of columnar ? [] : connector.streamDay(query, filter, { batchSize: ctx.batchSize ?? DEFAULT_BATCH_SIZE })) {
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
    for (const metric of mapper.metricsToRecheck()) {
      const moved = await load.rejectNullDenominators([metric], nullDenominatorReason);
      if (moved) tally.add({ column: 'denominator', rule: 'denominator.null_in_ratio', reason: nullDenominatorReason(metric) }, moved);
      rowsLoaded -= moved;
    }
    const [stats] = (await statsPending) ?? [];
    const entry: LedgerEntry = {
      ...base, loadId: load.loadId, rowsLoaded, rowsRejected: tally.total, rejectReasons: tally.counts,
      sourceRowCount: stats?.rowCount ?? null, sourceFingerprint: stats?.fingerprint ?? null,
      status: rowsRead === 0 ? 'no_data' : 'succeeded', finishedAt: new Date(),
    };
    const rate = rowsRead ? tally.total / rowsRead : 0;
    if (rate > mapping.validation.maxRejectRate) {
      await load.rollback();
      return { entry: rejectRateFailure(mapping, entry, rate, tally), tally, rowsRead, duplicates: mapper.duplicates(), committed: false, columnar: !!columnar };
    }
    await load.commit(entry);
    return { entry, tally, rowsRead, duplicates: mapper.duplicates(), committed: true, columnar: !!columnar };
  } catch (err) {
    await load.rollback();
    throw err;
  }
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
