/**
 * The columnar stage: one export for all the days (a group of metrics days, or one events
 * day), one open load per day. Each day goes to `finish` (the outcome stage) as soon as it is
 * whole, while the other days still load; on failure every load not finished yet is rolled
 * back (a committed one is left as it is).
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
  { plan, bases }: { plan: DayPlan & { columnar: ColumnarPlan }; bases: LedgerEntry[] },
  finish: (staged: StagedDay) => Promise<void>,
): Promise<void> {
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
    await runColumnarDays(
      columnar,
      loads,
      { query: querySpec(mapping), filters },
      {
        onRows: (day, rows) =>
          ctx.onProgress?.({ kind: 'rows', mapping: mapping.config.name, day: bases[day].date, rows }),
        // Only a text day column can leave days empty by holding no date: then no day is
        // committed before the export has ended and the empty days are checked.
        exported: filters.some((f) => f.columnType === 'string')
          ? async (empty) => {
              if (empty.length === 0) return;
              const connector = await ctx.connectors.get(mapping.config.source);
              await checkEmptyDayText(mapping, connector, querySpec(mapping), filters[empty[0]]);
            }
          : undefined,
        loaded: (i, done) => {
          const tally = new RejectTally();
          for (const { problem, n } of done.problems) tally.add(problem, n);
          return finish({
            load: loads[i],
            base: { ...bases[i], loadId: loads[i].loadId },
            tally,
            rowsRead: done.rowsRead,
            rowsLoaded: done.rowsLoaded,
            stats: columnar.exporter.dayStats(bases[i].date, done.rowsRead, done.fingerprintSum),
            duplicates: done.duplicates,
            columnar: true,
          });
        },
      },
    );
  } catch (err) {
    for (const load of loads) await load.rollback();
    throw err;
  }
}
