/**
 * A small seeded random source for the statistics (bootstrap, Poisson arrivals, A/B order)
 * so every result can be reproduced from the seed the report prints. `sfc32` seeded through
 * `splitmix32`: fast, 128 bits of state, passes PractRand far beyond what fray draws.
 *
 * @module
 */

/** A seeded random source. */
export interface Random {
  /** The seed this source started from. */
  readonly seed: number;
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal. */
  normal(): number;
  /** Gamma(shape, 1); shape > 0. */
  gamma(shape: number): number;
  /** Beta(a, b); a, b > 0. */
  beta(a: number, b: number): number;
  /** Exponential with the given mean. */
  exponential(mean: number): number;
}

/**
 * A fresh random seed (32-bit unsigned), for when the caller gave none. Printed in reports
 * so the run can be reproduced.
 *
 * @example
 * ```ts
 * const seed = randomSeed();
 * ```
 */
export function randomSeed(): number {
  return (Math.random() * 0x1_0000_0000) >>> 0;
}

/**
 * Create a seeded random source.
 *
 * @example
 * ```ts
 * const random = createRandom(42);
 * random.next(); // always the same first value for seed 42
 * ```
 */
export function createRandom(seed: number): Random {
  let s = seed >>> 0;
  const splitmix = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  const next = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t / 0x1_0000_0000;
  };
  for (let i = 0; i < 12; i++) next();

  let spare: number | undefined;
  const normal = (): number => {
    if (spare !== undefined) {
      const value = spare;
      spare = undefined;
      return value;
    }
    let u: number;
    let v: number;
    let r: number;
    do {
      u = next() * 2 - 1;
      v = next() * 2 - 1;
      r = u * u + v * v;
    } while (r >= 1 || r === 0);
    const factor = Math.sqrt((-2 * Math.log(r)) / r);
    spare = v * factor;
    return u * factor;
  };

  // Marsaglia & Tsang (2000); shape < 1 through the boost Gamma(a) = Gamma(a + 1) · U^(1/a).
  const gamma = (shape: number): number => {
    if (shape < 1) return gamma(shape + 1) * Math.pow(1 - next(), 1 / shape);
    const d3 = shape - 1 / 3;
    const c3 = 1 / Math.sqrt(9 * d3);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = normal();
        v = 1 + c3 * x;
      } while (v <= 0);
      v = v * v * v;
      const u = 1 - next();
      if (u < 1 - 0.0331 * x * x * x * x) return d3 * v;
      if (Math.log(u) < 0.5 * x * x + d3 * (1 - v + Math.log(v))) return d3 * v;
    }
  };

  return {
    seed: seed >>> 0,
    next,
    int: (n) => Math.floor(next() * n),
    normal,
    gamma,
    beta: (alpha, beta) => {
      const x = gamma(alpha);
      return x / (x + gamma(beta));
    },
    exponential: (mean) => -Math.log(1 - next()) * mean,
  };
}
