import { VERIFICATION_REQUIREMENTS } from '../../model/request.js';
import { type Rng, WeightedSampler } from '../../util/rng.js';
import type { RequestMix } from '../input.js';
import { drawTokens } from './tokens.js';

/** One arrival, written into a reused object by an `ArrivalSource`. */
export interface Arrival {
  /** Arrival time, ms from the start. */
  t: number;
  metro: number;
  model: number;
  input: number;
  output: number;
  /** Index into VERIFICATION_REQUIREMENTS. */
  verification: number;
  /** Dataset index, or -1. */
  dataset: number;
  /** End-to-end deadline in ms from arrival; Infinity when none. */
  deadlineMs: number;
}

export function emptyArrival(): Arrival {
  return {
    t: 0,
    metro: 0,
    model: 0,
    input: 0,
    output: 0,
    verification: 0,
    dataset: -1,
    deadlineMs: Number.POSITIVE_INFINITY,
  };
}

/** A stream of arrivals in time order. `next` returns false once the stream is past its end. */
export interface ArrivalSource {
  next(out: Arrival): boolean;
}

/**
 * Draws the attributes that do not depend on the arrival process: verification requirement, dataset and
 * deadline. Always the same number of draws per arrival, so every policy sees the same requests.
 */
export class MixDrawer {
  private readonly verification: WeightedSampler;
  private readonly datasetShare: number;
  private readonly deadlineShare: number;

  constructor(
    private readonly mix: RequestMix,
    private readonly datasetCount: number,
  ) {
    this.verification = new WeightedSampler(VERIFICATION_REQUIREMENTS.map((v) => mix.verification[v] ?? 0));
    this.datasetShare = datasetCount > 0 ? Math.min(1, Math.max(0, mix.datasetShare)) : 0;
    this.deadlineShare = mix.deadlines ? Math.min(1, Math.max(0, mix.deadlines.share)) : 0;
  }

  draw(out: Arrival, rng: Rng): void {
    const v = this.verification.sample(rng);
    out.verification = Math.max(v, 0);
    const u = rng.next();
    out.dataset =
      u < this.datasetShare
        ? Math.min(this.datasetCount - 1, Math.floor((u / this.datasetShare) * this.datasetCount))
        : -1;
    const hasDeadline = rng.next() < this.deadlineShare;
    const ms = this.mix.deadlines ? drawTokens(this.mix.deadlines.ms, rng) : 0;
    out.deadlineMs = hasDeadline && ms > 0 ? ms : Number.POSITIVE_INFINITY;
  }
}
