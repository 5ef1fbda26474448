import { ValidationError } from '@hotline/core';
import { describe, expect, it } from 'vitest';
import { Prng } from './prng.js';

function sample(n: number, draw: () => number): { mean: number; sd: number; min: number; max: number } {
  let sum = 0;
  let sumSq = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const x = draw();
    sum += x;
    sumSq += x * x;
    min = Math.min(min, x);
    max = Math.max(max, x);
  }
  const mean = sum / n;
  return { mean, sd: Math.sqrt((sumSq - n * mean * mean) / (n - 1)), min, max };
}

describe('Prng', () => {
  it('is deterministic per seed, pinned across versions and platforms', () => {
    const a = new Prng(42);
    expect([a.uint32(), a.uint32(), a.uint32()]).toEqual([1114357765, 3522573503, 1423449278]);
    const b = new Prng('hotline');
    expect([b.uint32(), b.uint32(), b.uint32()]).toEqual([387647100, 217081567, 1797736666]);
    const run = (seed: number | string) => {
      const rng = new Prng(seed);
      return [rng.uniform(), rng.exponential(3), rng.lognormal(300, 120), rng.normal(), rng.integer(1, 6)];
    };
    expect(run('x')).toEqual(run('x'));
    expect(run(7.5)).toEqual(run(7.5));
    expect(run(0)).toEqual(run(-0));
  });

  it('gives different streams for different seeds, including 42 vs "42" and nearby floats', () => {
    const first = (seed: number | string) => new Prng(seed).uint32();
    const seeds = [42, '42', 43, 0.1, 0.1 + Number.EPSILON / 8, '', 'a', 'b'];
    expect(new Set(seeds.map(first)).size).toBe(seeds.length);
  });

  it('draws uniforms in [0, 1) with the right moments', () => {
    const rng = new Prng('uniform');
    const s = sample(200_000, () => rng.uniform());
    expect(s.min).toBeGreaterThanOrEqual(0);
    expect(s.max).toBeLessThan(1);
    expect(s.mean).toBeCloseTo(0.5, 2);
    expect(s.sd).toBeCloseTo(Math.sqrt(1 / 12), 2);
  });

  it('draws integers uniformly over an inclusive range', () => {
    const rng = new Prng('dice');
    const counts = new Array<number>(6).fill(0);
    for (let i = 0; i < 60_000; i++) {
      const face = rng.integer(1, 6);
      counts[face - 1] = (counts[face - 1] ?? 0) + 1;
    }
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500); // ~5.5 standard deviations
    expect(new Prng(1).integer(5, 5)).toBe(5);
  });

  it('draws exponentials and normals with the requested moments', () => {
    const rng = new Prng('moments');
    const e = sample(200_000, () => rng.exponential(180));
    expect(e.min).toBeGreaterThanOrEqual(0);
    expect(Math.abs(e.mean / 180 - 1)).toBeLessThan(0.01);
    expect(Math.abs(e.sd / 180 - 1)).toBeLessThan(0.015);
    const n = sample(200_000, () => rng.normal(10, 2));
    expect(Math.abs(n.mean - 10)).toBeLessThan(0.02);
    expect(Math.abs(n.sd - 2)).toBeLessThan(0.02);
  });

  it('parameterises the lognormal by its own mean and standard deviation', () => {
    const rng = new Prng('lognormal');
    const s = sample(300_000, () => rng.lognormal(300, 120));
    expect(s.min).toBeGreaterThan(0);
    expect(Math.abs(s.mean / 300 - 1)).toBeLessThan(0.01);
    expect(Math.abs(s.sd / 120 - 1)).toBeLessThan(0.03);
    expect(rng.lognormal(300, 0)).toBe(300);
  });

  it('generates sorted Poisson arrivals at the requested rate inside the window', () => {
    const rng = new Prng('arrivals');
    const times = rng.poissonArrivals(2, 50_000, 1_000);
    expect(Math.abs(times.length - 100_000)).toBeLessThan(1_500); // sd ≈ 316
    expect(times[0]).toBeGreaterThanOrEqual(1_000);
    expect(times.at(-1)).toBeLessThan(51_000);
    expect(times.every((t, i) => i === 0 || t > (times[i - 1] ?? 0))).toBe(true);
    expect(rng.poissonArrivals(1, 0)).toEqual([]);
  });

  it('forks from the seed, not the position, and clones the position', () => {
    const parent = new Prng('root');
    const early = parent.fork('handle').uniform();
    for (let i = 0; i < 100; i++) parent.uniform();
    expect(parent.fork('handle').uniform()).toBe(early);
    expect(parent.fork('patience').uniform()).not.toBe(early);
    expect(new Prng('other').fork('handle').uniform()).not.toBe(early);
    const copy = parent.clone();
    expect([copy.uint32(), copy.uint32()]).toEqual([parent.uint32(), parent.uint32()]);
    expect(copy.fork('handle').uniform()).toBe(early);
  });

  it('rejects invalid parameters with ValidationError', () => {
    const rng = new Prng(1);
    expect(() => new Prng(Number.NaN)).toThrow(ValidationError);
    expect(() => new Prng(Number.POSITIVE_INFINITY)).toThrow(ValidationError);
    expect(() => rng.exponential(0)).toThrow(ValidationError);
    expect(() => rng.exponential(-1)).toThrow(ValidationError);
    expect(() => rng.lognormal(0, 1)).toThrow(ValidationError);
    expect(() => rng.lognormal(1, -1)).toThrow(ValidationError);
    expect(() => rng.normal(0, Number.NaN)).toThrow(ValidationError);
    expect(() => rng.integer(2, 1)).toThrow(ValidationError);
    expect(() => rng.integer(0.5, 1)).toThrow(ValidationError);
    expect(() => rng.poissonArrivals(0, 10)).toThrow(ValidationError);
    expect(() => rng.poissonArrivals(1e6, 1e6)).toThrow(ValidationError);
    expect(() => rng.fork(1 as unknown as string)).toThrow(ValidationError);
  });
});
