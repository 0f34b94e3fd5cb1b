/**
 * The distribution functions the statistics need, from jStat (a maintained statistics
 * library) rather than hand-written special functions. One module, so the tests' reference
 * implementation and the pipeline use the very same functions.
 */
import jstatModule from 'jstat';

const { jStat } = jstatModule as unknown as typeof import('jstat');

/** Two-sided p-value of a t statistic with `df` degrees of freedom. */
export function twoSidedP(t: number, df: number): number {
  // The lower tail at -|t| keeps precision for tiny p-values (1 - cdf would round to 0).
  return Math.min(1, 2 * jStat.studentt.cdf(-Math.abs(t), df));
}

/** The t quantile for a two-sided interval at significance `alpha`. */
export function tCritical(alpha: number, df: number): number {
  return jStat.studentt.inv(1 - alpha / 2, df);
}

/** Upper-tail probability of a chi-squared statistic with `df` degrees of freedom. */
export function chiSquaredP(statistic: number, df: number): number {
  return 1 - jStat.chisquare.cdf(statistic, df);
}
