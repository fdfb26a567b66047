/**
 * A small seeded pseudo-random generator (sfc32 seeded through splitmix32). Every random
 * choice fray/race makes comes from one of these, so a seed reproduces a whole exploration.
 *
 * @module
 */

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** A deterministic random source. */
export interface Prng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, bound). */
  int(bound: number): number;
  /** A 32-bit unsigned integer, e.g. to seed another generator. */
  u32(): number;
}

/**
 * A generator seeded with `seed` (any number; only its low 32 bits and `salt` matter).
 *
 * @example
 * ```ts
 * const random = prng(42);
 * random.int(6); // same value on every machine, run after run
 * ```
 */
export function prng(seed: number, salt = 0): Prng {
  const init = splitmix32((seed ^ Math.imul(salt + 1, 0x27d4eb2d)) >>> 0);
  let a = init();
  let b = init();
  let c = init();
  let d = init();
  const u32 = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) u32();
  return {
    u32,
    next: () => u32() / 4294967296,
    int: (bound) => Math.floor((u32() / 4294967296) * bound),
  };
}

/** FNV-1a, 32 bits, as 8 hex digits: short stable fingerprints for replay strings. */
export function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}
