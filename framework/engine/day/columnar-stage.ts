/**
 * The columnar stage: one export for all the days (a group of metrics days, or one events
 * day), one open load per day. Returns the days
 * uncommitted; on failure every load is rolled back.
 */
import type { LoadedMapping } from '../../config/project.js';
import type { DayLoad, LedgerEntry } from '../../store/types.js';
import { checkEmptyDayText } from '../day-column-check.js';
import { runColumnarDays, type ColumnarPlan } from '../metrics-columnar.js';
import { querySpec } from '../query-stage.js';
import { RejectTally } from '../reject-tally.js';
import type { EngineContext } from '../types.js';
import type { DayPlan } from './plan-stage.js';
import { waiting, type StagedDay } from './staged-day.js';

export async function loadColumnarDays(
  ctx: EngineContext,
  mapping: LoadedMapping,
  plan: DayPlan & { columnar: ColumnarPlan },
  bases: LedgerEntry[],
): Promise<StagedDay[]> {
  const { filters, columnar } = plan;
  const loads: DayLoad[] = [];
  try {
    for (const base of bases)
      loads.push(
        await ctx.store.beginDayLoad(
          { ingestion: mapping.config.name, dataset: mapping.config.dataset, date: base.date },
          waiting(ctx, mapping.config.name, base.date),
        ),
      );
    const results = await runColumnarDays(columnar, loads, { query: querySpec(mapping), filters }, (day, rows) =>
      ctx.onProgress?.({ kind: 'rows', mapping: mapping.config.name, day: bases[day].date, rows }),
    );
    const empty = results.findIndex((done) => done.rowsRead === 0);
    if (empty >= 0)
      await checkEmptyDayText(
        mapping,
        await ctx.connectors.get(mapping.config.source),
        querySpec(mapping),
        filters[empty],
      );
    return results.map((done, i) => {
      const tally = new RejectTally();
      for (const { problem, n } of done.problems) tally.add(problem, n);
      return {
        load: loads[i],
        base: { ...bases[i], loadId: loads[i].loadId },
        tally,
        rowsRead: done.rowsRead,
        rowsLoaded: done.rowsLoaded,
        stats: columnar.exporter.dayStats(bases[i].date, done.rowsRead, done.fingerprintSum),
        duplicates: done.duplicates,
        columnar: true,
      };
    });
  } catch (err) {
    for (const load of loads) await load.rollback();
    throw err;
  }
}
