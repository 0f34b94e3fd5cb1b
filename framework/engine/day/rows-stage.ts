/**
 * The rows stage: one day's rows streamed from the connector in bounded batches, mapped and
 * validated one by one, and appended to an open day load. Returns the day uncommitted; on
 * failure the load is rolled back.
 */
import type { LoadedMapping } from '../../config/project.js';
import type { MetricsMapping } from '../../config/types.js';
import type { Row } from '../../connectors/types.js';
import type { RejectRecord } from '../../store/schema.js';
import type { LedgerEntry } from '../../store/types.js';
import { checkEmptyDayText } from '../day-column-check.js';
import { dayMapper, type DayMapper } from '../day-mapper.js';
import { nullDenominatorReason } from '../map-metrics.js';
import { querySpec } from '../query-stage.js';
import { ratioRejectRow } from '../ratio-reject-row.js';
import { RejectTally } from '../reject-tally.js';
import { rowJson } from '../row-values.js';
import type { EngineContext } from '../types.js';
import type { DayPlan } from './plan-stage.js';
import { waiting, type StagedDay } from './staged-day.js';

export const DEFAULT_BATCH_SIZE = 10_000;

export async function loadRowDay(ctx: EngineContext, mapping: LoadedMapping, plan: DayPlan, base: LedgerEntry): Promise<StagedDay> {
  const { connector, zone } = plan;
  const [filter] = plan.filters;
  const day = base.date;
  const query = querySpec(mapping);
  // The warehouse counts the day while its rows stream (another connection): no added wait.
  const load = await ctx.store.beginDayLoad({ ingestion: mapping.config.name, dataset: mapping.config.dataset, date: day }, waiting(ctx, mapping.config.name, day));
  // Count only unless the mapping's rechecks compare fingerprints: hashing every row costs the warehouse.
  const statsPending = connector.dayStats(query, [filter], { fingerprint: mapping.recheck.reloadOnFingerprintChange });
  statsPending.catch(() => undefined);
  const tally = new RejectTally();
  const mapper = dayMapper(mapping, day, zone, ctx.project.settings.idTypes);
  let rowsRead = 0;
  let rowsLoaded = 0;
  try {
    for await (const batch of connector.streamDay(query, filter, { batchSize: ctx.batchSize ?? DEFAULT_BATCH_SIZE })) {
      const { records, rejects } = mapBatch(batch, mapper, tally, { ingestion: mapping.config.name, date: day });
      rowsRead += batch.length;
      rowsLoaded += records.length;
      await load.appendRows(records as never);
      await load.appendRejects(rejects);
      ctx.onProgress?.({ kind: 'rows', mapping: mapping.config.name, day, rows: batch.length });
    }
    if (rowsRead === 0) await checkEmptyDayText(mapping, connector, query, filter);
    for (const metric of mapper.metricsToRecheck()) {
      const moved = await load.rejectNullDenominators([metric], nullDenominatorReason, ratioRejectRow((mapping.config as MetricsMapping).columns, day));
      if (moved) tally.add({ column: 'denominator', rule: 'denominator.null_in_ratio', reason: nullDenominatorReason(metric) }, moved);
      rowsLoaded -= moved;
    }
    const [stats] = await statsPending;
    return { load, base: { ...base, loadId: load.loadId }, tally, rowsRead, rowsLoaded, stats, duplicates: mapper.duplicates(), columnar: false };
  } catch (err) {
    await load.rollback();
    throw err;
  }
}

/** Maps one streamed batch: the rows to load, and the rejects (counted in `tally`). */
function mapBatch(batch: Row[], mapper: DayMapper, tally: RejectTally, where: { ingestion: string; date: string }) {
  const records = [];
  const rejects: RejectRecord[] = [];
  for (const row of batch) {
    const mapped = mapper.map(row);
    if (mapped === null) continue;
    if (mapped.ok) records.push(mapped.record);
    else {
      tally.add(mapped.problem);
      rejects.push({ ...where, row: rowJson(row), ...mapped.problem });
    }
  }
  return { records, rejects };
}
