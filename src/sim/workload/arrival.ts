import type { Model } from '../../model/model.js';
import { VERIFICATION_REQUIREMENTS, type VerificationRequirement } from '../../model/request.js';
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

/** Requirements a model can meet: `none` always, and each verification mode the model offers. */
export function requirementsMet(model: Pick<Model, 'verification'>): VerificationRequirement[] {
  const modes = new Set<string>(model.verification.map((v) => v.mode));
  return VERIFICATION_REQUIREMENTS.filter((r) => r === 'none' || modes.has(r));
}

/**
 * Draws the attributes that do not depend on the arrival process: verification requirement, dataset and
 * deadline. The requirement is drawn among those the arrival's model can meet (the mix's shares of the
 * others are spread over them in proportion; a model meeting none of the shared requirements gets `none`),
 * so the workload never asks a model for a proof it does not offer. Always the same number of draws per
 * arrival, so every policy sees the same requests.
 */
export class MixDrawer {
  /** One sampler per model index. */
  private readonly verification: WeightedSampler[];
  private readonly datasetShare: number;
  private readonly deadlineShare: number;

  constructor(
    private readonly mix: RequestMix,
    models: readonly Pick<Model, 'verification'>[],
    private readonly datasetCount: number,
  ) {
    this.verification = models.map((m) => {
      const met = new Set(requirementsMet(m));
      const w = VERIFICATION_REQUIREMENTS.map((v) => (met.has(v) ? (mix.verification[v] ?? 0) : 0));
      return new WeightedSampler(
        w.some((x) => x > 0) ? w : VERIFICATION_REQUIREMENTS.map((v) => (v === 'none' ? 1 : 0)),
      );
    });
    this.datasetShare = datasetCount > 0 ? Math.min(1, Math.max(0, mix.datasetShare)) : 0;
    this.deadlineShare = mix.deadlines ? Math.min(1, Math.max(0, mix.deadlines.share)) : 0;
  }

  draw(out: Arrival, rng: Rng): void {
    const v = this.verification[out.model]?.sample(rng) ?? 0;
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
