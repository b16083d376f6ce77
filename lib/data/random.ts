/**
 * A seeded random number generator, used by everything in the course that draws
 * random numbers: weight initialization, shuffling, dropout masks, synthetic data.
 *
 * Why not Math.random? Because a course needs reproducible runs: the same seed gives
 * the same weights, the same shuffles and the same figures on every learner's machine.
 *
 * The generator is mulberry32 (a 32-bit state, one multiply-xorshift step per number):
 * tiny, fast and good enough for teaching and for training small networks. Normal
 * variates come from the Box-Muller transform.
 *
 *   const rng = new Random(42);
 *   rng.next();          // uniform in [0, 1)
 *   rng.normal(0, 1);    // a draw from N(0, 1)
 *   rng.shuffle([1, 2, 3]);
 */
export class Random {
  private state: number;
  /** Box-Muller makes normals in pairs; the second one waits here. */
  private spareNormal: number | null = null;
  /** The seed this generator started from. */
  readonly seed: number;

  constructor(seed = 42) {
    if (!Number.isFinite(seed)) {
      throw new RangeError(`Random: the seed must be a finite number, got ${seed}.`);
    }
    this.seed = seed;
    // Mix the seed once so that nearby seeds (1, 2, 3...) start far apart.
    this.state = (Math.imul(Math.floor(seed) ^ 0x9e3779b9, 0x85ebca6b) >>> 0) || 0x6d2b79f5;
  }

  /** A uniform number in [0, 1) (mulberry32). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A uniform number in [low, high). */
  uniform(low = 0, high = 1): number {
    return low + (high - low) * this.next();
  }

  /** A whole number in [0, n). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) {
      throw new RangeError(`Random.int: n must be a whole number ≥ 1, got ${n}.`);
    }
    return Math.floor(this.next() * n);
  }

  /**
   * A draw from the normal distribution N(mean, std²), by the Box-Muller transform:
   * with u1, u2 uniform on (0, 1],
   *   z0 = √(−2 ln u1) · cos(2π u2),   z1 = √(−2 ln u1) · sin(2π u2)
   * are two independent standard normals.
   */
  normal(mean = 0, std = 1): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return mean + std * z;
    }
    const u1 = 1 - this.next(); // in (0, 1], so ln(u1) is finite
    const u2 = this.next();
    const radius = Math.sqrt(-2 * Math.log(u1));
    this.spareNormal = radius * Math.sin(2 * Math.PI * u2);
    return mean + std * radius * Math.cos(2 * Math.PI * u2);
  }

  /** Shuffles the array in place (Fisher-Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }

  /** A random ordering of 0, 1, ..., n − 1. */
  permutation(n: number): number[] {
    return this.shuffle(Array.from({ length: n }, (_, i) => i));
  }

  /** One element picked uniformly at random. */
  choice<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("Random.choice: cannot choose from an empty array.");
    return items[this.int(items.length)];
  }

  /** `k` distinct elements picked at random (without replacement). */
  sample<T>(items: readonly T[], k: number): T[] {
    if (!Number.isInteger(k) || k < 0 || k > items.length) {
      throw new RangeError(`Random.sample: k must be a whole number from 0 to ${items.length}, got ${k}.`);
    }
    return this.permutation(items.length)
      .slice(0, k)
      .map((i) => items[i]);
  }

  /** A new generator whose seed is drawn from this one: independent streams for sub-tasks. */
  fork(): Random {
    return new Random(Math.floor(this.next() * 4294967296));
  }
}

/** Anything that accepts a seed or a ready generator. */
export type SeedOrRandom = number | Random | undefined;

/** Turns a seed (or nothing, meaning 42) into a generator; passes a generator through. */
export function toRandom(seed: SeedOrRandom, fallbackSeed = 42): Random {
  if (seed instanceof Random) return seed;
  return new Random(seed ?? fallbackSeed);
}
