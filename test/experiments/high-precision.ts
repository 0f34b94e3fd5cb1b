/**
 * An independent high-precision reference for the distribution tails the experiment
 * statistics use, for tests only. It shares no code with framework/experiments/distributions.ts
 * (or any library): exact rationals (BigInt) for the inputs and the series coefficients,
 * 320-bit binary fixed point for everything else, and the classical formulas:
 *
 * - Student t: the two-sided p-value is the regularized incomplete beta I_x(ν/2, 1/2) with
 *   x = ν/(ν + t²) (Abramowitz & Stegun 26.7.1, 26.5.27). In its tail (x below the mean of
 *   the beta distribution) it is evaluated by the continued fraction A&S 26.5.8 (modified
 *   Lentz, iterated to a relative change below 2^-250), elsewhere as 1 − I_z(1/2, ν/2),
 *   z = t²/(ν + t²), by the positive power series DLMF 8.17.8 — no cancellation either way.
 *   The prefactor x^a (1−x)^b / B(a, b) is taken in logarithms, with ln Γ from Stirling's
 *   series (Bernoulli numbers computed exactly) after shifting the argument past 40.
 * - Normal: 2·Q(z) by the series Q(z) = 1/2 − φ(z) Σ z^(2n+1)/(2n+1)!! (A&S 26.2.11) up to
 *   z = 8, and Laplace's continued fraction (A&S 26.2.14) beyond.
 *
 * The results are exact to far more digits than a double holds; they are returned as
 * doubles (through exp of the high-precision logarithm for tiny values, which costs at most
 * |ln p|·2^-53 in relative error, about 1e-13).
 */

/** An exact rational with a positive denominator. */
export interface Rat {
  n: bigint;
  d: bigint;
}

const P = 320n;
const ONE = 1n << P;
const TOLERANCE = ONE >> 250n;

function gcd(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  while (b) [a, b] = [b, a % b];
  return a;
}

function rat(n: bigint, d = 1n): Rat {
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  const g = gcd(n, d) || 1n;
  return { n: n / g, d: d / g };
}

const add = (a: Rat, b: Rat) => rat(a.n * b.d + b.n * a.d, a.d * b.d);
const sub = (a: Rat, b: Rat) => rat(a.n * b.d - b.n * a.d, a.d * b.d);
const mul = (a: Rat, b: Rat) => rat(a.n * b.n, a.d * b.d);
const div = (a: Rat, b: Rat) => rat(a.n * b.d, a.d * b.n);
const less = (a: Rat, b: Rat) => a.n * b.d < b.n * a.d;
const int = (k: number) => rat(BigInt(k));

/** A decimal text such as "0.01", "47.3" or "1e8", exactly. */
export function decimal(text: string): Rat {
  const m = /^(\d+)(?:\.(\d+))?(?:e(\d+))?$/.exec(text);
  if (!m) throw new Error(`not a decimal: ${text}`);
  const frac = m[2] ?? '';
  return rat(BigInt(m[1] + frac) * 10n ** BigInt(m[3] ?? 0), 10n ** BigInt(frac.length));
}

/** A double, exactly (every finite double is a dyadic rational). */
export function exact(x: number): Rat {
  if (!Number.isFinite(x)) throw new Error(`not finite: ${x}`);
  let e = 0n;
  while (!Number.isInteger(x)) {
    x *= 2;
    e++;
  }
  return rat(BigInt(x), 1n << e);
}

// Fixed point: a bigint f stands for f / 2^P.
const fixed = (r: Rat): bigint => (r.n << P) / r.d;
const fmul = (a: bigint, b: bigint) => (a * b) >> P;
const fdiv = (a: bigint, b: bigint) => (a << P) / b;
const abs = (a: bigint) => (a < 0n ? -a : a);

/** A fixed-point value as a double (correctly rounded up to the last step). */
function toNumber(f: bigint): number {
  return Number(f) / 2 ** Number(P);
}

/** atanh(y) for a fixed-point |y| ≤ 1/2: y + y³/3 + y⁵/5 + … */
function atanh(y: bigint): bigint {
  const y2 = fmul(y, y);
  let power = y;
  let sum = 0n;
  for (let k = 1n; abs(power) > 0n; k += 2n) {
    sum += power / k;
    power = fmul(power, y2);
  }
  return sum;
}

/** atan(1/k) for an integer k ≥ 2: 1/k − 1/(3k³) + … */
function atanInverse(k: bigint): bigint {
  let power = ONE / k;
  let sum = 0n;
  for (let i = 1n, sign = 1n; power > 0n; i += 2n, sign = -sign) {
    sum += (sign * power) / i;
    power /= k * k;
  }
  return sum;
}

const LN2 = 2n * atanh(ONE / 3n);
/** Machin: π = 16·atan(1/5) − 4·atan(1/239). */
const PI = 16n * atanInverse(5n) - 4n * atanInverse(239n);

/** Natural logarithm of a positive fixed-point value. */
function ln(x: bigint): bigint {
  if (x <= 0n) throw new Error('ln of a non-positive value');
  const k = BigInt(x.toString(2).length) - P - 1n; // x / 2^k in [1, 2)
  const m = k >= 0n ? x >> k : x << -k;
  return 2n * atanh(fdiv(m - ONE, m + ONE)) + k * LN2;
}

const LN_2PI = ln(2n * PI);

/** exp of a fixed-point value (moderate arguments). */
function exp(x: bigint): bigint {
  const k = x / LN2; // truncated: |r| < ln 2
  const r = x - k * LN2;
  let term = ONE;
  let sum = 0n;
  for (let n = 1n; abs(term) > 0n; n++) {
    sum += term;
    term = fmul(term, r) / n;
  }
  return k >= 0n ? sum << k : sum >> -k;
}

const lnRat = (r: Rat) => ln(fixed(r));

/** Bernoulli numbers B_0 … B_n (Akiyama–Tanigawa), exactly. */
function bernoulli(n: number): Rat[] {
  const out: Rat[] = [];
  const a: Rat[] = [];
  for (let m = 0; m <= n; m++) {
    a[m] = rat(1n, BigInt(m + 1));
    for (let j = m; j >= 1; j--) a[j - 1] = mul(int(j), sub(a[j - 1], a[j]));
    out.push(a[0]);
  }
  return out;
}

const BERNOULLI = bernoulli(44);

/** ln Γ(z) for a rational z > 0: Stirling's series at z + shift ≥ 40 (first omitted term < 1e-50). */
function lnGamma(z: Rat): bigint {
  let zf = fixed(z);
  let product = ONE;
  for (; zf < 40n * ONE; zf += ONE) product = fmul(product, zf);
  const inverse = fdiv(ONE, zf);
  const inverse2 = fmul(inverse, inverse);
  let power = inverse;
  let series = 0n;
  for (let k = 1; k <= 21; k++) {
    const coefficient = BERNOULLI[2 * k];
    series += fmul(fixed(coefficient), power) / BigInt(2 * k * (2 * k - 1));
    power = fmul(power, inverse2);
  }
  return fmul(zf - ONE / 2n, ln(zf)) - zf + LN_2PI / 2n + series - ln(product);
}

const lnBeta = (a: Rat, b: Rat) => lnGamma(a) + lnGamma(b) - lnGamma(add(a, b));

/** The continued fraction of I_x(a, b) (A&S 26.5.8), without its prefactor, by modified Lentz in fixed point. */
function betaContinuedFraction(a: Rat, b: Rat, x: Rat): bigint {
  const tiny = ONE >> 300n;
  const guard = (v: bigint) => (abs(v) < tiny ? tiny : v);
  const [af, bf, xf] = [fixed(a), fixed(b), fixed(x)];
  let c = ONE;
  let d = fdiv(ONE, guard(ONE - fdiv(fmul(af + bf, xf), af + ONE)));
  let h = d;
  for (let m = 1n; m < 5_000_000n; m++) {
    const even = fdiv(fmul(m * (bf - m * ONE), xf), fmul(af + (2n * m - 1n) * ONE, af + 2n * m * ONE));
    const odd = -fdiv(
      fmul(fmul(af + m * ONE, af + bf + m * ONE), xf),
      fmul(af + 2n * m * ONE, af + (2n * m + 1n) * ONE),
    );
    for (const coefficient of [even, odd]) {
      d = fdiv(ONE, guard(ONE + fmul(coefficient, d)));
      c = guard(ONE + fdiv(coefficient, c));
      h = fmul(h, fmul(c, d));
    }
    if (abs(fmul(c, d) - ONE) < TOLERANCE) return h;
  }
  throw new Error('continued fraction did not converge');
}

/** I_z(p, q) by the positive series DLMF 8.17.8 (for z below the mean p/(p+q) or near it). */
function betaSeries(p: Rat, q: Rat, z: Rat): bigint {
  const zf = fixed(z);
  let term = ONE;
  let sum = 0n;
  const pq = add(p, q);
  const p1 = add(p, int(1));
  for (let n = 0; term > TOLERANCE >> 60n; n++) {
    sum += term;
    term = fmul(fmul(term, fixed(div(add(pq, int(n)), add(p1, int(n))))), zf);
  }
  const logFront = fmul(fixed(p), lnRat(z)) + fmul(fixed(q), lnRat(sub(int(1), z))) - lnRat(p) - lnBeta(p, q);
  return fmul(exp(logFront), sum);
}

/** Two-sided p-value P(|T| > t) of Student's t with ν degrees of freedom, t > 0. */
export function tTwoSidedP(t: Rat, nu: Rat): number {
  const t2 = mul(t, t);
  const x = div(nu, add(nu, t2));
  const z = div(t2, add(nu, t2));
  const a = div(nu, int(2));
  const b = rat(1n, 2n);
  if (less(x, div(add(a, int(1)), add(add(a, b), int(2))))) {
    const logFront = fmul(fixed(a), lnRat(x)) + fmul(fixed(b), lnRat(z)) - lnBeta(a, b) - lnRat(a);
    return Math.exp(toNumber(logFront + ln(betaContinuedFraction(a, b, x))));
  }
  return toNumber(ONE - betaSeries(b, a, z));
}

/** Two-sided p-value 2·Q(z) of the standard normal, z > 0. */
export function normalTwoSidedP(z: Rat): number {
  const zf = fixed(z);
  const z2 = fmul(zf, zf);
  if (!less(int(8), z)) {
    let term = zf;
    let sum = 0n;
    for (let n = 1n; term > 0n; n += 2n) {
      sum += term;
      term = fmul(term, z2) / (n + 2n);
    }
    const density = exp(-z2 / 2n - LN_2PI / 2n);
    return toNumber(2n * (ONE / 2n - fmul(density, sum)));
  }
  // Laplace: Q(z) = φ(z) / (z + 1/(z + 2/(z + 3/(z + …)))), by modified Lentz.
  let f = zf;
  let c = zf;
  let d = 0n;
  for (let i = 1n; ; i++) {
    d = fdiv(ONE, zf + i * d);
    c = zf + fdiv(i * ONE, c);
    const delta = fmul(c, d);
    f = fmul(f, delta);
    if (abs(delta - ONE) < TOLERANCE) break;
    if (i > 10_000_000n) throw new Error('continued fraction did not converge');
  }
  return Math.exp(toNumber(LN2 - z2 / 2n - LN_2PI / 2n - ln(f)));
}

/** The two-sided critical value t with P(|T| > t) = alpha, by bisection on the reference (ν > 0, 0 < alpha < 1). */
export function tTwoSidedCritical(alpha: number, nu: number): number {
  let lo = 0;
  let hi = 1;
  const nuRat = exact(nu);
  while (tTwoSidedP(exact(hi), nuRat) > alpha) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-13 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (mid === lo || mid === hi) break;
    if (tTwoSidedP(exact(mid), nuRat) > alpha) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
