import { describe, expect, it } from 'vitest';
import { decimal, exact, normalTwoSidedP, tTwoSidedP } from '../../test/experiments/high-precision.js';
import { chiSquaredP, tCritical, twoSidedNormalP, twoSidedP, zCritical } from './distributions.js';

const relativeError = (actual: number, expected: number) => Math.abs(actual - expected) / expected;

describe('the high-precision reference itself', () => {
  it('agrees with closed forms and published values', () => {
    for (const t of ['0.01', '0.3', '1', '2.5', '10', '40']) {
      const x = Number(t);
      // ν = 1 (Cauchy): P(|T| > t) = 2·atan(1/t)/π; ν = 2: 2/(s(s + t)) with s = √(t² + 2).
      expect(relativeError(tTwoSidedP(decimal(t), decimal('1')), (2 * Math.atan(1 / x)) / Math.PI)).toBeLessThan(1e-14);
      const s = Math.sqrt(x * x + 2);
      expect(relativeError(tTwoSidedP(decimal(t), decimal('2')), 2 / (s * (s + x)))).toBeLessThan(1e-14);
    }
    // Published quantiles: t(0.975; 10) = 2.228138851986274, t(0.975; 1) = 12.70620473617471, z(0.975) =
    // 1.959963984540054.
    expect(relativeError(tTwoSidedP(exact(2.228138851986274), decimal('10')), 0.05)).toBeLessThan(1e-13);
    expect(relativeError(tTwoSidedP(exact(12.70620473617471), decimal('1')), 0.05)).toBeLessThan(1e-13);
    expect(relativeError(normalTwoSidedP(exact(1.959963984540054)), 0.05)).toBeLessThan(1e-13);
    // Published normal tails: Q(1) = 0.158655253931457051, Q(10) = 7.61985302416052606e-24
    // (written below as the nearest doubles).
    // (Tiny values pass through exp of a double logarithm: up to |ln p|·2^-53 ≈ 1e-14 relative.)
    expect(relativeError(normalTwoSidedP(decimal('1')), 2 * 0.15865525393145705)).toBeLessThan(1e-15);
    expect(relativeError(normalTwoSidedP(decimal('10')), 2 * 7.619853024160525e-24)).toBeLessThan(1e-14);
  });
});

describe('distribution precision against the independent reference', () => {
  const T = ['0.01', '0.1', '0.3', '0.7', '1', '1.5', '1.9', '2.5', '3', '4', '6', '9', '14', '20', '30', '40'];
  const DF = [
    '1',
    '1.5',
    '2',
    '3',
    '5',
    '10',
    '29.5',
    '100',
    '1000',
    '1e4',
    '1e5',
    '3e5',
    '1e6',
    '3e6',
    '1e7',
    '3e7',
    '1e8',
  ];

  it('t two-sided p-values: relative error ≤ 1e-9 for t = 0.01 … 40 and 1 … 1e8 degrees of freedom (p ≥ 1e-300)', () => {
    const failures: string[] = [];
    let checked = 0;
    for (const df of DF) {
      for (const t of T) {
        const expected = tTwoSidedP(decimal(t), decimal(df));
        if (expected < 1e-300) continue;
        checked++;
        const actual = twoSidedP(Number(t), Number(df));
        if (!(relativeError(actual, expected) <= 1e-9)) failures.push(`t=${t} df=${df}: ${actual} vs ${expected}`);
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(250);
  });

  it('normal two-sided p-values: relative error ≤ 1e-9 for z = 0.01 … 37 (p ≥ 1e-300)', () => {
    for (const z of ['0.01', '0.3', '1', '1.96', '3', '5', '8', '8.5', '12', '20', '30', '37']) {
      const expected = normalTwoSidedP(decimal(z));
      expect(relativeError(twoSidedNormalP(Number(z)), expected), `z=${z}`).toBeLessThanOrEqual(1e-9);
    }
  });

  it('critical values: the reference tail at tCritical / zCritical is alpha to 1e-9', () => {
    for (const alpha of [0.1, 0.05, 0.01, 0.001]) {
      for (const df of [1, 2.5, 10, 57.3, 1000, 1e5, 1e8]) {
        expect(
          relativeError(tTwoSidedP(exact(tCritical(alpha, df)), exact(df)), alpha),
          `alpha=${alpha} df=${df}`,
        ).toBeLessThanOrEqual(1e-9);
      }
      expect(relativeError(normalTwoSidedP(exact(zCritical(alpha))), alpha), `alpha=${alpha}`).toBeLessThanOrEqual(
        1e-9,
      );
    }
  });

  it('chi-squared upper tail: the survival function, accurate far below 1e-16', () => {
    // One degree of freedom: P(X > x) = 2·Q(√x) (x = r² exactly in decimal); two: exp(−x/2).
    for (const [x, root] of [
      ['0.36', '0.6'],
      ['4', '2'],
      ['100', '10'],
      ['330.730596', '18.186'],
      ['900', '30'],
    ]) {
      expect(relativeError(chiSquaredP(Number(x), 1), normalTwoSidedP(decimal(root))), `x=${x}`).toBeLessThanOrEqual(
        1e-9,
      );
    }
    for (const x of [0.5, 10, 200, 1000])
      expect(relativeError(chiSquaredP(x, 2), Math.exp(-x / 2)), `x=${x}`).toBeLessThanOrEqual(1e-12);
  });
});
