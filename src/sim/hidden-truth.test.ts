import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.js';
import { HiddenTruth, NO_TRUTH } from './hidden-truth.js';

describe('HiddenTruth', () => {
  it('makes a speed liar of factor 8 prefill and decode 8× its drawn factors, and leaves every other draw as it was', () => {
    const spec = { ...NO_TRUTH, decodeSigma: 0.4, prefillSigma: 0.4, loadSigma: 0.3 };
    const honest = new HiddenTruth(spec, 50, 600, new Rng(7));
    const lying = new HiddenTruth(spec, 50, 600, new Rng(7), new Map([[3, 8]]));
    for (let n = 0; n < 50; n++) {
      const f = n === 3 ? 8 : 1;
      expect(lying.decode[n]).toBeCloseTo(honest.decode[n]! * f, 12);
      expect(lying.prefill[n]).toBeCloseTo(honest.prefill[n]! * f, 12);
      expect(lying.load[n]).toBe(honest.load[n]);
    }
    expect(new HiddenTruth(NO_TRUTH, 10, 600, new Rng(7), new Map([[3, 8]])).deviates).toBe(true);
  });

  it('draws log-normal speed factors with median ≈ 1 and log-σ ≈ 0.4 over 4,000 nodes, the same for the same seed', () => {
    const spec = { ...NO_TRUTH, decodeSigma: 0.4 };
    const a = new HiddenTruth(spec, 4000, 600, new Rng(7));
    const b = new HiddenTruth(spec, 4000, 600, new Rng(7));
    expect(Array.from(a.decode)).toEqual(Array.from(b.decode));
    const logs = Array.from(a.decode, Math.log);
    const mean = logs.reduce((s, x) => s + x, 0) / logs.length;
    const sd = Math.sqrt(logs.reduce((s, x) => s + (x - mean) ** 2, 0) / logs.length);
    expect(Math.abs(mean)).toBeLessThan(0.03); // 4 standard errors (0.4 / √4000 ≈ 0.0063)
    expect(sd).toBeGreaterThan(0.38);
    expect(sd).toBeLessThan(0.42);
    expect(Array.from(a.prefill).every((f) => f === 1)).toBe(true); // σ 0: the catalog
    expect(a.deviates).toBe(true);
    expect(new HiddenTruth(NO_TRUTH, 10, 600, new Rng(7)).deviates).toBe(false);
  });

  it('draws about perNodeHour × nodes × hours straggler episodes (2/h × 100 nodes × 1 h ≈ 200, short episodes)', () => {
    const t = new HiddenTruth(
      {
        ...NO_TRUTH,
        stragglers: { perNodeHour: 2, factor: { min: 2, max: 4 }, durationS: { min: 10, max: 20 } },
      },
      100,
      3600,
      new Rng(3),
    );
    // Poisson(≈ 198): ±4 standard deviations ≈ ±56.
    expect(Math.abs(t.episodes.length - 198)).toBeLessThan(56);
    for (const e of t.episodes) {
      expect(e.factor).toBeGreaterThanOrEqual(2);
      expect(e.factor).toBeLessThanOrEqual(4);
      expect(e.durationS).toBeGreaterThanOrEqual(10);
      expect(e.durationS).toBeLessThanOrEqual(20);
    }
    const e = t.episodes[0]!;
    expect(t.slow(e.node, (e.atS + e.durationS / 2) * 1000)).toBeGreaterThanOrEqual(e.factor);
    expect(t.slow(e.node, (e.atS + e.durationS + 1) * 1000)).toBeLessThan(e.factor);
  });

  it('reports the spec, the spread of each factor and every episode by node id for results.json', () => {
    const t = new HiddenTruth(
      { ...NO_TRUTH, prefillSigma: 0.2, episodes: [{ node: 1, atS: 5, durationS: 30, factor: 2.5 }] },
      3,
      600,
      new Rng(1),
    );
    const r = t.describe(['a', 'b', 'c']);
    expect(r.spec.prefillSigma).toBe(0.2);
    expect(r.stragglerEpisodes).toEqual([{ node: 'b', atS: 5, durationS: 30, factor: 2.5 }]);
    expect(r.decode).toEqual({ min: 1, p10: 1, median: 1, p90: 1, max: 1 });
    expect(r.prefill.min).toBeLessThanOrEqual(r.prefill.max);
  });
});
