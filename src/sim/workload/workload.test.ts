import { describe, expect, it } from 'vitest';
import { Rng } from '../../util/rng.js';
import type { ClientMetro, GeneratedDemand, RequestMix } from '../input.js';
import { emptyArrival, MixDrawer, requirementsMet } from './arrival.js';
import { diurnalFactor } from './diurnal.js';
import { GeneratedArrivals } from './generated.js';
import { drawTokens } from './tokens.js';

const METROS: ClientMetro[] = [
  { id: 'a', lat: 0, lon: 0, region: 'europe', utcOffsetHours: 0, weight: 3 },
  { id: 'b', lat: 0, lon: 10, region: 'asia', utcOffsetHours: 8, weight: 1 },
];
const MIX: RequestMix = {
  verification: { none: 1 },
  datasetShare: 0,
  fallbacks: 0,
  independenceDimensions: [],
  hedge: false,
};

/** Two models offering only vanilla (the default verification of a model). */
const VANILLA_ONLY = [
  { verification: [{ mode: 'vanilla' as const, costFactor: 1, verifyMs: 0 }] },
  { verification: [{ mode: 'vanilla' as const, costFactor: 1, verifyMs: 0 }] },
];

function demand(extra: Partial<GeneratedDemand> = {}): GeneratedDemand {
  return {
    kind: 'generated',
    totalRps: 50,
    diurnal: { amplitude: 0, peakLocalHour: 20, startUtcHour: 0 },
    modelWeights: [1, 1],
    arrivals: { process: 'poisson', cv: 1 },
    tokens: { input: { kind: 'fixed', value: 100 }, output: { kind: 'fixed', value: 10 } },
    bursts: [],
    ...extra,
  };
}

function collect(d: GeneratedDemand, durationS: number, seed = 1) {
  const g = new GeneratedArrivals(
    d,
    METROS,
    new MixDrawer(MIX, VANILLA_ONLY, 0),
    durationS,
    new Rng(seed),
    new Rng(seed + 1000),
  );
  const a = emptyArrival();
  const out: Array<{ t: number; metro: number; model: number }> = [];
  while (g.next(a)) out.push({ t: a.t, metro: a.metro, model: a.model });
  return out;
}

describe('diurnalFactor', () => {
  it('peaks at 1 + amplitude at the peak local hour and bottoms at 1 − amplitude twelve hours later', () => {
    const d = { amplitude: 0.4, peakLocalHour: 20, startUtcHour: 0 };
    expect(diurnalFactor(20 * 3600, 0, d)).toBeCloseTo(1.4, 12);
    expect(diurnalFactor(8 * 3600, 0, d)).toBeCloseTo(0.6, 12);
    // UTC+8 reaches 20:00 local at 12:00 UTC
    expect(diurnalFactor(12 * 3600, 8, d)).toBeCloseTo(1.4, 12);
    expect(diurnalFactor(123, 5, { ...d, amplitude: 0 })).toBe(1);
  });
});

describe('drawTokens', () => {
  it('rounds and clamps log-normal draws to [min, max]', () => {
    const rng = new Rng(3);
    for (let i = 0; i < 1000; i++) {
      const n = drawTokens({ kind: 'lognormal', median: 100, sigma: 2, min: 5, max: 400 }, rng);
      expect(Number.isInteger(n) && n >= 5 && n <= 400).toBe(true);
    }
    expect(drawTokens({ kind: 'fixed', value: 7.4 }, rng)).toBe(7);
  });
});

describe('GeneratedArrivals', () => {
  it("draws each metro's models from its own mix: metro b asks only for model 1, metro a keeps the 1:1 popularity, and the arrival times are those of the same run without mixes", () => {
    const plain = collect(demand(), 200);
    const local = collect(demand({ localModelWeights: [undefined, [0, 1]] }), 200);
    expect(local.map((x) => [x.t, x.metro])).toEqual(plain.map((x) => [x.t, x.metro]));
    const fromB = local.filter((x) => x.metro === 1);
    const fromA = local.filter((x) => x.metro === 0);
    expect(fromB.length).toBeGreaterThan(1000);
    expect(fromB.every((x) => x.model === 1)).toBe(true);
    // 50 req/s × 200 s × 3/4 from metro a ≈ 7,500 arrivals: model 0's share within 0.5 ± 0.03.
    const share0 = fromA.filter((x) => x.model === 0).length / fromA.length;
    expect(share0).toBeGreaterThan(0.47);
    expect(share0).toBeLessThan(0.53);
  });

  it('delivers totalRps × duration arrivals (Poisson, within 4 standard deviations) split 3:1 over metros by weight', () => {
    const arrivals = collect(demand(), 400);
    const expected = 50 * 400;
    expect(Math.abs(arrivals.length - expected)).toBeLessThan(4 * Math.sqrt(expected));
    const a = arrivals.filter((x) => x.metro === 0).length;
    expect(a / arrivals.length).toBeGreaterThan(0.73);
    expect(a / arrivals.length).toBeLessThan(0.77);
    expect(arrivals.every((x, i) => i === 0 || x.t >= arrivals[i - 1]!.t)).toBe(true);
  });

  it('has inter-arrival times with the coefficient of variation asked for (Gamma, cv 3)', () => {
    const arrivals = collect(demand({ arrivals: { process: 'gamma', cv: 3 } }), 2000);
    const gaps = arrivals.slice(1).map((x, i) => x.t - arrivals[i]!.t);
    const mean = gaps.reduce((s, g) => s + g, 0) / gaps.length;
    const sd = Math.sqrt(gaps.reduce((s, g) => s + (g - mean) ** 2, 0) / gaps.length);
    expect(mean).toBeCloseTo(20, 0); // 1000 ms / 50 rps
    expect(sd / mean).toBeGreaterThan(2.8);
    expect(sd / mean).toBeLessThan(3.2);
  });

  it('multiplies demand for one model in one metro by the burst factor while the burst lasts', () => {
    const d = demand({ bursts: [{ atS: 100, durationS: 100, factor: 5, model: 1, metros: [1] }] });
    const arrivals = collect(d, 300);
    const count = (lo: number, hi: number) =>
      arrivals.filter((x) => x.metro === 1 && x.model === 1 && x.t >= lo * 1000 && x.t < hi * 1000).length;
    // Base rate of (metro b, model 1): 50 × 1/4 × 1/2 = 6.25/s; during the burst 5× that.
    const before = count(0, 100);
    const during = count(100, 200);
    expect(before).toBeGreaterThan(625 - 4 * 25);
    expect(before).toBeLessThan(625 + 4 * 25);
    expect(during / before).toBeGreaterThan(4.4);
    expect(during / before).toBeLessThan(5.6);
  });

  it('grows one metro ×1.5 a day (perDay 0.5) while the other stays flat: rate 12.5/s → 18.75/s after a day', () => {
    const g = new GeneratedArrivals(
      demand({ growth: [{ perDay: 0.5, metros: [1] }] }),
      METROS,
      new MixDrawer(MIX, VANILLA_ONLY, 0),
      2 * 86_400,
      new Rng(1),
      new Rng(2),
    );
    // Metro a: 50 × 3/4 = 37.5/s flat; metro b: 12.5/s × 1.5^(t / 1 day), at the middle of a 10 s bucket.
    expect(g.rateAt(0)).toBeCloseTo(37.5 + 12.5 * 1.5 ** (5 / 86_400), 6);
    expect(g.rateAt(86_400)).toBeCloseTo(37.5 + 12.5 * 1.5 ** (86_405 / 86_400), 6);
    expect(g.rateAt(86_400) - g.rateAt(0)).toBeCloseTo(6.25, 2);
  });

  it('gives the same arrivals for the same seeds and none for a zero duration', () => {
    expect(collect(demand(), 30, 9)).toEqual(collect(demand(), 30, 9));
    expect(collect(demand(), 0)).toEqual([]);
  });
});

describe('MixDrawer verification draw', () => {
  const vanilla = { mode: 'vanilla' as const, costFactor: 1, verifyMs: 0 };
  const zkml = { mode: 'zkml' as const, costFactor: 1000, verifyMs: 50 };
  const tee = { mode: 'tee' as const, costFactor: 1.07, verifyMs: 5 };
  const models = [{ verification: [vanilla] }, { verification: [vanilla, zkml] }, { verification: [tee] }];
  const shares: RequestMix = { ...MIX, verification: { none: 0.85, vanilla: 0.1, tee: 0.04, zkml: 0.01 } };

  function counts(drawer: MixDrawer, model: number, n: number) {
    const rng = new Rng(5);
    const a = emptyArrival();
    a.model = model;
    const out = { none: 0, vanilla: 0, tee: 0, zkml: 0 };
    const names = ['none', 'vanilla', 'tee', 'zkml'] as const;
    for (let i = 0; i < n; i++) {
      drawer.draw(a, rng);
      out[names[a.verification]!]++;
    }
    return out;
  }

  it('lists the requirements a model meets: none always, plus its modes', () => {
    expect(requirementsMet(models[0]!)).toEqual(['none', 'vanilla']);
    expect(requirementsMet(models[1]!)).toEqual(['none', 'vanilla', 'zkml']);
    expect(requirementsMet(models[2]!)).toEqual(['none', 'tee']);
  });

  it('never draws zkml or tee for a vanilla-only model from a 85/10/4/1 mix (none ≈ 0.85/0.95 = 89.5%)', () => {
    const c = counts(new MixDrawer(shares, models, 0), 0, 20_000);
    expect(c.zkml).toBe(0);
    expect(c.tee).toBe(0);
    expect(c.none / 20_000).toBeCloseTo(0.85 / 0.95, 2);
  });

  it('draws zkml for a zkml-capable model at its 1% share', () => {
    const c = counts(new MixDrawer(shares, models, 0), 1, 20_000);
    expect(c.tee).toBe(0);
    expect(c.zkml / 20_000).toBeCloseTo(0.01 / 0.96, 2);
  });

  it('falls back to none when the model meets none of the shared requirements (100% zkml, tee-only model)', () => {
    const onlyZkml: RequestMix = { ...MIX, verification: { zkml: 1 } };
    expect(counts(new MixDrawer(onlyZkml, models, 0), 2, 1000)).toEqual({
      none: 1000,
      vanilla: 0,
      tee: 0,
      zkml: 0,
    });
  });

  it('uses the same two random draws per arrival whatever the model (policies see the same requests)', () => {
    const drawer = new MixDrawer(shares, models, 0);
    const r1 = new Rng(9);
    const r2 = new Rng(9);
    const a = emptyArrival();
    a.model = 0;
    drawer.draw(a, r1);
    a.model = 2;
    drawer.draw(a, r2);
    expect(r1.next()).toBe(r2.next());
  });
});
