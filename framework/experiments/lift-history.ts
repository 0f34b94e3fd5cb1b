/**
 * The cumulative relative lift of every treatment group, day by day since the experiment's
 * first day, read from `<experiment>_results_cumulative` (the charts' time series).
 */
import type { SqlExecutor } from '../store/types.js';
import { bookkeepingSql } from './bookkeeping-sql.js';
import { artifactNames } from './names.js';

export interface LiftPoint {
  day: string;
  metric: string;
  group: string;
  relLift: number | null;
  lower: number | null;
  upper: number | null;
  significant: boolean | null;
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const isoDay = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));

/** Every day's cumulative lift per metric and treatment group, oldest day first. */
export async function readLiftHistory(sql: SqlExecutor, experiment: string): Promise<LiftPoint[]> {
  const table = bookkeepingSql(sql).ident(artifactNames(experiment).results.cumulative);
  const rows = await sql.query<Record<string, unknown>>(
    `SELECT day, metric_name, group_name, rel_lift, rel_lift_ci_lower, rel_lift_ci_upper, significant FROM ${table} WHERE NOT is_control ORDER BY day, metric_name, group_name`,
  );
  return rows.map((r) => ({
    day: isoDay(r.day),
    metric: String(r.metric_name),
    group: String(r.group_name),
    relLift: num(r.rel_lift),
    lower: num(r.rel_lift_ci_lower),
    upper: num(r.rel_lift_ci_upper),
    significant: r.significant === null ? null : Boolean(r.significant),
  }));
}
