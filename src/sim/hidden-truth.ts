import type { Rng } from '../util/rng.js';

/**
 * How the simulated nodes really differ from the catalog, which the router never sees. Factors multiply
 * *times* (like src/learn/node-speed.ts): a decode factor of 1.5 means 1.5× the catalog's ms per token;
 * a load factor of 2 means half the catalog's storage bandwidth.
 */
export interface TruthSpec {
  /** σ of the log of each node's prefill factor (log-normal, median 1); 0: the catalog exactly. */
  prefillSigma: number;
  decodeSigma: number;
  /** σ of the log of each node's load-time factor (all tiers). */
  loadSigma: number;
  /** Random straggler episodes: a node slows by `factor` for `durationS` (uniform draws in the ranges). */
  stragglers?: {
    perNodeHour: number;
    factor: { min: number; max: number };
    durationS: { min: number; max: number };
  };
  /** Episodes given explicitly, by node index. */
  episodes: StragglerEpisode[];
  /** σ of the log-normal noise on the service times nodes report in telemetry (0: exact). */
  telemetryNoise: number;
}

export interface StragglerEpisode {
  node: number;
  atS: number;
  durationS: number;
  factor: number;
}

export const NO_TRUTH: TruthSpec = {
  prefillSigma: 0,
  decodeSigma: 0,
  loadSigma: 0,
  episodes: [],
  telemetryNoise: 0,
};

function logNormals(n: number, sigma: number, rng: Rng): Float64Array {
  const out = new Float64Array(n).fill(1);
  if (sigma > 0) for (let i = 0; i < n; i++) out[i] = Math.exp(sigma * rng.normal());
  return out;
}

/**
 * The drawn hidden truth of one run (the same for every policy): per node prefill, decode and load
 * factors, and straggler episodes. Draws come from their own streams of `rng`, so adding a straggler
 * never changes the speed factors.
 */
export class HiddenTruth {
  readonly prefill: Float64Array;
  readonly decode: Float64Array;
  readonly load: Float64Array;
  /** Episodes sorted by start, and per node the indices of its episodes. */
  readonly episodes: readonly StragglerEpisode[];
  private readonly byNode: number[][];
  /** False when every factor is 1 and there is no episode: the catalog is the truth. */
  readonly deviates: boolean;

  /**
   * `slower`: nodes that run slower than the hardware they declared (speed liars), by node index, with the
   * factor on their prefill and decode times; drawing them does not change anyone's other factors.
   */
  constructor(
    readonly spec: TruthSpec,
    nodeCount: number,
    durationS: number,
    rng: Rng,
    slower: ReadonlyMap<number, number> = new Map(),
  ) {
    this.prefill = logNormals(nodeCount, spec.prefillSigma, rng.fork('prefill'));
    this.decode = logNormals(nodeCount, spec.decodeSigma, rng.fork('decode'));
    for (const [n, f] of slower) {
      if (!(n >= 0 && n < nodeCount)) continue;
      this.prefill[n]! *= f;
      this.decode[n]! *= f;
    }
    this.load = logNormals(nodeCount, spec.loadSigma, rng.fork('load'));
    const episodes = spec.episodes.filter((e) => e.node >= 0 && e.node < nodeCount);
    const s = spec.stragglers;
    if (s && s.perNodeHour > 0) {
      const r = rng.fork('stragglers');
      const meanGapS = 3600 / s.perNodeHour;
      for (let node = 0; node < nodeCount; node++) {
        for (let t = r.exponential(meanGapS); t < durationS; t += r.exponential(meanGapS)) {
          const durS = r.uniform(s.durationS.min, s.durationS.max);
          episodes.push({ node, atS: t, durationS: durS, factor: r.uniform(s.factor.min, s.factor.max) });
          t += durS;
        }
      }
    }
    episodes.sort((a, b) => a.atS - b.atS || a.node - b.node);
    this.episodes = episodes;
    this.byNode = Array.from({ length: nodeCount }, () => []);
    episodes.forEach((e, k) => {
      this.byNode[e.node]!.push(k);
    });
    this.deviates =
      spec.prefillSigma > 0 ||
      spec.decodeSigma > 0 ||
      spec.loadSigma > 0 ||
      episodes.length > 0 ||
      slower.size > 0;
  }

  /** Slow-down of node `n` at `tMs` from straggler episodes (product of the active ones; 1 when none). */
  slow(n: number, tMs: number): number {
    const list = this.byNode[n];
    if (!list || list.length === 0) return 1;
    let f = 1;
    const tS = tMs / 1000;
    for (const k of list) {
      const e = this.episodes[k]!;
      if (tS >= e.atS && tS < e.atS + e.durationS) f *= e.factor;
    }
    return f;
  }

  /** True prefill factor of node `n` at `tMs`. */
  prefillAt(n: number, tMs: number): number {
    return this.prefill[n]! * this.slow(n, tMs);
  }

  decodeAt(n: number, tMs: number): number {
    return this.decode[n]! * this.slow(n, tMs);
  }

  /** For results.json: the spec and a summary of what was drawn. */
  describe(nodeIds: readonly string[]): TruthReport {
    return {
      spec: {
        prefillSigma: this.spec.prefillSigma,
        decodeSigma: this.spec.decodeSigma,
        loadSigma: this.spec.loadSigma,
        telemetryNoise: this.spec.telemetryNoise,
        ...(this.spec.stragglers ? { stragglers: this.spec.stragglers } : {}),
      },
      prefill: spread(this.prefill),
      decode: spread(this.decode),
      load: spread(this.load),
      stragglerEpisodes: this.episodes.map((e) => ({
        node: nodeIds[e.node] ?? String(e.node),
        atS: round(e.atS),
        durationS: round(e.durationS),
        factor: round(e.factor),
      })),
    };
  }
}

export interface TruthReport {
  spec: Omit<TruthSpec, 'episodes' | 'stragglers'> & { stragglers?: TruthSpec['stragglers'] };
  prefill: Spread;
  decode: Spread;
  load: Spread;
  stragglerEpisodes: Array<{ node: string; atS: number; durationS: number; factor: number }>;
}

export interface Spread {
  min: number;
  p10: number;
  median: number;
  p90: number;
  max: number;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function spread(xs: Float64Array): Spread {
  if (xs.length === 0) return { min: 1, p10: 1, median: 1, p90: 1, max: 1 };
  const s = Float64Array.from(xs).sort();
  const at = (q: number) => round(s[Math.min(s.length - 1, Math.floor(q * s.length))]!);
  return { min: round(s[0]!), p10: at(0.1), median: at(0.5), p90: at(0.9), max: round(s[s.length - 1]!) };
}
