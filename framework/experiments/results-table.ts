/**
 * `<experiment>_results_<rollup>`: the statistics of each period, metric and group, one row
 * per group (the control's row has no lift). Rows are computed from the moments query
 * (statistics.ts) and written as literals, identical on every dialect.
 */
import type { SqlExecutor } from '../store/types.js';
import type { ResolvedExperiment } from './model.js';
import type { Rollup } from './names.js';
import { createTableSql, dateLit, type ColumnType, type SqlContext } from './sql-context.js';
import type { GroupMoments } from './sql-moments.js';
import { compare, estimateGroup } from './statistics.js';

/** One row of a results table. */
export interface ResultRow {
  period: string | number;
  metric_name: string;
  metric_kind: string;
  group_name: string;
  is_control: boolean;
  units: number;
  mean: number;
  raw_mean: number;
  variance: number | null;
  std_error: number | null;
  control_mean: number | null;
  abs_lift: number | null;
  abs_lift_ci_lower: number | null;
  abs_lift_ci_upper: number | null;
  rel_lift: number | null;
  rel_lift_ci_lower: number | null;
  rel_lift_ci_upper: number | null;
  /** p-value of the absolute lift; `significant` follows it. */
  p_value: number | null;
  /** p-value of the relative lift (delta method), which its interval matches. */
  rel_p_value: number | null;
  significant: boolean | null;
  degrees_of_freedom: number | null;
  cuped_theta: number | null;
  winsorize_upper_cap: number | null;
  winsorize_lower_cap: number | null;
}

const NUMBER_COLUMNS = [
  'units',
  'mean',
  'raw_mean',
  'variance',
  'std_error',
  'control_mean',
  'abs_lift',
  'abs_lift_ci_lower',
  'abs_lift_ci_upper',
  'rel_lift',
  'rel_lift_ci_lower',
  'rel_lift_ci_upper',
  'p_value',
  'rel_p_value',
] as const;
const TAIL_COLUMNS = ['degrees_of_freedom', 'cuped_theta', 'winsorize_upper_cap', 'winsorize_lower_cap'] as const;

/** The period column of a rollup's results table. */
export function periodColumn(rollup: Rollup): 'day' | 'days_since_exposure' {
  return rollup === 'days_since_exposure' ? 'days_since_exposure' : 'day';
}

/** DDL of one rollup's results table. */
export function createResultsSql(ctx: SqlContext, rollup: Rollup): string {
  const period: [string, ColumnType] =
    rollup === 'days_since_exposure' ? ['days_since_exposure', 'integer'] : ['day', 'date'];
  return createTableSql(ctx, ctx.tables.results[rollup], [
    period,
    ['metric_name', 'string'],
    ['metric_kind', 'string'],
    ['group_name', 'string'],
    ['is_control', 'boolean'],
    ...NUMBER_COLUMNS.map((c): [string, ColumnType] => [c, c === 'units' ? 'bigint' : 'double']),
    ['significant', 'boolean'],
    ...TAIL_COLUMNS.map((c): [string, ColumnType] => [c, 'double']),
  ]);
}

/** Result rows from the moments of one rollup: each group's estimate and its comparison with control. */
export function resultRows(experiment: ResolvedExperiment, moments: GroupMoments[]): ResultRow[] {
  const byKey = new Map<string, GroupMoments[]>();
  for (const m of moments) {
    const key = `${m.period}\u0000${m.metric_name}`;
    byKey.set(key, [...(byKey.get(key) ?? []), m]);
  }
  const rows: ResultRow[] = [];
  for (const group of byKey.values()) {
    const metric = experiment.metrics.find((x) => x.name === group[0].metric_name);
    if (!metric) continue;
    const estimates = new Map(group.map((m) => [m.group_name, { m, e: estimateGroup(m, metric.kind, metric.cuped) }]));
    const control = estimates.get(experiment.control);
    for (const { m, e } of estimates.values()) {
      const isControl = m.group_name === experiment.control;
      const c =
        !isControl && control ? compare(e, control.e, experiment.significanceLevel, experiment.statisticalTest) : null;
      rows.push({
        period: m.period,
        metric_name: m.metric_name,
        metric_kind: metric.config.source === 'funnel' ? 'funnel' : metric.config.aggregation,
        group_name: m.group_name,
        is_control: isControl,
        units: m.n,
        mean: e.mean,
        raw_mean: e.rawMean,
        variance: e.variance,
        std_error: e.variance === null ? null : Math.sqrt(e.variance / e.n),
        control_mean: control ? control.e.mean : null,
        abs_lift: c?.absLift ?? null,
        abs_lift_ci_lower: c?.absLower ?? null,
        abs_lift_ci_upper: c?.absUpper ?? null,
        rel_lift: c?.relLift ?? null,
        rel_lift_ci_lower: c?.relLower ?? null,
        rel_lift_ci_upper: c?.relUpper ?? null,
        p_value: c?.pValue ?? null,
        rel_p_value: c?.relPValue ?? null,
        significant: c ? c.significant : null,
        degrees_of_freedom: c?.df ?? null,
        cuped_theta: e.theta,
        winsorize_upper_cap: m.upper_cap,
        winsorize_lower_cap: m.lower_cap,
      });
    }
  }
  return rows;
}

function num(v: number | null): string {
  return v === null || !Number.isFinite(v) ? 'NULL' : String(v);
}

function rowSql(ctx: SqlContext, rollup: Rollup, r: ResultRow): string {
  const literal = ctx.dialect.literal;
  const period = rollup === 'days_since_exposure' ? String(Number(r.period)) : dateLit(String(r.period));
  const numbers = NUMBER_COLUMNS.map((c) => num(r[c]));
  const tail = TAIL_COLUMNS.map((c) => num(r[c]));
  const sig = r.significant === null ? 'NULL' : r.significant ? 'TRUE' : 'FALSE';
  return `(${period}, ${literal(r.metric_name)}, ${literal(r.metric_kind)}, ${literal(r.group_name)}, ${r.is_control ? 'TRUE' : 'FALSE'}, ${numbers.join(', ')}, ${sig}, ${tail.join(', ')})`;
}

/** Appends rows to a rollup's results table in batches. */
export async function insertResults(
  sql: SqlExecutor,
  ctx: SqlContext,
  rollup: Rollup,
  rows: ResultRow[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    const values = rows.slice(i, i + 500).map((r) => rowSql(ctx, rollup, r));
    await sql.exec(`INSERT INTO ${ctx.dialect.ident(ctx.tables.results[rollup])} VALUES ${values.join(',\n')}`);
  }
}
