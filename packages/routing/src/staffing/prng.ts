import { ValidationError } from '@hotline/core';
import { assertInteger, assertNumber } from './validation.js';

/** What a {@link Prng} can be seeded with. Equal seeds give equal streams; `42` and `'42'` differ. */
export type Seed = number | string;

/** Most arrivals {@link Prng.poissonArrivals} will generate (about 80 MB of timestamps). */
export const MAX_POISSON_ARRIVALS = 10_000_000;

type State = [number, number, number, number];

// cyrb128's mixing constants; numbers and forks start from shifted constants so that their 128-bit hashes
// live in different domains from plain strings.
const STRING_DOMAIN: State = [1779033703, 3144134277, 1013904242, 2773480762];
const NUMBER_DOMAIN: State = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a];

/** cyrb128 (bryc, public domain): a fast 128-bit string hash, good enough to spread seeds over sfc32's state. */
function hash128(text: string, [s1, s2, s3, s4]: State): State {
  let h1 = s1;
  let h2 = s2;
  let h3 = s3;
  let h4 = s4;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** Hashes the number's IEEE-754 bits, so 0.1 and 0.1000000000000001 give unrelated streams. */
function seedState(seed: Seed): State {
  if (typeof seed === 'string') return hash128(seed, STRING_DOMAIN);
  assertNumber(seed, 'seed', 'finite', 'PRNG seed');
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, seed === 0 ? 0 : seed); // -0 and 0 are the same seed
  let bits = '';
  for (let i = 0; i < 8; i += 2) bits += String.fromCharCode(view.getUint16(i));
  return hash128(bits, NUMBER_DOMAIN);
}

/**
 * A small, fast, seeded pseudo-random generator: sfc32 (Chris Doty-Humphrey's Small Fast Counting generator,
 * 128-bit state, period ≥ 2^32 thanks to its counter, passes PractRand/BigCrush), seeded by hashing the seed
 * with cyrb128. Deterministic: the same seed always yields the same sequence on every platform, which is what
 * makes simulations reproducible. Not cryptographically secure.
 *
 * Distribution helpers take the parameters a contact-center model is written in (means and standard
 * deviations in seconds), not the underlying distributions' natural parameters.
 *
 * @example
 * ```ts
 * const rng = new Prng('scenario-42');
 * const handle = rng.lognormal(300, 120); // seconds; mean 300, sd 120
 * const gap = rng.exponential(1 / 0.05); // next arrival at 0.05 per second
 * ```
 */
export class Prng {
  #root: State = [0, 0, 0, 0];
  #a = 0;
  #b = 0;
  #c = 0;
  #d = 0;

  /** Seeds from a number (any finite value) or a string. */
  constructor(seed: Seed) {
    this.#seed(seedState(seed));
  }

  #seed(root: State): void {
    this.#root = root;
    [this.#a, this.#b, this.#c, this.#d] = root;
    // sfc32's usual warm-up: the first outputs of a freshly hashed state are still correlated with it.
    for (let i = 0; i < 12; i++) this.uint32();
  }

  /** A uniformly distributed integer in `0..2^32 − 1`; the raw sfc32 output. */
  uint32(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return t >>> 0;
  }

  /**
   * Uniform on [0, 1) with the full 53-bit resolution of a double (two `uint32` draws), so exponential
   * and normal tails are not cut off at 2^−32.
   */
  uniform(): number {
    const high = this.uint32() >>> 5; // 27 bits
    const low = this.uint32() >>> 6; // 26 bits
    return (high * 67_108_864 + low) / 9_007_199_254_740_992;
  }

  /** A uniformly distributed integer in `min..max` (both inclusive, safe integers). */
  integer(min: number, max: number): number {
    assertInteger(min, 'min', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, 'integer range');
    assertInteger(max, 'max', min, Number.MAX_SAFE_INTEGER, 'integer range');
    return min + Math.floor(this.uniform() * (max - min + 1));
  }

  /** Exponentially distributed with the given mean (> 0), by inversion: −mean·ln(1 − U). */
  exponential(mean: number): number {
    assertNumber(mean, 'mean', 'positive', 'exponential');
    return -mean * Math.log1p(-this.uniform());
  }

  /** Normally distributed (Box–Muller; uses two uniforms per call, no cached pair, so streams stay simple). */
  normal(mean = 0, sd = 1): number {
    assertNumber(mean, 'mean', 'finite', 'normal');
    assertNumber(sd, 'sd', 'nonNegative', 'normal');
    const u1 = 1 - this.uniform(); // (0, 1]: keeps the log finite
    const u2 = this.uniform();
    return mean + sd * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /**
   * Lognormally distributed, parameterised by the **distribution's own** mean (> 0) and standard deviation
   * (≥ 0) — e.g. a handle time of mean 300 s and sd 120 s — not by the μ, σ of the underlying normal. They
   * are derived as σ² = ln(1 + sd²/mean²), μ = ln(mean) − σ²/2. With `sd = 0` returns `mean` without drawing.
   */
  lognormal(mean: number, sd: number): number {
    assertNumber(mean, 'mean', 'positive', 'lognormal');
    assertNumber(sd, 'sd', 'nonNegative', 'lognormal');
    if (sd === 0) return mean;
    const cv = sd / mean;
    const sigma2 = Math.log1p(cv * cv);
    const mu = Math.log(mean) - sigma2 / 2;
    return Math.exp(mu + Math.sqrt(sigma2) * this.normal());
  }

  /**
   * Arrival times of a Poisson process with `ratePerSecond` (> 0) over `[start, start + horizonSeconds)`,
   * ascending, built from exponential gaps. Throws `ValidationError` when more than
   * {@link MAX_POISSON_ARRIVALS} arrivals are expected.
   */
  poissonArrivals(ratePerSecond: number, horizonSeconds: number, start = 0): number[] {
    assertNumber(ratePerSecond, 'ratePerSecond', 'positive', 'Poisson arrivals');
    assertNumber(horizonSeconds, 'horizonSeconds', 'nonNegative', 'Poisson arrivals');
    assertNumber(start, 'start', 'finite', 'Poisson arrivals');
    if (ratePerSecond * horizonSeconds > MAX_POISSON_ARRIVALS) {
      const message = `Expected at most ${MAX_POISSON_ARRIVALS} arrivals`;
      throw new ValidationError(`Invalid Poisson arrivals: ${message}`, [{ path: '', message, code: 'too_big' }]);
    }
    const end = start + horizonSeconds;
    const mean = 1 / ratePerSecond;
    const times: number[] = [];
    for (let t = start + this.exponential(mean); t < end; t += this.exponential(mean)) times.push(t);
    return times;
  }

  /**
   * An independent generator derived from this one's **seed** and `label` (not from its current position),
   * so `new Prng(s).fork('handle-times')` is the same stream however much the parent has been used. Lets a
   * simulator give arrivals, handle times and patience their own streams: changing one leaves the others be.
   */
  fork(label: string): Prng {
    if (typeof label !== 'string') {
      throw new ValidationError('Invalid fork label: expected a string', [
        { path: 'label', message: 'Expected a string', code: 'invalid_type' },
      ]);
    }
    const child = new Prng('');
    child.#seed(hash128(label, this.#root));
    return child;
  }

  /** A copy at the same position: both produce the same sequence from here on. */
  clone(): Prng {
    const copy = new Prng('');
    copy.#root = this.#root;
    [copy.#a, copy.#b, copy.#c, copy.#d] = [this.#a, this.#b, this.#c, this.#d];
    return copy;
  }
}
