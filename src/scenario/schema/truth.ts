import { z } from 'zod';
import { Id } from '../../model/common.js';
import { NumberRange } from './common.js';

/**
 * The `truth` section: how the simulated nodes really differ from the catalog, hidden from the router
 * (it sees only the catalog, its own observations and telemetry). Factors multiply times: 2 is twice as
 * slow. All draws are seeded by the scenario seed.
 */

const Sigma = z.number().min(0).max(3);

export const StragglersInput = z.strictObject({
  /** Episodes per node per hour (Poisson). */
  perNodeHour: z.number().min(0).max(1000).describe('Straggler episodes per node per hour (Poisson)'),
  /** Slow-down while an episode lasts (uniform in a range). */
  factor: NumberRange.default(3).describe('Slow-down factor of an episode, or { min, max }'),
  durationS: NumberRange.default(120).describe('Episode length, seconds, or { min, max }'),
});

export const EpisodeInput = z.strictObject({
  node: Id,
  atS: z.number().min(0),
  durationS: z.number().positive(),
  factor: z.number().positive(),
});

export const TruthInput = z.strictObject({
  /** σ of the log of each node's prefill speed factor (log-normal, median 1). */
  prefillSigma: Sigma.default(0).describe('σ of the log-normal per-node prefill time factor'),
  decodeSigma: Sigma.default(0).describe('σ of the log-normal per-node decode time factor'),
  /** σ of the log of each node's load-time factor (storage bandwidth). */
  loadSigma: Sigma.default(0).describe('σ of the log-normal per-node weight-load time factor'),
  stragglers: StragglersInput.optional(),
  episodes: z.array(EpisodeInput).default([]).describe('Straggler episodes given explicitly'),
  /** σ of the log-normal noise on the service times nodes report in telemetry. */
  telemetryNoise: Sigma.default(0).describe('σ of the log-normal noise on reported service times'),
});
export type TruthInput = z.infer<typeof TruthInput>;
