/**
 * Steps 2 and 3 of seed 004: annotate the metric sources with exposure data (join each row to
 * its unit's first exposure, keeping only what happened at or after it) and create the
 * metric-user-day staging data (`<experiment>_user_level_aggregations`): one row per metric,
 * unit and day with a numerator and a denominator. Also the pre-exposure aggregations that
 * CUPED uses and the funnel staging table.
 *
 * Numerator/denominator per metric: sum → (Σ value, row count); mean → (Σ value, row count);
 * ratio → (Σ numerator of rows with a denominator, Σ denominator); event count → (events,
 * events); event sum → (Σ numeric event_value, events); funnel → (units completing the last
 * step that day, units reaching the first step that day).
 */
import type { FunnelMetric } from '../config/types.js';
import type { ResolvedMetric } from './model.js';
import { createTableSql, dateLit, eventUnit, type SqlContext } from './sql-context.js';
import { internalError } from '../diagnostics/errors.js';

const STAGING_COLUMNS =
  'metric_name, unit_id, group_name, day, exposure_day, days_since_exposure, numerator, denominator';

/** Exposed units that take part in the analysis (not flagged), as `f`. */
function exposed(ctx: SqlContext): string {
  return `(SELECT * FROM ${ctx.dialect.ident(ctx.tables.firstExposures)} WHERE NOT multiple_groups) AS f`;
}

/** Rows of the staging table for one metric and the days [from, to]. */
export function stagingSelectSql(ctx: SqlContext, metric: ResolvedMetric, from: string, to: string): string {
  const m = metric.config;
  const range = `BETWEEN ${dateLit(from)} AND ${dateLit(to)}`;
  const name = ctx.dialect.literal(metric.name);
  if (m.source === 'metrics') {
    const [num, den] =
      m.aggregation === 'ratio'
        ? ['SUM(CASE WHEN m.denominator IS NOT NULL THEN m.numerator END)', 'SUM(m.denominator)']
        : ['SUM(m.metric_value)', 'COUNT(m.metric_value)'];
    return `SELECT ${name} AS metric_name, f.unit_id, f.group_name, m.${ctx.dialect.ident('date')} AS day, f.exposure_day,
  ${ctx.dialect.dayDiff(`m.${ctx.dialect.ident('date')}`, 'f.exposure_day')} AS days_since_exposure,
  COALESCE(${num}, 0) AS numerator, COALESCE(${den}, 0) AS denominator
FROM ${ctx.inputs.metrics} m JOIN ${exposed(ctx)} ON f.unit_id = m.unit_id
WHERE m.ingestion = ${ctx.dialect.literal(m.ingestion)} AND m.metric_name = ${ctx.dialect.literal(m.metricName ?? m.name)} AND m.id_type = ${ctx.dialect.literal(ctx.experiment.idType)}
  AND m.${ctx.dialect.ident('date')} >= f.exposure_day AND m.${ctx.dialect.ident('date')} ${range}
GROUP BY f.unit_id, f.group_name, m.${ctx.dialect.ident('date')}, f.exposure_day`;
  }
  if (m.source === 'events') {
    const num = m.aggregation === 'count' ? 'COUNT(*)' : `SUM(${ctx.dialect.numericOrNull('e.event_value')})`;
    return `SELECT ${name} AS metric_name, f.unit_id, f.group_name, e.day, f.exposure_day,
  ${ctx.dialect.dayDiff('e.day', 'f.exposure_day')} AS days_since_exposure,
  COALESCE(${num}, 0) AS numerator, COUNT(*) AS denominator
FROM ${ctx.inputs.events} e JOIN ${exposed(ctx)} ON f.unit_id = ${eventUnit(ctx)}
WHERE e.ingestion = ${ctx.dialect.literal(m.ingestion)} AND e.event_name = ${ctx.dialect.literal(m.eventName)}
  AND e.${ctx.dialect.ident('timestamp')} >= f.first_exposure_time AND e.day ${range}
GROUP BY f.unit_id, f.group_name, e.day, f.exposure_day`;
  }
  const last = m.steps.length;
  return `SELECT ${name} AS metric_name, fu.unit_id, fu.group_name, fu.reached_day AS day, f.exposure_day,
  ${ctx.dialect.dayDiff('fu.reached_day', 'f.exposure_day')} AS days_since_exposure,
  SUM(CASE WHEN fu.step = ${last} THEN 1 ELSE 0 END) AS numerator, SUM(CASE WHEN fu.step = 1 THEN 1 ELSE 0 END) AS denominator
FROM ${ctx.dialect.ident(ctx.tables.funnelEvents)} fu JOIN ${exposed(ctx)} ON f.unit_id = fu.unit_id
WHERE fu.metric_name = ${name} AND fu.step IN (1, ${last}) AND fu.reached_day ${range}
GROUP BY fu.unit_id, fu.group_name, fu.reached_day, f.exposure_day`;
}

/** DDL of `<experiment>_user_level_aggregations`. */
export function createStagingSql(ctx: SqlContext): string {
  return createTableSql(ctx, ctx.tables.userLevelAggregations, [
    ['metric_name', 'string'],
    ['unit_id', 'string'],
    ['group_name', 'string'],
    ['day', 'date'],
    ['exposure_day', 'date'],
    ['days_since_exposure', 'integer'],
    ['numerator', 'double'],
    ['denominator', 'double'],
  ]);
}

/** Appends one metric's staging rows of the days [from, to]. */
export function insertStagingSql(ctx: SqlContext, metric: ResolvedMetric, from: string, to: string): string {
  return `INSERT INTO ${ctx.dialect.ident(ctx.tables.userLevelAggregations)} (${STAGING_COLUMNS}) ${stagingSelectSql(ctx, metric, from, to)}`;
}

/** DDL of `<experiment>_user_level_aggregations_for_pre_exposure_data`. */
export function createPreExposureSql(ctx: SqlContext): string {
  return createTableSql(ctx, ctx.tables.preExposure, [
    ['metric_name', 'string'],
    ['unit_id', 'string'],
    ['group_name', 'string'],
    ['exposure_day', 'date'],
    ['pre_numerator', 'double'],
    ['pre_denominator', 'double'],
  ]);
}

/**
 * Pre-exposure numerator and denominator for CUPED of units first exposed in [from, to]: the
 * metric over the `days` days before the exposure day (events: before the exposure instant,
 * within those days), aggregated as the metric itself is.
 */
export function insertPreExposureSql(
  ctx: SqlContext,
  metric: ResolvedMetric,
  days: number,
  { from, to }: { from: string; to: string },
): string {
  const m = metric.config;
  const head = `INSERT INTO ${ctx.dialect.ident(ctx.tables.preExposure)} (metric_name, unit_id, group_name, exposure_day, pre_numerator, pre_denominator)`;
  const units = `f.exposure_day BETWEEN ${dateLit(from)} AND ${dateLit(to)}`;
  if (m.source === 'metrics') {
    const [num, den] =
      m.aggregation === 'ratio'
        ? ['SUM(CASE WHEN m.denominator IS NOT NULL THEN m.numerator END)', 'SUM(m.denominator)']
        : ['SUM(m.metric_value)', 'COUNT(m.metric_value)'];
    return `${head} SELECT ${ctx.dialect.literal(metric.name)}, f.unit_id, f.group_name, f.exposure_day, COALESCE(${num}, 0), COALESCE(${den}, 0)
FROM ${ctx.inputs.metrics} m JOIN ${exposed(ctx)} ON f.unit_id = m.unit_id
WHERE ${units} AND m.ingestion = ${ctx.dialect.literal(m.ingestion)} AND m.metric_name = ${ctx.dialect.literal(m.metricName ?? m.name)} AND m.id_type = ${ctx.dialect.literal(ctx.experiment.idType)}
  AND m.${ctx.dialect.ident('date')} BETWEEN ${ctx.dialect.addDays('f.exposure_day', -days)} AND ${ctx.dialect.addDays('f.exposure_day', -1)}
GROUP BY f.unit_id, f.group_name, f.exposure_day`;
  }
  if (m.source === 'events') {
    const value = m.aggregation === 'count' ? 'COUNT(*)' : `SUM(${ctx.dialect.numericOrNull('e.event_value')})`;
    return `${head} SELECT ${ctx.dialect.literal(metric.name)}, f.unit_id, f.group_name, f.exposure_day, COALESCE(${value}, 0), COUNT(*)
FROM ${ctx.inputs.events} e JOIN ${exposed(ctx)} ON f.unit_id = ${eventUnit(ctx)}
WHERE ${units} AND e.ingestion = ${ctx.dialect.literal(m.ingestion)} AND e.event_name = ${ctx.dialect.literal(m.eventName)}
  AND e.day >= ${ctx.dialect.addDays('f.exposure_day', -days)} AND e.${ctx.dialect.ident('timestamp')} < f.first_exposure_time
GROUP BY f.unit_id, f.group_name, f.exposure_day`;
  }
  throw internalError(`CUPED does not apply to funnel metric ${metric.name}`);
}

/** DDL of `<experiment>_funnel_events`. */
export function createFunnelEventsSql(ctx: SqlContext): string {
  return createTableSql(ctx, ctx.tables.funnelEvents, [
    ['metric_name', 'string'],
    ['unit_id', 'string'],
    ['group_name', 'string'],
    ['step', 'integer'],
    ['event_name', 'string'],
    ['reached_at', 'timestamp'],
    ['reached_day', 'date'],
  ]);
}

/**
 * Restates one funnel's rows of `<experiment>_funnel_events`: for each unit, when it first
 * reached each step at or after reaching the previous one (the first step: at or after its
 * exposure), up to `through`. Later data never changes an earlier step time, so restating
 * and appending agree.
 */
export function insertFunnelEventsSql(ctx: SqlContext, metric: ResolvedMetric, through: string): string {
  const m = metric.config as FunnelMetric;
  const steps = m.steps.map((event, i) => {
    const prev = i === 0 ? `${exposed(ctx)}` : `s${i} AS f`;
    const after = i === 0 ? 'f.first_exposure_time' : 'f.reached_at';
    return `s${i + 1} AS (SELECT f.unit_id, f.group_name, MIN(e.${ctx.dialect.ident('timestamp')}) AS reached_at, MIN(e.day) AS reached_day
  FROM ${ctx.inputs.events} e JOIN ${prev} ON f.unit_id = ${eventUnit(ctx)}
  WHERE e.ingestion = ${ctx.dialect.literal(m.ingestion)} AND e.event_name = ${ctx.dialect.literal(event)} AND e.${ctx.dialect.ident('timestamp')} >= ${after} AND e.day <= ${dateLit(through)}
  GROUP BY f.unit_id, f.group_name)`;
  });
  const rows = m.steps.map(
    (event, i) =>
      `SELECT ${ctx.dialect.literal(metric.name)}, unit_id, group_name, ${i + 1}, ${ctx.dialect.literal(event)}, reached_at, reached_day FROM s${i + 1}`,
  );
  return `INSERT INTO ${ctx.dialect.ident(ctx.tables.funnelEvents)} (metric_name, unit_id, group_name, step, event_name, reached_at, reached_day)
WITH ${steps.join(',\n')}
${rows.join('\nUNION ALL\n')}`;
}
