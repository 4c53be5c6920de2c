import { describe, expect, it } from 'vitest';
import { quantile } from '../stats/quantile.js';
import { Rng } from '../util/rng.js';
import { Vivaldi } from './vivaldi.js';

/** 30 hosts on a 200 × 200 ms plane with access heights 1–10 ms: RTT = distance + both heights. */
function syntheticSpace(seed: number) {
  const rng = new Rng(seed);
  const n = 30;
  const pts = Array.from(
    { length: n },
    () => [rng.uniform(0, 200), rng.uniform(0, 200), rng.uniform(1, 10)] as const,
  );
  const rtt = (i: number, j: number) => {
    const [xi, yi, hi] = pts[i]!;
    const [xj, yj, hj] = pts[j]!;
    return Math.hypot(xi - xj, yi - yj) + hi + hj;
  };
  return { n, rtt };
}

function train(v: Vivaldi, n: number, rtt: (i: number, j: number) => number, rounds: number, seed: number) {
  const rng = new Rng(seed);
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < n; i++) {
      const j = rng.int(n);
      if (j !== i) v.observe(i, j, rtt(i, j));
    }
  }
}

function medianRelErr(v: Vivaldi, n: number, rtt: (i: number, j: number) => number): number {
  const rel: number[] = [];
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) rel.push(Math.abs(v.predict(i, j) - rtt(i, j)) / rtt(i, j));
  return quantile(rel, 0.5);
}

describe('Vivaldi', () => {
  it('converges to under 3% median relative error on a plane with heights', () => {
    const { n, rtt } = syntheticSpace(7);
    const v = new Vivaldi(n, { dims: 2, seed: 3 });
    expect(medianRelErr(v, n, rtt)).toBeGreaterThan(0.9);
    train(v, n, rtt, 1500, 11);
    expect(medianRelErr(v, n, rtt)).toBeLessThan(0.03);
    const meanError = Array.from({ length: n }, (_, i) => v.error(i)).reduce((a, b) => a + b, 0) / n;
    expect(meanError).toBeLessThan(0.1);
  });

  it('predicts 0 from a host to itself and is symmetric', () => {
    const { n, rtt } = syntheticSpace(1);
    const v = new Vivaldi(n, { seed: 2 });
    train(v, n, rtt, 50, 5);
    expect(v.predict(4, 4)).toBe(0);
    expect(v.predict(3, 9)).toBe(v.predict(9, 3));
    expect(v.predictMs(3, 9)).toBe(v.predict(3, 9));
  });

  it('ignores samples against itself and non-positive or non-finite RTTs', () => {
    const v = new Vivaldi(2);
    const before = v.snapshot();
    v.observe(0, 0, 10);
    v.observe(0, 1, 0);
    v.observe(0, 1, -3);
    v.observe(0, 1, Number.NaN);
    v.observe(0, 1, Number.POSITIVE_INFINITY);
    expect(v.snapshot()).toEqual(before);
  });

  it('separates two hosts that start at the same point', () => {
    const v = new Vivaldi(2, { dims: 3, seed: 9 });
    for (let k = 0; k < 200; k++) {
      v.observe(0, 1, 50);
      v.observe(1, 0, 50);
    }
    expect(v.predict(0, 1)).toBeCloseTo(50, 0);
  });

  it('gives identical coordinates for the same seed and samples', () => {
    const { n, rtt } = syntheticSpace(4);
    const a = new Vivaldi(n, { seed: 8 });
    const b = new Vivaldi(n, { seed: 8 });
    train(a, n, rtt, 100, 6);
    train(b, n, rtt, 100, 6);
    expect(a.snapshot()).toEqual(b.snapshot());
  });

  it('restores a snapshot that predicts exactly like the original', () => {
    const { n, rtt } = syntheticSpace(5);
    const v = new Vivaldi(n, { dims: 4, seed: 1 });
    train(v, n, rtt, 100, 2);
    const copy = Vivaldi.fromSnapshot(JSON.parse(JSON.stringify(v.snapshot())));
    expect(copy.dims).toBe(4);
    expect(copy.size).toBe(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(copy.predict(i, j)).toBe(v.predict(i, j));
    expect(() => Vivaldi.fromSnapshot({ dims: 2, coords: [1], heights: [0], errors: [1] })).toThrow(
      RangeError,
    );
  });

  it('works without heights (pure Euclidean) and handles zero hosts', () => {
    const { n, rtt } = syntheticSpace(3);
    const v = new Vivaldi(n, { dims: 3, height: false, seed: 4 });
    train(v, n, rtt, 500, 9);
    expect(medianRelErr(v, n, rtt)).toBeLessThan(0.2);
    expect(new Vivaldi(0).snapshot()).toEqual({ dims: 3, coords: [], heights: [], errors: [] });
  });
});
