/**
 * An independent reference for the pipeline's statistics, computed from raw rows per unit in
 * plain TypeScript (no SQL, no moments): unit values, percentile caps, CUPED-adjusted unit
 * values, delta-method linearized unit values, then Welch's test on those. It shares no code
 * with the pipeline's statistics: the t distribution comes from the test-local high-precision
 * reference (high-precision.ts).
 */
import { addDays } from '../../framework/util/time.js';
import { exact, tTwoSidedCritical, tTwoSidedP } from './high-precision.js';
import type { SyntheticData } from './synthetic.js';

export interface RefMetric {
  name: string;
  source: 'metrics' | 'events';
  metricName: string;
  aggregation: 'sum' | 'mean' | 'ratio' | 'count';
  winsorizeUpper?: number;
  /** Percentiles over the non-zero values only. */
  winsorizeExcludeZeros?: boolean;
  cuped: boolean;
}

export interface RefGroup {
  n: number;
  mean: number;
  variance: number;
}

export interface RefComparison {
  control: RefGroup;
  test: RefGroup;
  absLift: number;
  absLower: number;
  absUpper: number;
  relLift: number;
  relLower: number;
  relUpper: number;
  pValue: number;
  /** p-value of the relative lift over its delta-method standard error. */
  relPValue: number;
}

interface Unit {
  id: string;
  group: string;
  time: string;
  day: string;
}

export function referenceExposures(data: SyntheticData, start: string, through: string): Unit[] {
  const seen = new Map<string, { first: Unit; groups: Set<string> }>();
  for (const e of data.events) {
    if (e.event_name !== 'exposure' || e.day < start || e.day > through) continue;
    const u = seen.get(e.user_id);
    const unit = { id: e.user_id, group: e.event_value!, time: e.timestamp, day: e.day };
    if (!u) seen.set(e.user_id, { first: unit, groups: new Set([unit.group]) });
    else {
      u.groups.add(unit.group);
      if (unit.time < u.first.time) u.first = unit;
    }
  }
  return [...seen.values()].filter((u) => u.groups.size === 1).map((u) => u.first);
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const variance = (xs: number[]) => {
  const m = mean(xs);
  return xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1);
};
const covariance = (xs: number[], ys: number[]) => {
  const mx = mean(xs);
  const my = mean(ys);
  return xs.reduce((s, x, i) => s + (x - mx) * (ys[i] - my), 0) / (xs.length - 1);
};

/** percentile_cont: linear interpolation between the closest ranks. */
export function percentileCont(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const pos = p * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Unit (y, x, pre) for the days [lo, hi] of each unit. */
function unitValues(
  data: SyntheticData,
  units: Unit[],
  metric: RefMetric,
  window: (u: Unit) => [string, string] | null,
  preDays: number,
) {
  const out: { group: string; y: number; x: number; pre: number; preX: number }[] = [];
  const byUnitMetrics = new Map<string, typeof data.metrics>();
  for (const m of data.metrics)
    if (m.metric_name === metric.metricName) byUnitMetrics.set(m.unit_id, [...(byUnitMetrics.get(m.unit_id) ?? []), m]);
  const byUnitEvents = new Map<string, typeof data.events>();
  for (const e of data.events)
    if (e.event_name === metric.metricName) byUnitEvents.set(e.user_id, [...(byUnitEvents.get(e.user_id) ?? []), e]);
  for (const u of units) {
    const w = window(u);
    if (!w) continue;
    const [lo, hi] = w;
    let y = 0;
    let x = 0;
    let pre = 0;
    let preX = 0;
    const preFrom = addDays(u.day, -preDays);
    if (metric.source === 'metrics') {
      for (const m of byUnitMetrics.get(u.id) ?? []) {
        if (m.date >= lo && m.date <= hi) {
          if (metric.aggregation === 'ratio') {
            if (m.denominator !== null && m.denominator !== undefined) {
              y += m.numerator ?? 0;
              x += m.denominator;
            }
          } else if (m.metric_value !== null) {
            y += m.metric_value;
            x += 1;
          }
        }
        if (m.date >= preFrom && m.date < u.day) {
          if (metric.aggregation === 'ratio') {
            if (m.denominator !== null && m.denominator !== undefined) {
              pre += m.numerator ?? 0;
              preX += m.denominator;
            }
          } else if (m.metric_value !== null) {
            pre += m.metric_value;
            preX += 1;
          }
        }
      }
    } else {
      for (const e of byUnitEvents.get(u.id) ?? []) {
        if (e.timestamp >= u.time && e.day >= lo && e.day <= hi) {
          y += 1;
          x += 1;
        }
        if (e.timestamp < u.time && e.day >= preFrom) {
          pre += 1;
          preX += 1;
        }
      }
    }
    const ratioKind = metric.aggregation === 'mean' || metric.aggregation === 'ratio';
    if (!ratioKind || x > 0)
      out.push({ group: u.group, y, x, pre: metric.cuped ? pre : 0, preX: metric.cuped ? preX : 0 });
  }
  return out;
}

export function referenceComparison(
  data: SyntheticData,
  units: Unit[],
  metric: RefMetric,
  window: (u: Unit) => [string, string] | null,
  alpha = 0.05,
  preDays = 7,
): RefComparison {
  let values = unitValues(data, units, metric, window, preDays);
  if (metric.winsorizeUpper !== undefined) {
    // The value and its CUPED covariate are each capped at the percentile of their own pooled values.
    const population = (xs: number[]) => (metric.winsorizeExcludeZeros ? xs.filter((x) => x !== 0) : xs);
    const cap = percentileCont(population(values.map((v) => v.y)), metric.winsorizeUpper);
    const preCap = metric.cuped
      ? percentileCont(population(values.map((v) => v.pre)), metric.winsorizeUpper)
      : Infinity;
    values = values.map((v) => ({ ...v, y: Math.min(v.y, cap), pre: Math.min(v.pre, preCap) }));
  }
  const ratioKind = metric.aggregation === 'mean' || metric.aggregation === 'ratio';
  let theta = 0;
  if (metric.cuped && !ratioKind) {
    const pres = values.map((v) => v.pre);
    theta =
      covariance(
        values.map((v) => v.y),
        pres,
      ) / variance(pres);
  }
  const preMean = mean(values.map((v) => v.pre));
  // Ratio CUPED: the pre-exposure ratio linearized around the pooled pre ratio, theta from
  // the pooled linearized post values.
  const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
  const preXbar = mean(values.map((v) => v.preX));
  const rPre = sum(values.map((v) => v.pre)) / sum(values.map((v) => v.preX));
  const P = (v: { pre: number; preX: number }) => (metric.cuped && preXbar > 0 ? (v.pre - rPre * v.preX) / preXbar : 0);
  let ratioTheta = 0;
  if (ratioKind && metric.cuped && preXbar > 0) {
    const xbar = mean(values.map((v) => v.x));
    const r = sum(values.map((v) => v.y)) / sum(values.map((v) => v.x));
    const pooledL = values.map((v) => (v.y - r * v.x) / xbar);
    const ps = values.map(P);
    ratioTheta = covariance(pooledL, ps) / variance(ps);
  }
  const groupOf = (g: string): RefGroup => {
    const vs = values.filter((v) => v.group === g);
    if (ratioKind) {
      const xbar = mean(vs.map((v) => v.x));
      const r = vs.reduce((s, v) => s + v.y, 0) / vs.reduce((s, v) => s + v.x, 0);
      const adjusted = vs.map((v) => (v.y - r * v.x) / xbar - ratioTheta * P(v));
      return { n: vs.length, mean: r + mean(adjusted), variance: variance(adjusted) };
    }
    const adjusted = vs.map((v) => v.y - theta * (v.pre - preMean));
    return { n: vs.length, mean: mean(adjusted), variance: variance(adjusted) };
  };
  const control = groupOf('control');
  const test = groupOf('test');
  const a = test.variance / test.n;
  const b = control.variance / control.n;
  const se = Math.sqrt(a + b);
  const df = (a + b) ** 2 / (a ** 2 / (test.n - 1) + b ** 2 / (control.n - 1));
  const crit = tTwoSidedCritical(alpha, df);
  const diff = test.mean - control.mean;
  const rel = diff / Math.abs(control.mean);
  const relSe = Math.sqrt(a / control.mean ** 2 + (test.mean ** 2 * b) / control.mean ** 4);
  return {
    control,
    test,
    absLift: diff,
    absLower: diff - crit * se,
    absUpper: diff + crit * se,
    relLift: rel,
    relLower: rel - crit * relSe,
    relUpper: rel + crit * relSe,
    pValue: tTwoSidedP(exact(Math.abs(diff / se)), exact(df)),
    relPValue: tTwoSidedP(exact(Math.abs(rel / relSe)), exact(df)),
  };
}
