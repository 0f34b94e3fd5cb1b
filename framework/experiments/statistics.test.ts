import { describe, expect, it } from 'vitest';
import { exact, normalTwoSidedP, tTwoSidedCritical, tTwoSidedP } from '../../test/experiments/high-precision.js';
import type { GroupMoments } from './sql-moments.js';
import { compare, estimateGroup, type GroupEstimate } from './statistics.js';

const group = (n: number, mean: number, variance: number): GroupEstimate => ({
  n,
  mean,
  rawMean: mean,
  variance,
  theta: null,
});
const close = (actual: number | null, expected: number, tolerance = 1e-9) =>
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(expected)));

/** Welch's test written out from the textbook, with the reference t distribution. */
function welch(test: GroupEstimate, control: GroupEstimate, alpha: number) {
  const a = (test.variance as number) / test.n;
  const b = (control.variance as number) / control.n;
  const df = (a + b) ** 2 / (a ** 2 / (test.n - 1) + b ** 2 / (control.n - 1));
  const crit = tTwoSidedCritical(alpha, df);
  const rel = (test.mean - control.mean) / Math.abs(control.mean);
  const relSe = Math.sqrt(a / control.mean ** 2 + (test.mean ** 2 * b) / control.mean ** 4);
  return {
    df,
    crit,
    rel,
    relSe,
    relLower: rel - crit * relSe,
    relUpper: rel + crit * relSe,
    relP: tTwoSidedP(exact(Math.abs(rel / relSe)), exact(df)),
  };
}

describe('compare: test group against control', () => {
  it('relative lift divides by |control|: control -2, test -1 is +50%, with the sign of the absolute lift', () => {
    const control = group(1000, -2, 4);
    const test = group(1000, -1, 4);
    const c = compare(test, control, 0.05)!;
    expect(c.absLift).toBe(1);
    expect(c.pValue).toBeLessThan(1e-6);
    close(c.relLift, 0.5);
    const ref = welch(test, control, 0.05);
    close(c.relLower, ref.relLower);
    close(c.relUpper, ref.relUpper);
    expect(c.relLower!).toBeGreaterThan(0);
  });

  it('reports the relative test p-value, which always agrees with the relative interval', () => {
    // The absolute test is significant (p ≈ 0.04) while the relative interval covers 0 (p ≈ 0.17):
    // the flag follows the absolute test, and rel_p_value shows the relative one.
    const control = group(100, 1, 6);
    const test = group(100, 1.5, 0.01);
    const c = compare(test, control, 0.05)!;
    const ref = welch(test, control, 0.05);
    expect(c.significant).toBe(true);
    expect(c.relLower!).toBeLessThan(0);
    close(c.relPValue, ref.relP);
    expect(c.relPValue!).toBeGreaterThan(0.05);
    // Over many configurations: the relative interval excludes 0 exactly when p rel. < alpha.
    for (let i = 1; i <= 40; i++) {
      const t = group(50 + i * 7, 1 + ((i * 37) % 11) / 20, 0.5 + ((i * 13) % 7));
      const k = group(60 + i * 5, 1 - ((i * 17) % 5) / 10, 1 + ((i * 29) % 5));
      const r = compare(t, k, 0.05)!;
      expect(r.relLower! > 0 || r.relUpper! < 0, `case ${i}`).toBe(r.relPValue! < 0.05);
      if (i % 10 === 0) close(r.relPValue, welch(t, k, 0.05).relP);
    }
  });

  it('a z test when asked for: normal p-value and critical value, no degrees of freedom', () => {
    const control = group(5000, 10, 9);
    const test = group(5000, 10.1, 9.5);
    const c = compare(test, control, 0.05, 'z')!;
    const se = Math.sqrt(9.5 / 5000 + 9 / 5000);
    expect(c.df).toBeNull();
    close(c.pValue, normalTwoSidedP(exact(Math.abs(0.1 / se))), 1e-9);
    // z(0.975) = 1.959963984540054 (published).
    close(c.absLower, c.absLift - 1.959963984540054 * se, 1e-12);
    close(c.absUpper, c.absLift + 1.959963984540054 * se, 1e-12);
    // The Welch t test on the same groups: its own degrees of freedom and the reference p-value.
    const t = compare(test, control, 0.05)!;
    const df = ((9.5 + 9) / 5000) ** 2 / ((9.5 / 5000) ** 2 / 4999 + (9 / 5000) ** 2 / 4999);
    close(t.df, df);
    close(t.pValue, tTwoSidedP(exact(Math.abs(0.1 / se)), exact(df)));
  });
});

function moments(over: Partial<GroupMoments>): GroupMoments {
  return {
    period: '2026-01-01',
    metric_name: 'm',
    group_name: 'g',
    n: 100,
    mean_y: 2,
    var_y: 0,
    mean_x: 1,
    var_x: 0,
    cov_xy: 0,
    mean_pre: 0,
    var_pre: null,
    cov_y_pre: null,
    mean_pre_x: 0,
    var_pre_x: null,
    cov_pre_pre_x: null,
    cov_y_pre_x: null,
    cov_x_pre: null,
    cov_x_pre_x: null,
    upper_cap: null,
    lower_cap: null,
    pooled_mean_pre: 0,
    pooled_var_pre: null,
    pooled_cov_y_pre: null,
    pooled_mean_y: 2,
    pooled_mean_x: 1,
    pooled_mean_pre_x: 0,
    pooled_var_pre_x: null,
    pooled_cov_pre_pre_x: null,
    pooled_cov_y_pre_x: null,
    pooled_cov_x_pre: null,
    pooled_cov_x_pre_x: null,
    ...over,
  };
}

describe('variances that are zero in exact arithmetic', () => {
  it('come out exactly 0 whichever way the engine rounded the moments, and never negative', () => {
    // y = 2x for every unit: the delta-method variance Var(y) − 2R·Cov + R²·Var(x) is 0 exactly.
    for (const noise of [0, 4e-16, -4e-16, 1e-15, -1.2e-15]) {
      const e = estimateGroup(moments({ var_x: 0.3, var_y: 1.2 + noise, cov_xy: 0.6 }), 'ratio', false);
      expect(e.variance, `noise ${noise}`).toBe(0);
    }
    // Sum metric with CUPED where y = pre + 5: the adjusted variance is 0 exactly.
    const cuped = estimateGroup(
      moments({
        var_y: 2.5,
        var_pre: 2.5 * (1 + 3e-16),
        cov_y_pre: 2.5,
        pooled_var_pre: 2.5,
        pooled_cov_y_pre: 2.5 * (1 - 2e-16),
      }),
      'sum',
      true,
    );
    expect(cuped.variance).toBe(0);
    // So no test runs on any engine (both groups constant), rather than p = 0.99999992 on one.
    const a = estimateGroup(moments({ var_x: 0.3, var_y: 1.2 + 1e-15, cov_xy: 0.6 }), 'ratio', false);
    const b = estimateGroup(moments({ var_x: 0.3, var_y: 1.2, cov_xy: 0.6 }), 'ratio', false);
    expect(compare(a, b, 0.05)).toBeNull();
  });

  it('keeps a small but real variance', () => {
    const e = estimateGroup(moments({ var_x: 0.3, var_y: 1.2 + 1e-6, cov_xy: 0.6 }), 'ratio', false);
    close(e.variance, 1e-6, 1e-6);
  });
});

/** Sample mean, variance and covariance written out (two passes), as an engine computes them in floating point. */
const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
const cov = (a: number[], b: number[]) => {
  const [ma, mb] = [mean(a), mean(b)];
  return a.reduce((s, v, i) => s + (v - ma) * (b[i] - mb), 0) / (a.length - 1);
};

/** One group's moments from unit-level data (post y, x; pre y', x'), pooled over that group alone. */
function unitMoments(y: number[], x: number[], pre: number[], preX: number[]): GroupMoments {
  const own = {
    n: y.length,
    mean_y: mean(y),
    var_y: cov(y, y),
    mean_x: mean(x),
    var_x: cov(x, x),
    cov_xy: cov(x, y),
    mean_pre: mean(pre),
    var_pre: cov(pre, pre),
    cov_y_pre: cov(y, pre),
    mean_pre_x: mean(preX),
    var_pre_x: cov(preX, preX),
    cov_pre_pre_x: cov(pre, preX),
    cov_y_pre_x: cov(y, preX),
    cov_x_pre: cov(x, pre),
    cov_x_pre_x: cov(x, preX),
  };
  return moments({
    ...own,
    pooled_mean_pre: own.mean_pre,
    pooled_var_pre: own.var_pre,
    pooled_cov_y_pre: own.cov_y_pre,
    pooled_mean_y: own.mean_y,
    pooled_mean_x: own.mean_x,
    pooled_mean_pre_x: own.mean_pre_x,
    pooled_var_pre_x: own.var_pre_x,
    pooled_cov_pre_pre_x: own.cov_pre_pre_x,
    pooled_cov_y_pre_x: own.cov_y_pre_x,
    pooled_cov_x_pre: own.cov_x_pre,
    pooled_cov_x_pre_x: own.cov_x_pre_x,
  });
}

describe('CUPED on a ratio metric never turns rounding noise into a theta', () => {
  const x = [3, 7, 2, 9, 4, 6, 5, 8, 1, 10];
  const y = [1.3, 2.9, 0.4, 4.1, 1.2, 2.2, 2.6, 3.0, 0.7, 4.4];
  const preX = [4, 2, 8, 5, 9, 3, 6, 7, 10, 1];

  it('a pre-period metric proportional to its denominator (its linearization is 0): theta 0, the uncorrected estimate', () => {
    // y' = 0.3·x' for every unit, so P = (y' − R'x')/x̄' is 0, and Var(P) and Cov(L, P) are 0 in exact arithmetic.
    const pre = preX.map((v) => 0.3 * v);
    const m = unitMoments(y, x, pre, preX);
    // The input is rounding noise, not an exact zero: combined naively, Var(P)·x̄'² is a tiny non-zero number.
    const rPre = m.pooled_mean_pre / m.pooled_mean_pre_x;
    const naive = m.pooled_var_pre! - 2 * rPre * m.pooled_cov_pre_pre_x! + rPre * rPre * m.pooled_var_pre_x!;
    expect(naive).not.toBe(0);
    expect(Math.abs(naive)).toBeLessThan(1e-15);
    const r0 = m.pooled_mean_y / m.pooled_mean_x;
    const naiveCov =
      m.pooled_cov_y_pre! - rPre * m.pooled_cov_y_pre_x! - r0 * m.pooled_cov_x_pre! + r0 * rPre * m.pooled_cov_x_pre_x!;
    expect(naiveCov).not.toBe(0);
    // Rounded the other way as another engine may (a relative 1e-15): the noise variance is then
    // positive, and noise over noise would make a theta of order 1.
    const up = { ...m, pooled_var_pre: m.pooled_var_pre! * (1 + 1e-15) };
    expect(up.pooled_var_pre - 2 * rPre * m.pooled_cov_pre_pre_x! + rPre * rPre * m.pooled_var_pre_x!).toBeGreaterThan(
      0,
    );
    for (const m2 of [m, up, { ...m, pooled_var_pre: m.pooled_var_pre! * (1 - 1e-15) }]) {
      const e = estimateGroup(m2, 'ratio', true);
      // The uncorrected delta-method estimate, written out: R = ȳ/x̄, Var(L) = (Var y − 2R·Cov(x, y) + R²·Var x)/x̄².
      const r = mean(y) / mean(x);
      const varL = (cov(y, y) - 2 * r * cov(x, y) + r * r * cov(x, x)) / mean(x) ** 2;
      expect(e.theta).toBe(0);
      expect(e.mean).toBe(r);
      close(e.variance, varL, 1e-12);
      expect(Number.isFinite(e.mean) && Number.isFinite(e.variance!)).toBe(true);
    }
  });

  it('a post-period metric proportional to its denominator (a constant ratio): theta exactly 0, variance 0, no NaN', () => {
    // y = 0.3·x for every unit: L = (y − R·x)/x̄ is 0, so Cov(L, P) and Var(L) are 0 in exact arithmetic.
    const constant = x.map((v) => 0.3 * v);
    const pre = [1.1, 0.4, 2.5, 1.9, 2.2, 0.8, 1.5, 2.4, 3.3, 0.2];
    const m = unitMoments(constant, x, pre, preX);
    const rPre = m.pooled_mean_pre / m.pooled_mean_pre_x;
    const r = m.pooled_mean_y / m.pooled_mean_x;
    const naiveCov =
      m.pooled_cov_y_pre! - rPre * m.pooled_cov_y_pre_x! - r * m.pooled_cov_x_pre! + r * rPre * m.pooled_cov_x_pre_x!;
    expect(naiveCov).not.toBe(0);
    expect(Math.abs(naiveCov)).toBeLessThan(1e-15);
    const e = estimateGroup(m, 'ratio', true);
    expect(e.theta).toBe(0);
    expect(e.variance).toBe(0);
    // With theta 0 the estimate is the ratio itself: 0.3 up to the rounding of the means.
    expect(e.mean).toBe(mean(constant) / mean(x));
    close(e.mean, 0.3, 1e-15);
  });

  it('keeps a real relationship: a pre-period covariate with variance gives a non-zero theta', () => {
    const pre = preX.map((v, i) => 0.1 * v + (i % 3) * 0.05);
    const e = estimateGroup(unitMoments(y, x, pre, preX), 'ratio', true);
    expect(e.theta).not.toBe(0);
    expect(Number.isFinite(e.theta!)).toBe(true);
  });
});
