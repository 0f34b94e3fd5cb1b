/**
 * Step 5 of seed 004, its arithmetic half: from per-group moments (sql-moments.ts) to each
 * group's mean and variance and its comparison with the control. Runs in TypeScript because
 * the Student-t distribution is not a SQL function in every warehouse; the inputs are a few
 * numbers per group, so nothing heavy happens here.
 *
 * - sum metrics: the mean of unit values; with CUPED, adjusted by theta = cov(y, x)/var(x)
 *   from the pooled groups: mean − θ(x̄_g − x̄), variance var(y) + θ²var(x) − 2θcov(y, x).
 * - ratio metrics (mean, ratio, funnel): R = ȳ/x̄ with the delta-method unit variance
 *   (var(y) − 2R·cov(x, y) + R²var(x)) / x̄²; CUPED on the linearized values (estimateRatio).
 * - against control: Welch's t test (Welch–Satterthwaite degrees of freedom) or, when the
 *   experiment asks for it, a z test; absolute lift with its interval, relative lift
 *   (test − control)/|control| with a delta-method standard error, the same critical value,
 *   and its own p-value. `significant` follows the absolute test's p-value.
 * - variances combined from terms that cancel (delta method, CUPED) are clamped at zero, and
 *   taken as zero when below 1e-10 of the terms' magnitude, so rounding noise that differs
 *   between engines never decides whether a test runs.
 */
import type { GroupMoments } from './sql-moments.js';
import { tCritical, twoSidedNormalP, twoSidedP, zCritical } from './distributions.js';
import type { MetricKind, StatisticalTest } from './model.js';

/** One group's estimate of a metric in one period. */
export interface GroupEstimate {
  n: number;
  /** The group's metric value (CUPED-adjusted when CUPED applies). */
  mean: number;
  /** The mean before CUPED adjustment. */
  rawMean: number;
  /** Unit-level variance (delta-method linearized for ratio metrics; CUPED-adjusted). */
  variance: number | null;
  theta: number | null;
}

/** A test group against the control. */
export interface Comparison {
  absLift: number;
  absLower: number;
  absUpper: number;
  relLift: number | null;
  relLower: number | null;
  relUpper: number | null;
  /** Two-sided p-value of the absolute lift; `significant` follows it. */
  pValue: number;
  /** Two-sided p-value of the relative lift (delta method), beside its interval. */
  relPValue: number | null;
  /** Welch–Satterthwaite degrees of freedom; null for a z test. */
  df: number | null;
  significant: boolean;
}

/**
 * Below this fraction of the magnitude of the terms it is combined from, a variance is
 * rounding noise: the moments come from the engines with relative errors around 1e-13
 * (DuckDB and PostgreSQL round var_samp and covar_samp differently), so a smaller
 * remainder cannot be told apart from zero.
 */
export const ZERO_VARIANCE_TOLERANCE = 1e-10;

/** The sum of `terms` and the rounding noise it carries (ZERO_VARIANCE_TOLERANCE of their magnitude). */
function sumWithNoise(terms: number[]): { sum: number; noise: number } {
  return {
    sum: terms.reduce((s, t) => s + t, 0),
    noise: ZERO_VARIANCE_TOLERANCE * terms.reduce((s, t) => s + Math.abs(t), 0),
  };
}

/** A variance summed from `terms`: 0 when it is negative or rounding noise, else the sum. */
export function combinedVariance(terms: number[]): number {
  const { sum, noise } = sumWithNoise(terms);
  return sum <= noise ? 0 : sum;
}

const clamp = (v: number | null): number | null => (v === null ? null : combinedVariance([v]));

/** A covariance summed from `terms` that cancel: 0 when within rounding noise of the terms, like a variance. */
export function combinedCovariance(terms: number[]): number {
  const { sum, noise } = sumWithNoise(terms);
  return Math.abs(sum) <= noise ? 0 : sum;
}

/** One group's value and unit-level variance for a metric of the given kind. */
export function estimateGroup(m: GroupMoments, kind: MetricKind, cuped: boolean): GroupEstimate {
  return kind === 'ratio' ? estimateRatio(m, cuped) : estimateSum(m, cuped);
}

function estimateSum(m: GroupMoments, cuped: boolean): GroupEstimate {
  const theta =
    cuped && m.pooled_var_pre && m.pooled_var_pre > 0 && m.pooled_cov_y_pre !== null
      ? m.pooled_cov_y_pre / m.pooled_var_pre
      : null;
  if (theta === null)
    return { n: m.n, mean: m.mean_y, rawMean: m.mean_y, variance: clamp(m.var_y), theta: cuped ? 0 : null };
  const mean = m.mean_y - theta * (m.mean_pre - m.pooled_mean_pre);
  const variance =
    m.var_y === null || m.var_pre === null || m.cov_y_pre === null
      ? null
      : combinedVariance([m.var_y, theta * theta * m.var_pre, -2 * theta * m.cov_y_pre]);
  return { n: m.n, mean, rawMean: m.mean_y, variance, theta };
}

/**
 * Ratio metrics: R = ȳ/x̄ with the delta-method linearization L = (y − R·x)/x̄. With CUPED, the
 * covariate is the same linearization of the pre-exposure numerator and denominator,
 * P = (y' − R'·x')/x̄' with the pooled pre-exposure ratio R' (so P̄ pooled is 0); theta is
 * Cov(L, P)/Var(P) over the pooled groups (L with the pooled R), and the estimate becomes
 * R − θ·P̄_g with variance Var(L) + θ²Var(P) − 2θCov(L, P) within the group.
 */
function estimateRatio(m: GroupMoments, cuped: boolean): GroupEstimate {
  const r = m.mean_y / m.mean_x;
  const varL =
    m.var_y === null || m.var_x === null || m.cov_xy === null
      ? null
      : combinedVariance([m.var_y, -2 * r * m.cov_xy, r * r * m.var_x]) / (m.mean_x * m.mean_x);
  const raw: GroupEstimate = { n: m.n, mean: r, rawMean: r, variance: varL, theta: cuped ? 0 : null };
  if (!cuped || varL === null || !(m.pooled_mean_pre_x > 0)) return raw;
  const rPre = m.pooled_mean_pre / m.pooled_mean_pre_x;
  const xPre = m.pooled_mean_pre_x;
  // Both combine terms that cancel (exactly, for a metric proportional to its denominator): decided
  // against rounding noise like every combined variance, so noise never becomes a theta.
  const linearVar = (vy: number | null, cyx: number | null, vx: number | null) =>
    vy === null || cyx === null || vx === null
      ? null
      : combinedVariance([vy, -2 * rPre * cyx, rPre * rPre * vx]) / (xPre * xPre);
  // The covariances are [cov(y, pre), cov(y, preX), cov(x, pre), cov(x, preX)].
  const linearCov = (rr: number, xbar: number, [cyp, cypx, cxp, cxpx]: (number | null)[]) =>
    cyp === null || cypx === null || cxp === null || cxpx === null
      ? null
      : combinedCovariance([cyp, -rPre * cypx, -rr * cxp, rr * rPre * cxpx]) / (xbar * xPre);
  const pooledR = m.pooled_mean_y / m.pooled_mean_x;
  const pooledVarP = linearVar(m.pooled_var_pre, m.pooled_cov_pre_pre_x, m.pooled_var_pre_x);
  const pooledCov = linearCov(pooledR, m.pooled_mean_x, [
    m.pooled_cov_y_pre,
    m.pooled_cov_y_pre_x,
    m.pooled_cov_x_pre,
    m.pooled_cov_x_pre_x,
  ]);
  if (pooledVarP === null || pooledCov === null || !(pooledVarP > 0)) return raw;
  const theta = pooledCov / pooledVarP;
  const meanP = (m.mean_pre - rPre * m.mean_pre_x) / xPre;
  const varP = linearVar(m.var_pre, m.cov_pre_pre_x, m.var_pre_x);
  const covLP = linearCov(r, m.mean_x, [m.cov_y_pre, m.cov_y_pre_x, m.cov_x_pre, m.cov_x_pre_x]);
  const variance =
    varP === null || covLP === null ? null : combinedVariance([varL, theta * theta * varP, -2 * theta * covLP]);
  return { n: m.n, mean: r - theta * meanP, rawMean: r, variance, theta };
}

/**
 * `test` against `control` by Welch's t test (or a z test), or null when either lacks a
 * variance or both variances are zero.
 */
export function compare(
  test: GroupEstimate,
  control: GroupEstimate,
  alpha: number,
  kind: StatisticalTest = 't',
): Comparison | null {
  if (test.variance === null || control.variance === null || test.n < 2 || control.n < 2) return null;
  const a = test.variance / test.n;
  const b = control.variance / control.n;
  const se = Math.sqrt(a + b);
  if (!(se > 0)) return null;
  const df = kind === 'z' ? null : (a + b) ** 2 / (a ** 2 / (test.n - 1) + b ** 2 / (control.n - 1));
  const crit = df === null ? zCritical(alpha) : tCritical(alpha, df);
  const pOf = (statistic: number) => (df === null ? twoSidedNormalP(statistic) : twoSidedP(statistic, df));
  const diff = test.mean - control.mean;
  const pValue = pOf(diff / se);
  const out: Comparison = {
    absLift: diff,
    absLower: diff - crit * se,
    absUpper: diff + crit * se,
    relLift: null,
    relLower: null,
    relUpper: null,
    pValue,
    relPValue: null,
    df,
    significant: pValue < alpha,
  };
  if (control.mean !== 0) {
    // Divided by |control| so the sign of the relative lift is the sign of the absolute one.
    const c = control.mean;
    const rel = diff / Math.abs(c);
    const relSe = Math.sqrt(a / (c * c) + (test.mean * test.mean * b) / c ** 4);
    Object.assign(out, {
      relLift: rel,
      relLower: rel - crit * relSe,
      relUpper: rel + crit * relSe,
      relPValue: relSe > 0 ? pOf(rel / relSe) : null,
    });
  }
  return out;
}
