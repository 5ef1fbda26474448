/** A small seeded PRNG (mulberry32) so every bench run uses the same inputs. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Heap in MB after a full collection (needs `--expose-gc`; otherwise without one). */
export function heapMB(): number {
  globalThis.gc?.();
  return Math.round((process.memoryUsage().heapUsed / 1_048_576) * 10) / 10;
}
