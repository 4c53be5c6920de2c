import { type Rng, WeightedSampler } from '../../util/rng.js';
import type { ClientMetro, GeneratedDemand } from '../input.js';
import type { Arrival, ArrivalSource, MixDrawer } from './arrival.js';
import { diurnalFactor, growthFactor } from './diurnal.js';
import { drawTokens } from './tokens.js';

/** Rates are piecewise constant over buckets of this length (s), evaluated at the bucket's middle. */
export const RATE_BUCKET_S = 10;

interface Bucket {
  /** Total rate, arrivals per ms. */
  rate: number;
  sampler: WeightedSampler;
  metro: Int32Array;
  /** Model of the class, or -1 to draw by popularity. */
  model: Int32Array;
}

/**
 * Arrivals of a generated workload: a renewal process (exponential or Gamma inter-arrival times with mean
 * 1) run in operational time and mapped through the cumulative rate, so the rate may change at every
 * bucket (diurnal curve per metro, bursts) without distorting the process. Each arrival belongs to a class
 * (metro, model or "by popularity") drawn in proportion to the class rates of its bucket; "by popularity"
 * is by the metro's own model mix where the scenario gives one.
 */
export class GeneratedArrivals implements ArrivalSource {
  private t = 0;
  private bucketIndex = -1;
  private bucket: Bucket | undefined;
  private readonly endMs: number;
  private readonly models: WeightedSampler;
  /** Per metro index: the sampler of its own model mix (`models` where it has none). */
  private readonly localModels: WeightedSampler[];
  private readonly metroShare: number[];
  private readonly popularity: number[];
  private readonly shape: number;

  constructor(
    private readonly demand: GeneratedDemand,
    private readonly metros: readonly ClientMetro[],
    private readonly mix: MixDrawer,
    durationS: number,
    private readonly arrivalsRng: Rng,
    private readonly tokensRng: Rng,
  ) {
    this.endMs = durationS * 1000;
    this.models = new WeightedSampler(demand.modelWeights);
    this.localModels = metros.map((_, i) => {
      const w = demand.localModelWeights?.[i];
      return w === undefined ? this.models : new WeightedSampler(w);
    });
    const totalPop = demand.modelWeights.reduce((s, w) => s + Math.max(w, 0), 0);
    this.popularity = demand.modelWeights.map((w) => (totalPop > 0 && w > 0 ? w / totalPop : 0));
    const totalW = metros.reduce((s, m) => s + Math.max(m.weight, 0), 0);
    this.metroShare = metros.map((m) => (totalW > 0 && m.weight > 0 ? m.weight / totalW : 0));
    const cv = demand.arrivals.process === 'poisson' ? 1 : Math.max(1e-3, demand.arrivals.cv);
    this.shape = 1 / (cv * cv);
  }

  next(out: Arrival): boolean {
    if (this.endMs <= 0 || this.models.size === 0) return false;
    // Unit-mean inter-arrival in operational time.
    let work =
      this.shape === 1 ? this.arrivalsRng.exponential(1) : this.arrivalsRng.gamma(this.shape, 1 / this.shape);
    const bucketMs = RATE_BUCKET_S * 1000;
    for (;;) {
      const b = Math.floor(this.t / bucketMs);
      if (b !== this.bucketIndex) this.enter(b);
      const rate = this.bucket!.rate;
      const toEnd = (b + 1) * bucketMs - this.t;
      if (rate * toEnd >= work && rate > 0) {
        this.t += work / rate;
        break;
      }
      work -= rate * toEnd;
      this.t = (b + 1) * bucketMs;
      if (this.t >= this.endMs) return false;
    }
    if (this.t >= this.endMs) return false;
    const bucket = this.bucket!;
    const c = bucket.sampler.sample(this.arrivalsRng);
    out.metro = bucket.metro[c]!;
    const popular = this.localModels[out.metro]!.sample(this.arrivalsRng);
    out.t = this.t;
    const m = bucket.model[c]!;
    out.model = m >= 0 ? m : popular;
    out.input = drawTokens(this.demand.tokens.input, this.tokensRng);
    out.output = drawTokens(this.demand.tokens.output, this.tokensRng);
    this.mix.draw(out, this.tokensRng);
    return true;
  }

  /** Rate of the whole workload at time tS (arrivals/s), as used by the generator. */
  rateAt(tS: number): number {
    const b = Math.floor(tS / RATE_BUCKET_S);
    return this.buildBucket(b).rate * 1000;
  }

  private enter(b: number): void {
    this.bucketIndex = b;
    this.bucket = this.buildBucket(b);
  }

  private buildBucket(b: number): Bucket {
    const mid = (b + 0.5) * RATE_BUCKET_S;
    const d = this.demand;
    const base = this.metros.map(
      (m, i) => d.totalRps * this.metroShare[i]! * diurnalFactor(mid, m.utcOffsetHours, d.diurnal),
    );
    for (const g of d.growth ?? []) {
      const factor = growthFactor(mid, g.perDay);
      for (const i of g.metros ?? base.keys()) base[i] = base[i]! * factor;
    }
    const weights: number[] = [];
    const metro: number[] = [];
    const model: number[] = [];
    const active = d.bursts.filter((x) => mid >= x.atS && mid < x.atS + x.durationS);
    const scaled = base.slice();
    for (const burst of active) {
      if (burst.model !== undefined) continue;
      for (const i of burst.metros ?? base.keys()) scaled[i] = scaled[i]! * burst.factor;
    }
    scaled.forEach((w, i) => {
      weights.push(w);
      metro.push(i);
      model.push(-1);
    });
    for (const burst of active) {
      if (burst.model === undefined) continue;
      const share = this.popularity[burst.model] ?? 0;
      for (const i of burst.metros ?? base.keys()) {
        weights.push(Math.max(0, burst.factor - 1) * base[i]! * share);
        metro.push(i);
        model.push(burst.model);
      }
    }
    const rate = weights.reduce((s, w) => s + Math.max(w, 0), 0) / 1000;
    return {
      rate,
      sampler: new WeightedSampler(weights),
      metro: Int32Array.from(metro),
      model: Int32Array.from(model),
    };
  }
}
