/**
 * The sample ratio mismatch health check: a chi-squared goodness-of-fit test of the units
 * per group against the expected split. A p-value below 0.01 flags a mismatch (an assignment
 * or logging problem that makes the results untrustworthy).
 */
import { chiSquaredP } from './distributions.js';
import { EXPERIMENT_DEFAULTS } from './model.js';

/** The health check's result: observed and expected shares, the statistic and the verdict. */
export interface SrmCheck {
  total: number;
  groups: { name: string; units: number; observedShare: number; expectedShare: number }[];
  chiSquared: number;
  degreesOfFreedom: number;
  pValue: number;
  threshold: number;
  /** True when the observed split is a mismatch. */
  mismatch: boolean;
}

/** `expected` splits are normalized to fractions; groups without units count as 0. */
export function sampleRatioMismatch(
  observed: Record<string, number>,
  expected: { name: string; split: number }[],
  threshold: number = EXPERIMENT_DEFAULTS.srmPValue,
): SrmCheck {
  const total = expected.reduce((s, g) => s + (observed[g.name] ?? 0), 0);
  const splitTotal = expected.reduce((s, g) => s + g.split, 0);
  let chiSquared = 0;
  const groups = expected.map((g) => {
    const units = observed[g.name] ?? 0;
    const share = g.split / splitTotal;
    const e = total * share;
    if (e > 0) chiSquared += (units - e) ** 2 / e;
    return { name: g.name, units, observedShare: total ? units / total : 0, expectedShare: share };
  });
  const degreesOfFreedom = expected.length - 1;
  const pValue = total > 0 ? chiSquaredP(chiSquared, degreesOfFreedom) : 1;
  return { total, groups, chiSquared, degreesOfFreedom, pValue, threshold, mismatch: pValue < threshold };
}
