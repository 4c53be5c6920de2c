import { z } from 'zod';
import { EstimateParams } from '../estimate/params.js';
import { WarmSetParams } from '../warmset/params.js';
import type { Filter, Picker, Scorer } from './contracts.js';

/** How the engine gathers candidates before filtering. */
export const CandidateSpec = z.discriminatedUnion('mode', [
  /**
   * The `warm` nearest nodes with the model resident or loading, the `fast` fastest such nodes anywhere, the
   * `cold` nearest other capable nodes, and `explore` random capable ones.
   */
  z
    .object({
      mode: z.literal('nearest'),
      warm: z.number().int().min(0).max(4096).default(12),
      fast: z.number().int().min(0).max(4096).default(8),
      cold: z.number().int().min(0).max(4096).default(6),
      explore: z.number().int().min(0).max(4096).default(4),
    })
    .strict(),
  /** `size` capable nodes drawn uniformly at random. */
  z.object({ mode: z.literal('sample'), size: z.number().int().min(1).max(4096).default(8) }).strict(),
  /** Every capable node (a full scan). */
  z.object({ mode: z.literal('all') }).strict(),
]);
export type CandidateSpec = z.infer<typeof CandidateSpec>;

export const VerificationSpec = z
  .object({
    /** Verifiers per request that needs verification. */
    verifiers: z.number().int().min(0).max(16).default(1),
    /** Dimensions on which a verifier must differ from the executor. */
    dimensions: z.array(z.string().min(1)).default(['provider', 'operator', 'asn', 'country']),
    /** Share of verified requests that also get a re-execution spot check on an independent node. */
    spotCheckRate: z.number().min(0).max(1).default(0),
  })
  .strict();
export type VerificationSpec = z.infer<typeof VerificationSpec>;

/** A profile as written in YAML (plugin references by instance name). */
export const ProfileSpec = z
  .object({
    description: z.string().default(''),
    candidates: CandidateSpec.default({ mode: 'nearest', warm: 12, fast: 8, cold: 6, explore: 4 }),
    filters: z.array(z.string()).default([]),
    scorers: z
      .array(
        z.union([
          z.string(),
          z.object({ plugin: z.string(), weight: z.number().min(0).max(1e6).default(1) }).strict(),
        ]),
      )
      .default([]),
    picker: z.string(),
    /** `independent`: fallbacks differ from the primary and each other on the request's dimensions. `ranked`: next best. */
    fallbacks: z.enum(['independent', 'ranked']).default('independent'),
    /** Order in which independence dimensions are dropped when no fully independent fallback exists. */
    relax: z.array(z.string().min(1)).default(['asn', 'operator', 'provider']),
    /** When no candidate can meet the request's deadline: refuse (`shed`) or route to the best anyway. */
    deadline: z.enum(['shed', 'best-effort']).default('best-effort'),
    verification: VerificationSpec.default(VerificationSpec.parse({})),
    estimate: EstimateParams.default(EstimateParams.parse({})),
    /** The warm-set controller: off unless a profile turns it on. */
    warmset: WarmSetParams.default(WarmSetParams.parse({})),
  })
  .strict();
export type ProfileSpec = z.infer<typeof ProfileSpec>;

export interface NamedFilter {
  readonly name: string;
  readonly filter: Filter;
}
export interface WeightedScorer {
  readonly name: string;
  readonly weight: number;
  readonly scorer: Scorer;
}
export interface NamedPicker {
  readonly name: string;
  readonly picker: Picker;
}

/** A compiled profile: plugin instances wired with their weights. Pass it to `route()`. */
export interface Policy {
  readonly name: string;
  readonly spec: ProfileSpec;
  readonly filters: readonly NamedFilter[];
  readonly scorers: readonly WeightedScorer[];
  readonly picker: NamedPicker;
}
