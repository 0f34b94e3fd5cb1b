/**
 * Step 1 of seed 004: identify users' first exposures. Exposures are deduplicated to one row
 * per unit (its first exposure); a unit exposed to more than one group is kept, flagged
 * `multiple_groups`, and excluded from every later step. The exposures summary is the
 * timeseries of new units per group and day.
 */
import { dateLit, eventUnit, type SqlContext } from './sql-context.js';

/** Exposure rows (unit_id, group_name, exposure_time, exposure_day) with a day in [from, to]. */
export function exposureRowsSql(ctx: SqlContext, from: string, to: string): string {
  const { experiment, dialect } = ctx;
  const { literal, types } = dialect;
  const groups = experiment.groups.map((g) => literal(g.name)).join(', ');
  const inRange = `exposure_day BETWEEN ${dateLit(from)} AND ${dateLit(to)} AND group_name IN (${groups}) AND unit_id IS NOT NULL`;
  if (experiment.exposure.kind === 'sql') {
    const user = (experiment.exposureSql ?? '').trim().replace(/;\s*$/, '');
    return `SELECT * FROM (SELECT CAST(unit_id AS ${types.string}) AS unit_id, CAST(group_name AS ${types.string}) AS group_name, CAST(exposure_time AS TIMESTAMP) AS exposure_time, CAST(exposure_day AS DATE) AS exposure_day FROM (${user}) AS user_exposures) AS x WHERE ${inRange}`;
  }
  const source = experiment.exposure;
  const group =
    !source.groupFrom || source.groupFrom === 'event_value'
      ? 'e.event_value'
      : dialect.jsonText('e.event_metadata', source.groupFrom.metadataKey);
  const filters = Object.entries(source.metadata ?? {}).map(
    ([k, v]) => `AND ${dialect.jsonText('e.event_metadata', k)} = ${literal(v)}`,
  );
  return `SELECT * FROM (SELECT ${eventUnit(ctx)} AS unit_id, ${group} AS group_name, e.${dialect.ident('timestamp')} AS exposure_time, e.day AS exposure_day
  FROM ${ctx.inputs.events} e WHERE e.ingestion = ${literal(source.ingestion)} AND e.event_name = ${literal(source.eventName)} ${filters.join(' ')}) AS x WHERE ${inRange}`;
}

/** First exposure per unit among `exposures`; ties at the same instant resolve to the smaller group name. */
function firstExposuresSelect(exposures: string): string {
  return `WITH exposures AS (${exposures}),
per_unit AS (
  SELECT unit_id, MIN(exposure_time) AS first_exposure_time, MIN(exposure_day) AS exposure_day,
         COUNT(DISTINCT group_name) AS group_count, COUNT(*) AS exposure_count
  FROM exposures GROUP BY unit_id
),
first_group AS (
  SELECT e.unit_id, MIN(e.group_name) AS group_name
  FROM exposures e JOIN per_unit p ON p.unit_id = e.unit_id AND e.exposure_time = p.first_exposure_time
  GROUP BY e.unit_id
)
SELECT p.unit_id, f.group_name, p.first_exposure_time, p.exposure_day, p.exposure_count,
       p.group_count > 1 AS multiple_groups
FROM per_unit p JOIN first_group f ON f.unit_id = p.unit_id`;
}

/** Creates `<experiment>_first_exposures` from the exposures of [from, to] (full refresh). */
export function createFirstExposuresSql(ctx: SqlContext, from: string, to: string): string {
  return `CREATE TABLE ${ctx.dialect.ident(ctx.tables.firstExposures)} AS ${firstExposuresSelect(exposureRowsSql(ctx, from, to))}`;
}

/**
 * Exposures in [from, to] of units already in first_exposures with another group than their
 * recorded one: they would newly be flagged, which changes earlier results, so an incremental
 * refresh that finds any restates everything instead.
 */
export function conflictingExposuresSql(ctx: SqlContext, from: string, to: string): string {
  return `SELECT COUNT(DISTINCT x.unit_id) AS conflicts FROM (${exposureRowsSql(ctx, from, to)}) AS x
  JOIN ${ctx.dialect.ident(ctx.tables.firstExposures)} f ON f.unit_id = x.unit_id
  WHERE NOT f.multiple_groups AND x.group_name <> f.group_name`;
}

/** Appends units first exposed in [from, to] (units already present keep their first exposure). */
export function appendFirstExposuresSql(ctx: SqlContext, from: string, to: string): string {
  const table = ctx.dialect.ident(ctx.tables.firstExposures);
  const fresh = `SELECT x.* FROM (${exposureRowsSql(ctx, from, to)}) AS x WHERE NOT EXISTS (SELECT 1 FROM ${table} f WHERE f.unit_id = x.unit_id)`;
  return `INSERT INTO ${table} ${firstExposuresSelect(fresh)}`;
}

/**
 * Adds the exposures of [from, to] to the `exposure_count` of units already in
 * first_exposures (run before appending the units first exposed in those days, which count
 * their own exposures).
 */
export function refreshExposureCountsSql(ctx: SqlContext, from: string, to: string): string {
  return ctx.dialect.updateFrom({
    table: ctx.tables.firstExposures,
    alias: 'f',
    set: [['exposure_count', 'f.exposure_count + x.n']],
    source: `(SELECT unit_id, COUNT(*) AS n FROM (${exposureRowsSql(ctx, from, to)}) AS e GROUP BY unit_id) AS x`,
    on: 'f.unit_id = x.unit_id',
  });
}

/** Restates the exposures summary: new and cumulative units per group and exposure day, and flagged units. */
export function exposuresSummarySql(ctx: SqlContext): string {
  return `CREATE TABLE ${ctx.dialect.ident(ctx.tables.exposuresSummary)} AS
SELECT day, group_name, units, flagged_units,
       SUM(units) OVER (PARTITION BY group_name ORDER BY day ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cumulative_units
FROM (
  SELECT exposure_day AS day, group_name,
         COUNT(CASE WHEN NOT multiple_groups THEN 1 END) AS units,
         COUNT(CASE WHEN multiple_groups THEN 1 END) AS flagged_units
  FROM ${ctx.dialect.ident(ctx.tables.firstExposures)} GROUP BY exposure_day, group_name
) AS per_day`;
}
