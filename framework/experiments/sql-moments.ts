/**
 * Step 5 of seed 004, its SQL half: group-level summary statistics. For one rollup, this
 * query turns the unit-level values of `windowed_metrics_<experiment>` into per-period,
 * per-metric, per-group moments (count, means, variances, covariances), after winsorizing
 * unit values at percentiles pooled over the groups and joining the pre-exposure values
 * CUPED needs. All heavy aggregation happens here, in the warehouse; statistics.ts turns
 * the moments into lifts, intervals and p-values.
 */
import type { ResolvedMetric } from './model.js';
import type { Rollup } from './names.js';
import type { ExperimentDialect } from './dialect.js';
import { dateLit, type SqlContext } from './sql-context.js';

/** One row of the moments query. */
export interface GroupMoments {
  period: string | number;
  metric_name: string;
  group_name: string;
  n: number;
  mean_y: number;
  var_y: number | null;
  mean_x: number;
  var_x: number | null;
  cov_xy: number | null;
  /** The pre-exposure covariate: numerator (pre) and denominator (pre_x) of the same metric. */
  mean_pre: number;
  var_pre: number | null;
  cov_y_pre: number | null;
  mean_pre_x: number;
  var_pre_x: number | null;
  cov_pre_pre_x: number | null;
  cov_y_pre_x: number | null;
  cov_x_pre: number | null;
  cov_x_pre_x: number | null;
  upper_cap: number | null;
  lower_cap: number | null;
  /** Pooled over the period's groups: mean and variance of the covariate, covariance with y. */
  pooled_mean_pre: number;
  pooled_var_pre: number | null;
  pooled_cov_y_pre: number | null;
  pooled_mean_y: number;
  pooled_mean_x: number;
  pooled_mean_pre_x: number;
  pooled_var_pre_x: number | null;
  pooled_cov_pre_pre_x: number | null;
  pooled_cov_y_pre_x: number | null;
  pooled_cov_x_pre: number | null;
  pooled_cov_x_pre_x: number | null;
}

const ROLLUP_COLUMNS: Record<Rollup, { period: string; y: string; x: string }> = {
  daily: { period: 'w.day', y: 'w.day_numerator', x: 'w.day_denominator' },
  cumulative: { period: 'w.day', y: 'w.cum_numerator', x: 'w.cum_denominator' },
  '7day': { period: 'w.day', y: 'w.numerator_7day', x: 'w.denominator_7day' },
  days_since_exposure: { period: 'w.days_since_exposure', y: 'w.day_numerator', x: 'w.day_denominator' },
};

/**
 * Per period and winsorized metric: the caps of the unit values and, for CUPED, the same
 * percentiles of the pre-exposure covariate (an uncapped covariate's outliers would swamp
 * theta), each over the pooled groups (percentile_cont; over non-zero values only when asked).
 */
function capsSql(dialect: ExperimentDialect, metrics: ResolvedMetric[]): string | null {
  const parts = metrics
    .filter((m) => m.winsorize)
    .map((m) => {
      const w = m.winsorize!;
      const of = (column: string) => (w.excludeZeros ? `CASE WHEN ${column} <> 0 THEN ${column} END` : column);
      const pre = (p: number | null) => (m.cuped ? p : null);
      return dialect.percentiles({
        from: 'counted',
        where: `metric_name = ${dialect.literal(m.name)}`,
        groupBy: ['period', 'metric_name'],
        columns: [
          { name: 'upper_cap', p: w.upper, value: of('y') },
          { name: 'lower_cap', p: w.lower, value: of('y') },
          { name: 'pre_upper_cap', p: pre(w.upper), value: of('pre') },
          { name: 'pre_lower_cap', p: pre(w.lower), value: of('pre') },
        ],
      });
    });
  return parts.length ? parts.join('\nUNION ALL\n') : null;
}

/** `value` limited to [lower, upper] where those caps are set. */
function capped(value: string, upper: string, lower: string): string {
  return `CASE WHEN ${upper} IS NOT NULL AND ${value} > ${upper} THEN ${upper} WHEN ${lower} IS NOT NULL AND ${value} < ${lower} THEN ${lower} ELSE ${value} END`;
}

/**
 * `capped`: unit values and CUPED covariates after winsorization (and the caps CTE it needs, when any metric is
 * winsorized).
 */
function cappedSql(dialect: ExperimentDialect, caps: string | null): string {
  if (!caps) {
    const none = `CAST(NULL AS ${dialect.types.double})`;
    return `capped AS (
  SELECT period, metric_name, group_name, x, pre_x, ${none} AS upper_cap, ${none} AS lower_cap, y, pre FROM counted
),`;
  }
  return `caps AS (${caps}),
capped AS (
  SELECT c.period, c.metric_name, c.group_name, c.x, c.pre_x, k.upper_cap, k.lower_cap,
    ${capped('c.y', 'k.upper_cap', 'k.lower_cap')} AS y,
    ${capped('c.pre', 'k.pre_upper_cap', 'k.pre_lower_cap')} AS pre
  FROM counted c LEFT JOIN caps k ON k.period = c.period AND k.metric_name = c.metric_name
),`;
}

/**
 * The moments of `rollup` for `metrics`; date rollups only for periods in [from, to] when
 * given (days-since-exposure is always computed whole: later days add units to every period).
 */
export function momentsSql(
  ctx: SqlContext,
  rollup: Rollup,
  metrics: ResolvedMetric[],
  range?: { from: string; to: string },
): string {
  const c = ROLLUP_COLUMNS[rollup];
  const { ident, literal, types, covarSamp: cov } = ctx.dialect;
  const names = metrics.map((m) => literal(m.name)).join(', ');
  const sumKind = metrics.filter((m) => m.kind === 'sum').map((m) => literal(m.name));
  const cuped = metrics.filter((m) => m.cuped).map((m) => literal(m.name));
  const periodFilter =
    range && rollup !== 'days_since_exposure'
      ? `AND w.day BETWEEN ${dateLit(range.from)} AND ${dateLit(range.to)}`
      : '';
  const caps = capsSql(ctx.dialect, metrics);
  const preOf = (column: string) =>
    cuped.length ? `CASE WHEN w.metric_name IN (${cuped.join(', ')}) THEN COALESCE(p.${column}, 0) ELSE 0 END` : '0';
  const preJoin = cuped.length
    ? `LEFT JOIN ${ident(ctx.tables.preExposure)} p ON p.metric_name = w.metric_name AND p.unit_id = w.unit_id`
    : '';
  return `WITH unit_values AS (
  SELECT ${c.period} AS period, w.metric_name, w.group_name, w.unit_id, ${c.y} AS y, ${c.x} AS x, CAST(${preOf('pre_numerator')} AS ${types.double}) AS pre,
    CAST(${preOf('pre_denominator')} AS ${types.double}) AS pre_x
  FROM ${ident(ctx.tables.windowedMetrics)} w ${preJoin}
  WHERE w.metric_name IN (${names}) ${periodFilter}
),
counted AS (
  SELECT * FROM unit_values WHERE ${sumKind.length ? `metric_name IN (${sumKind.join(', ')}) OR ` : ''}x > 0
),
${cappedSql(ctx.dialect, caps)}
pooled AS (
  SELECT period, metric_name, AVG(pre) AS pooled_mean_pre, VAR_SAMP(pre) AS pooled_var_pre, ${cov('y', 'pre')} AS pooled_cov_y_pre,
    AVG(y) AS pooled_mean_y, AVG(x) AS pooled_mean_x, AVG(pre_x) AS pooled_mean_pre_x, VAR_SAMP(pre_x) AS pooled_var_pre_x,
    ${cov('pre', 'pre_x')} AS pooled_cov_pre_pre_x, ${cov('y', 'pre_x')} AS pooled_cov_y_pre_x, ${cov('x', 'pre')} AS pooled_cov_x_pre, ${cov('x', 'pre_x')} AS pooled_cov_x_pre_x
  FROM capped GROUP BY period, metric_name
)
SELECT v.period, v.metric_name, v.group_name, COUNT(*) AS n,
  AVG(v.y) AS mean_y, VAR_SAMP(v.y) AS var_y, AVG(v.x) AS mean_x, VAR_SAMP(v.x) AS var_x, ${cov('v.y', 'v.x')} AS cov_xy,
  AVG(v.pre) AS mean_pre, VAR_SAMP(v.pre) AS var_pre, ${cov('v.y', 'v.pre')} AS cov_y_pre,
  AVG(v.pre_x) AS mean_pre_x, VAR_SAMP(v.pre_x) AS var_pre_x, ${cov('v.pre', 'v.pre_x')} AS cov_pre_pre_x,
  ${cov('v.y', 'v.pre_x')} AS cov_y_pre_x, ${cov('v.x', 'v.pre')} AS cov_x_pre, ${cov('v.x', 'v.pre_x')} AS cov_x_pre_x,
  MAX(v.upper_cap) AS upper_cap, MAX(v.lower_cap) AS lower_cap,
  MAX(p.pooled_mean_pre) AS pooled_mean_pre, MAX(p.pooled_var_pre) AS pooled_var_pre, MAX(p.pooled_cov_y_pre) AS pooled_cov_y_pre,
  MAX(p.pooled_mean_y) AS pooled_mean_y, MAX(p.pooled_mean_x) AS pooled_mean_x, MAX(p.pooled_mean_pre_x) AS pooled_mean_pre_x, MAX(p.pooled_var_pre_x) AS pooled_var_pre_x,
  MAX(p.pooled_cov_pre_pre_x) AS pooled_cov_pre_pre_x, MAX(p.pooled_cov_y_pre_x) AS pooled_cov_y_pre_x, MAX(p.pooled_cov_x_pre) AS pooled_cov_x_pre, MAX(p.pooled_cov_x_pre_x) AS pooled_cov_x_pre_x
FROM capped v JOIN pooled p ON p.period = v.period AND p.metric_name = v.metric_name
GROUP BY v.period, v.metric_name, v.group_name
ORDER BY v.period, v.metric_name, v.group_name`;
}
