/**
 * The rows stage: one day's rows streamed from the connector in bounded batches, mapped and
 * validated one by one, and appended to an open day load. Returns the day uncommitted; on
 * failure the load is rolled back.
 */
import type { LoadedMapping } from '../../config/project.js';
import type { MetricsMapping } from '../../config/types.js';
import type { Row } from '../../connectors/types.js';
import type { MetricRecord, RejectRecord } from '../../store/schema.js';
import type { DayLoad, HeldValueOnlyRow, LedgerEntry } from '../../store/types.js';
import { checkEmptyDayText } from '../day-column-check.js';
import { dayMapper, type DayMapper } from '../day-mapper.js';
import { nullDenominatorReason } from '../map-metrics.js';
import { querySpec } from '../query-stage.js';
import { RejectTally } from '../reject-tally.js';
import { rowJson } from '../row-values.js';
import type { EngineContext } from '../types.js';
import type { DayPlan } from './plan-stage.js';
import { waiting, type StagedDay } from './staged-day.js';

export const DEFAULT_BATCH_SIZE = 10_000;

export async function loadRowDay(
  ctx: EngineContext,
  mapping: LoadedMapping,
  plan: DayPlan,
  base: LedgerEntry,
): Promise<StagedDay> {
  const { connector, zone } = plan;
  const [filter] = plan.filters;
  const day = base.date;
  const query = querySpec(mapping);
  // The warehouse counts the day while its rows stream (another connection): no added wait.
  const load = await ctx.store.beginDayLoad(
    { ingestion: mapping.config.name, dataset: mapping.config.dataset, date: day },
    waiting(ctx, mapping.config.name, day),
  );
  // Count only unless the mapping's rechecks compare fingerprints: hashing every row costs the warehouse.
  const statsPending = connector.dayStats(query, [filter], { fingerprint: mapping.recheck.reloadOnFingerprintChange });
  statsPending.catch(() => undefined);
  const tally = new RejectTally();
  const mapper = dayMapper(mapping, day, zone, ctx.project.settings.idTypes);
  const holdValueOnly = ratioPossible(mapping);
  let rowsRead = 0;
  let rowsLoaded = 0;
  try {
    for await (const batch of connector.streamDay(query, filter, { batchSize: ctx.batchSize ?? DEFAULT_BATCH_SIZE })) {
      const { records, rejects, held } = mapBatch(batch, mapper, tally, {
        ingestion: mapping.config.name,
        date: day,
        holdValueOnly,
      });
      rowsRead += batch.length;
      rowsLoaded += records.length;
      await load.appendRows(records as never);
      await load.appendRejects(rejects);
      await load.holdValueOnlyRows(held);
      ctx.onProgress?.({ kind: 'rows', mapping: mapping.config.name, day, rows: batch.length });
    }
    if (rowsRead === 0) await checkEmptyDayText(mapping, connector, query, filter);
    rowsLoaded -= await rejectRatioRows(load, mapper.metricsToRecheck(), tally);
    const [stats] = await statsPending;
    return {
      load,
      base: { ...base, loadId: load.loadId },
      tally,
      rowsRead,
      rowsLoaded,
      stats,
      duplicates: mapper.duplicates(),
      columnar: false,
    };
  } catch (err) {
    await load.rollback();
    throw err;
  }
}

/**
 * Metrics that turned out to be ratios: their rows without a denominator leave the day for the
 * rejects (as received). Returns how many rows left.
 */
async function rejectRatioRows(load: DayLoad, metrics: string[], tally: RejectTally): Promise<number> {
  let moved = 0;
  for (const metric of metrics) {
    const n = await load.rejectNullDenominators([metric], nullDenominatorReason);
    const reason = nullDenominatorReason(metric);
    if (n) tally.add({ column: 'denominator', rule: 'denominator.null_in_ratio', reason }, n);
    moved += n;
  }
  return moved;
}

/** Whether a metric of this mapping can turn out to be a ratio: it maps both numerator and denominator. */
function ratioPossible(mapping: LoadedMapping): boolean {
  if (mapping.config.dataset !== 'metrics') return false;
  const { numerator, denominator } = (mapping.config as MetricsMapping).columns;
  return numerator !== undefined && denominator !== undefined;
}

/** Where a batch's rows belong, and whether value-only rows are kept in case their metric is a ratio. */
interface BatchContext {
  ingestion: string;
  date: string;
  holdValueOnly: boolean;
}

/** Maps one streamed batch: the rows to load, the rejects (counted in `tally`) and the held value-only rows. */
function mapBatch(
  batch: Row[],
  mapper: DayMapper,
  tally: RejectTally,
  { ingestion, date, holdValueOnly }: BatchContext,
) {
  const records = [];
  const rejects: RejectRecord[] = [];
  const held: HeldValueOnlyRow[] = [];
  for (const row of batch) {
    const mapped = mapper.map(row);
    if (mapped === null) continue;
    if (mapped.ok) {
      records.push(mapped.record);
      // Should its metric turn out to be a ratio, the row is rejected as received (every column).
      const m = mapped.record as MetricRecord;
      if (holdValueOnly && m.denominator === null) held.push({ metric: m.metric_name, row: rowJson(row) });
    } else {
      tally.add(mapped.problem);
      rejects.push({ ingestion, date, row: rowJson(row), ...mapped.problem });
    }
  }
  return { records, rejects, held };
}
