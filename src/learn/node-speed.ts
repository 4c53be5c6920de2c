import { type FactorFilterOptions, FactorFilters } from './factor-filters.js';

/**
 * What a node is learned to be, relative to the catalog: how much slower (> 1) or faster (< 1) than the
 * catalog it prefills, decodes, and loads weights from each storage tier. Factors multiply *times*: a
 * decode factor of 1.5 means 1.5× the catalog's ms per token. Fed by observed outcomes of served
 * requests; the same code runs in the gateway and in the simulator.
 */

/** Storage tiers a load can come from, in the order of `LOAD_TIERS` (matches network/dynamics' codes 1–3). */
export const LOAD_TIERS = ['hostRam', 'localDisk', 'remote'] as const;
export type LoadTier = (typeof LOAD_TIERS)[number];

/**
 * One served request as the gateway or the simulator saw it. Times are ms from the moment the request was
 * sent to the node; `expected` holds what the catalog physics predicted for each part *with factor 1*
 * (the router's own estimate of the parts it does not learn here: RTT and queue wait).
 */
export interface ServedOutcome {
  readonly node: number;
  readonly outputTokens: number;
  /** Send → first byte of the answer. */
  readonly firstByteMs: number;
  /** Send → last byte. */
  readonly doneMs: number;
  readonly expected: {
    readonly rttMs: number;
    readonly queueMs: number;
    /** Catalog prefill of the request's input at factor 1. */
    readonly prefillMs: number;
    /** Catalog ms per output token at the batch the request ran in, factor 1. */
    readonly decodeMsPerToken: number;
  };
  /** Present when the request waited on a load of the model's weights the node reported. */
  readonly load?: {
    readonly tier: LoadTier;
    /** The load's duration as the node reported it. */
    readonly observedMs: number;
    /** Catalog transfer time of the weights from that tier at factor 1. */
    readonly expectedMs: number;
  };
}

/** A prefill share of the first byte below this is too buried in RTT and queueing to learn from. */
const MIN_PREFILL_SHARE = 0.05;

export class NodeSpeed {
  readonly nodes: number;
  readonly prefill: FactorFilters;
  readonly decode: FactorFilters;
  /** One filter per node × tier, index `node * LOAD_TIERS.length + tier`. */
  readonly load: FactorFilters;

  constructor(nodes: number, options: FactorFilterOptions = {}) {
    this.nodes = nodes;
    this.prefill = new FactorFilters(nodes, options);
    this.decode = new FactorFilters(nodes, options);
    this.load = new FactorFilters(nodes * LOAD_TIERS.length, options);
  }

  /** Learned factor on load time from `tier` (index into LOAD_TIERS) for node `i`. */
  loadFactor(i: number, tier: number): number {
    return this.load.factor(i * LOAD_TIERS.length + tier);
  }

  /**
   * Learns from one served request:
   * - decode from the time between first and last byte over the tokens after the first (needs ≥ 2
   *   output tokens);
   * - prefill from the first byte less the expected RTT, queue wait and the load, with observation noise
   *   scaled by (firstByte / prefill)², so a prefill hidden under a long queue or a long RTT counts little;
   * - load bandwidth of the reported tier from the reported load time.
   */
  observe(o: ServedOutcome, nowMs: number): void {
    const i = o.node;
    if (!(i >= 0 && i < this.nodes)) return;
    const e = o.expected;
    if (o.outputTokens >= 2 && o.doneMs > o.firstByteMs) {
      const perToken = (o.doneMs - o.firstByteMs) / (o.outputTokens - 1);
      this.decode.observe(i, perToken, e.decodeMsPerToken, nowMs);
    }
    const loadMs = o.load?.observedMs ?? 0;
    if (e.prefillMs > 0 && o.firstByteMs > 0 && e.prefillMs / o.firstByteMs >= MIN_PREFILL_SHARE) {
      const residual = o.firstByteMs - e.rttMs - e.queueMs - loadMs;
      const share = e.prefillMs / o.firstByteMs;
      if (residual > 0) this.prefill.observe(i, residual, e.prefillMs, nowMs, 1 / (share * share));
    }
    if (o.load !== undefined) {
      const tier = LOAD_TIERS.indexOf(o.load.tier);
      if (tier >= 0)
        this.load.observe(i * LOAD_TIERS.length + tier, o.load.observedMs, o.load.expectedMs, nowMs);
    }
  }
}
