/**
 * The distribution functions behind fray's confidence bounds: the normal and Student-t
 * quantiles, the binomial distribution (order-statistic bounds for percentiles), and the
 * Wilson interval for proportions. Pure functions, no dependencies.
 *
 * @module
 */

/**
 * Quantile of the standard normal distribution (Acklam's rational approximation, relative
 * error below 1.2e-9 — far finer than any confidence level needs).
 *
 * @example
 * ```ts
 * normalQuantile(0.975); // 1.959963984540054
 * ```
 */
export function normalQuantile(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const [a0, a1, a2, a3, a4, a5] = a as [number, number, number, number, number, number];
  const [b0, b1, b2, b3, b4] = b as [number, number, number, number, number];
  const [c0, c1, c2, c3, c4, c5] = c as [number, number, number, number, number, number];
  const [d0, d1, d2, d3] = d as [number, number, number, number];
  const low = 0.02425;
  let x: number;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    x =
      (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) /
      ((((d0 * q + d1) * q + d2) * q + d3) * q + 1);
  } else if (p <= 1 - low) {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q) /
      (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x =
      -(((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) /
      ((((d0 * q + d1) * q + d2) * q + d3) * q + 1);
  }
  return x;
}

function logGamma(x: number): number {
  // Lanczos approximation, g = 7, n = 9.
  const g = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const y = x - 1;
  let sum = g[0] ?? 0;
  for (let i = 1; i < 9; i++) sum += (g[i] ?? 0) / (y + i);
  const t = y + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** Continued fraction of the regularized incomplete beta function (modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 20_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-14) break;
  }
  return h;
}

/**
 * The regularized incomplete beta function I_x(a, b).
 *
 * @example
 * ```ts
 * regularizedBeta(0.5, 2, 2); // 0.5
 * ```
 */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(a, b, x)) / a;
  return 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/**
 * Cumulative distribution function of Student's t with `df` degrees of freedom.
 *
 * @example
 * ```ts
 * studentTCdf(0, 5); // 0.5
 * ```
 */
export function studentTCdf(t: number, df: number): number {
  const x = df / (df + t * t);
  const tail = 0.5 * regularizedBeta(x, df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/**
 * Quantile of Student's t with `df` degrees of freedom (bisection on the CDF, to 1e-10).
 *
 * @example
 * ```ts
 * studentTQuantile(0.975, 9); // ≈ 2.262
 * ```
 */
export function studentTQuantile(p: number, df: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  if (p === 0.5) return 0;
  let low = -1;
  let high = 1;
  while (studentTCdf(low, df) > p) low *= 2;
  while (studentTCdf(high, df) < p) high *= 2;
  for (let i = 0; i < 200 && high - low > 1e-10; i++) {
    const mid = (low + high) / 2;
    if (studentTCdf(mid, df) < p) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

/**
 * P(X ≤ k) for X ~ Binomial(n, p): the exact regularized-beta identity
 * P(X ≤ k) = I_{1−p}(n − k, k + 1).
 *
 * @example
 * ```ts
 * binomialCdf(0, 10, 0.5); // 0.0009765625
 * ```
 */
export function binomialCdf(k: number, n: number, p: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  return regularizedBeta(1 - p, n - k, k + 1);
}

/**
 * The smallest k with P(X ≤ k) ≥ `probability` for X ~ Binomial(n, p).
 *
 * @example
 * ```ts
 * binomialQuantile(0.95, 1000, 0.99); // 995
 * ```
 */
export function binomialQuantile(probability: number, n: number, p: number): number {
  let low = -1;
  let high = n;
  // Invariant: cdf(low) < probability <= cdf(high).
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (binomialCdf(mid, n, p) >= probability) high = mid;
    else low = mid;
  }
  return high;
}

/** A confidence bound on a quantile: a 1-based rank into the sorted samples, or none. */
export interface RankBound {
  /** 1-based rank of the order statistic that bounds the quantile; undefined when n is too small. */
  readonly rank: number | undefined;
  /** How many samples would be needed for the bound to exist. */
  readonly samplesNeeded: number;
}

/**
 * Distribution-free one-sided confidence bounds on the q-quantile of a continuous
 * distribution from n samples: the order statistic X₍ᵤ₎ with P(X₍ᵤ₎ ≥ ξ_q) ≥ confidence
 * (upper) or X₍ₗ₎ with P(X₍ₗ₎ ≤ ξ_q) ≥ confidence (lower). No bound exists when n is too
 * small — e.g. an upper bound on p99 at 95 % needs at least 299 samples.
 *
 * @example
 * ```ts
 * quantileRankBound(10_000, 0.99, 0.95, 'upper'); // { rank: 9917, … }
 * ```
 */
export function quantileRankBound(
  n: number,
  q: number,
  confidence: number,
  side: 'upper' | 'lower',
): RankBound {
  if (side === 'upper') {
    // Fewer than u samples below ξ_q: #below ~ Bin(n, q); need P(Bin ≤ u − 1) ≥ confidence.
    const needed = Math.ceil(Math.log(1 - confidence) / Math.log(q));
    if (n < 1 || q >= 1) return { rank: undefined, samplesNeeded: Infinity };
    const u = binomialQuantile(confidence, n, q) + 1;
    return { rank: u <= n ? u : undefined, samplesNeeded: Math.max(needed, 1) };
  }
  // At least l samples at or below ξ_q: need P(Bin ≥ l) ≥ confidence, i.e. cdf(l − 1) ≤ 1 − confidence.
  const needed = Math.ceil(Math.log(1 - confidence) / Math.log(1 - q));
  if (n < 1 || q <= 0) return { rank: undefined, samplesNeeded: Infinity };
  const l = binomialQuantile(1 - confidence, n, q);
  // binomialQuantile gives the smallest k with cdf(k) ≥ 1 − c; the largest with cdf ≤ 1 − c is k − 1 or k.
  const k = binomialCdf(l, n, q) <= 1 - confidence ? l : l - 1;
  const rank = k + 1;
  return { rank: rank >= 1 ? rank : undefined, samplesNeeded: Math.max(needed, 1) };
}

/** A two-sided interval. */
export interface Interval {
  readonly lower: number;
  readonly upper: number;
}

/**
 * Wilson score interval for a binomial proportion (`successes` out of `n`) at a two-sided
 * `confidence`; with one-sided use pass `2 · confidence − 1`.
 *
 * @example
 * ```ts
 * wilsonInterval(0, 1000, 0.9); // { lower: 0, upper: ≈ 0.0027 }
 * ```
 */
export function wilsonInterval(successes: number, n: number, confidence: number): Interval {
  if (n === 0) return { lower: 0, upper: 1 };
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const p = successes / n;
  const z2 = z * z;
  const center = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return { lower: Math.max(0, center - half), upper: Math.min(1, center + half) };
}

/**
 * The `p`-quantile of a sorted array by linear interpolation (type 7, as R and NumPy).
 *
 * @example
 * ```ts
 * sortedQuantile([1, 2, 3, 4], 0.5); // 2.5
 * ```
 */
export function sortedQuantile(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  const a = sorted[lo] ?? Number.NaN;
  const b = sorted[hi] ?? Number.NaN;
  return a + (h - lo) * (b - a);
}

/** A point estimate with its interval. */
export interface Estimate extends Interval {
  readonly estimate: number;
}

/**
 * Hodges–Lehmann estimate of the center of paired differences, with the Wilcoxon
 * signed-rank confidence interval (two-sided): the median of the Walsh averages
 * (dᵢ + dⱼ)/2, i ≤ j, and the Walsh averages at the ranks the signed-rank distribution
 * gives. Distribution-free for symmetric differences and robust to a few wild pairs (a
 * round where a neighbour process hit one side). Exact null distribution up to 100 pairs,
 * normal approximation beyond. `undefined` when `n` is too small for the confidence asked
 * (at 95%: fewer than 6 pairs).
 *
 * @example
 * ```ts
 * signedRankInterval([0.2, 0.25, 0.18, 0.22, 0.3, 0.19, 0.21, 0.24, 0.2, 0.23], 0.95);
 * // { estimate: ≈ 0.22, lower: ≈ 0.2, upper: ≈ 0.245 }
 * ```
 */
export function signedRankInterval(differences: readonly number[], confidence: number): Estimate | undefined {
  const n = differences.length;
  if (n === 0) return undefined;
  const walsh: number[] = [];
  for (let i = 0; i < n; i++)
    for (let j = i; j < n; j++) walsh.push(((differences[i] as number) + (differences[j] as number)) / 2);
  walsh.sort((a, b) => a - b);
  const m = walsh.length;
  const alpha = 1 - confidence;
  let critical: number; // the largest t with P(T+ <= t) <= alpha / 2, or -1
  if (n <= 100) {
    // counts[t] = number of sign patterns with rank sum t; P = counts / 2^n.
    let counts = new Float64Array(m + 1);
    counts[0] = 1;
    for (let rank = 1; rank <= n; rank++) {
      const next = new Float64Array(m + 1);
      for (let t = 0; t <= m; t++) {
        const c = counts[t] as number;
        if (c === 0) continue;
        next[t] = (next[t] as number) + c;
        if (t + rank <= m) next[t + rank] = (next[t + rank] as number) + c;
      }
      counts = next;
    }
    const total = 2 ** n;
    critical = -1;
    let cumulative = 0;
    for (let t = 0; t <= m; t++) {
      cumulative += counts[t] as number;
      if (cumulative / total <= alpha / 2) critical = t;
      else break;
    }
  } else {
    const mean = m / 2;
    const sd = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24);
    critical = Math.floor(mean - normalQuantile(1 - alpha / 2) * sd - 0.5);
  }
  if (critical < 0) return undefined;
  const rank = critical + 1; // 1-based rank into the sorted Walsh averages
  const median =
    m % 2 === 1
      ? (walsh[(m - 1) / 2] as number)
      : ((walsh[m / 2 - 1] as number) + (walsh[m / 2] as number)) / 2;
  return { estimate: median, lower: walsh[rank - 1] as number, upper: walsh[m - rank] as number };
}
