/**
 * Step 4 of seed 004: intermediate rollups. `windowed_metrics_<experiment>` holds, for every
 * exposed unit, metric and day from its exposure day on (a dense grid, zero where the unit
 * had no data), the day's numerator and denominator, their running totals since exposure,
 * and their 7-day totals. Every results rollup reads this one table.
 */
import { createTableSql, dateLit, metricNames, type SqlContext } from './sql-context.js';

/** DDL of `windowed_metrics_<experiment>`. */
export function createWindowedSql(ctx: SqlContext): string {
  const numbers = [
    'day_numerator',
    'day_denominator',
    'cum_numerator',
    'cum_denominator',
    'numerator_7day',
    'denominator_7day',
  ];
  return createTableSql(ctx, ctx.tables.windowedMetrics, [
    ['metric_name', 'string'],
    ['unit_id', 'string'],
    ['group_name', 'string'],
    ['exposure_day', 'date'],
    ['day', 'date'],
    ['days_since_exposure', 'integer'],
    ...numbers.map((n): [string, 'double'] => [n, 'double']),
  ]);
}

/**
 * Appends the grid rows of the days [from, to] for `metrics`. The running totals are window
 * sums over the grid from each unit's exposure day, so rows written by earlier runs and rows
 * written now are the same as one run over all days would write.
 */
export function insertWindowedSql(
  ctx: SqlContext,
  metrics: string[],
  start: string,
  { from, to }: { from: string; to: string },
): string {
  const t = ctx.tables;
  const ident = ctx.dialect.ident;
  const w = (frame: string) =>
    `OVER (PARTITION BY g.metric_name, g.unit_id ORDER BY g.day ROWS BETWEEN ${frame} AND CURRENT ROW)`;
  return `INSERT INTO ${ident(t.windowedMetrics)}
SELECT metric_name, unit_id, group_name, exposure_day, day, days_since_exposure, day_numerator, day_denominator, cum_numerator, cum_denominator, numerator_7day, denominator_7day
FROM (
  SELECT g.metric_name, g.unit_id, g.group_name, g.exposure_day, g.day, ${ctx.dialect.dayDiff('g.day', 'g.exposure_day')} AS days_since_exposure,
    COALESCE(s.numerator, 0) AS day_numerator, COALESCE(s.denominator, 0) AS day_denominator,
    SUM(COALESCE(s.numerator, 0)) ${w('UNBOUNDED PRECEDING')} AS cum_numerator,
    SUM(COALESCE(s.denominator, 0)) ${w('UNBOUNDED PRECEDING')} AS cum_denominator,
    SUM(COALESCE(s.numerator, 0)) ${w('6 PRECEDING')} AS numerator_7day,
    SUM(COALESCE(s.denominator, 0)) ${w('6 PRECEDING')} AS denominator_7day
  FROM (
    SELECT mn.metric_name, f.unit_id, f.group_name, f.exposure_day, d.day
    FROM ${ident(t.firstExposures)} f
    CROSS JOIN ${metricNames(ctx, metrics)}
    JOIN (${ctx.dialect.daySeries(start, to)}) AS d ON d.day >= f.exposure_day
    WHERE NOT f.multiple_groups
  ) AS g
  LEFT JOIN ${ident(t.userLevelAggregations)} s ON s.metric_name = g.metric_name AND s.unit_id = g.unit_id AND s.day = g.day
) AS grid
WHERE day BETWEEN ${dateLit(from)} AND ${dateLit(to)}`;
}
