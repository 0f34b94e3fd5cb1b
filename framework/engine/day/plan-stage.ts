/**
 * The plan stage: the source's connector, the query's columns (described once per mapping
 * and run), the days' filters, and which path the days take (columnar or rows).
 */
import type { LoadedMapping } from '../../config/project.js';
import type { ColumnInfo, Connector, DayFilter } from '../../connectors/types.js';
import { zoneOrThrow, type Zone } from '../../util/time.js';
import { eventsColumnarPlan } from '../events-columnar.js';
import { columnarPlan, type ColumnarPlan } from '../metrics-columnar.js';
import { checkMappedColumns, dayFilter, querySpec } from '../query-stage.js';
import type { EngineContext } from '../types.js';
import { mappingOrThrow } from './mapping-lookup.js';
import { internalError } from '../../diagnostics/errors.js';

/**
 * Most days one columnar export covers: a month, so a long backfill asks the warehouse once per month instead of once
 * per day.
 */
export const COLUMNAR_GROUP_DAYS = 31;

/** What the plan stage found for a group of days. */
export interface DayPlan {
  connector: Connector;
  zone: Zone;
  /** One filter per day, in the days' order. */
  filters: DayFilter[];
  /** The columnar plan when the days take the columnar path, else null (the row path, one day). */
  columnar: ColumnarPlan | null;
}

/**
 * Plans the days of one load. `path.columnar` is set as soon as the path is known, so a
 * failure after this stage still reports the path it took.
 */
export async function planDays(
  ctx: EngineContext,
  mapping: LoadedMapping,
  days: string[],
  path: { columnar: boolean },
): Promise<DayPlan> {
  const zone = zoneOrThrow(ctx.project.settings.timeZone);
  const connector = await ctx.connectors.get(mapping.config.source);
  const columns = await describe(ctx, mapping, connector);
  checkMappedColumns(mapping, columns);
  const filters = days.map((day) => dayFilter(mapping, columns, day, zone));
  const plan = planFor(ctx, mapping, connector, columns);
  path.columnar = !!plan && (days.length === 1 || plan.multiDay);
  if (!path.columnar && days.length > 1)
    throw internalError(`${days.length} days of '${mapping.config.name}' cannot share one load`);
  return { connector, zone, filters, columnar: path.columnar ? plan : null };
}

/**
 * How many days of the mapping can load together through one export: COLUMNAR_GROUP_DAYS
 * when they can take the columnar path as a group (within the store's columnarGroupLimit
 * shared by the `concurrency` groups loading at once), else 1.
 */
export async function columnarGroupSize(ctx: EngineContext, mappingName: string, concurrency = 1): Promise<number> {
  const mapping = mappingOrThrow(ctx, mappingName);
  if (ctx.columnar === false || mapping.config.dataset !== 'metrics' || !ctx.store.columnarMetrics) return 1;
  try {
    const connector = await ctx.connectors.get(mapping.config.source);
    if (!connector.columnar) return 1;
    const multiDay = planFor(ctx, mapping, connector, await describe(ctx, mapping, connector))?.multiDay;
    const limit = ctx.store.columnarGroupLimit;
    const perGroup = limit === undefined ? COLUMNAR_GROUP_DAYS : Math.max(1, Math.floor(limit / concurrency));
    return multiDay ? Math.min(COLUMNAR_GROUP_DAYS, perGroup) : 1;
  } catch {
    // The day loads report the problem, one by one.
    return 1;
  }
}

/** The query's columns, described once per mapping and run. */
async function describe(ctx: EngineContext, mapping: LoadedMapping, connector: Connector): Promise<ColumnInfo[]> {
  let described = ctx.connectors.described.get(mapping.config.name);
  if (!described)
    ctx.connectors.described.set(mapping.config.name, (described = connector.describe(querySpec(mapping))));
  return described.catch((err) => {
    ctx.connectors.described.delete(mapping.config.name);
    throw err;
  });
}

/** How the mapping's days take the columnar path in this run, or null for the row path. */
function planFor(
  ctx: EngineContext,
  mapping: LoadedMapping,
  connector: Connector,
  columns: ColumnInfo[],
): ColumnarPlan | null {
  if (ctx.columnar === false) return null;
  const settings = ctx.project.settings;
  const zone = zoneOrThrow(settings.timeZone);
  if (mapping.config.dataset === 'events')
    return ctx.store.columnarEvents ? eventsColumnarPlan(mapping, connector, columns, zone) : null;
  if (!ctx.store.columnarMetrics) return null;
  return columnarPlan(mapping, connector, columns, { idTypes: settings.idTypes, zone });
}
