import { z } from 'zod';
import { Id } from '../../model/common.js';
import { MAX_BURST_FACTOR } from '../limits.js';
import { Distribution, MetroWeights, RegionName, Share, Weights } from './common.js';

/**
 * The `demand` section: either a synthetic workload (`totalRps` with metros, diurnal cycle, popularity,
 * arrivals and token distributions) or the replay of a trace (`trace`). Verification shares, deadlines and
 * bursts apply to both. Defaults are filled when the scenario is resolved (`resolve-demand.ts`), so the
 * file can be checked for contradictions first.
 */

export const Burst = z
  .strictObject({
    atS: z.number().min(0),
    durationS: z.number().positive(),
    /** Multiplier on the matching demand while the burst lasts (at most `MAX_BURST_FACTOR`). */
    factor: z.number().positive().max(MAX_BURST_FACTOR),
    /** Only requests for this model (default: all models). */
    model: Id.optional(),
    /** Only clients in these metros … */
    metros: z.array(Id).min(1).optional(),
    /** … or in this region (default: everywhere). */
    region: RegionName.optional(),
  })
  .refine((b) => b.metros === undefined || b.region === undefined, {
    message: 'give either metros or region, not both',
    path: ['region'],
  });
export type BurstInput = z.infer<typeof Burst>;

/**
 * Demand that grows (or shrinks) steadily: the matching clients' rate is multiplied by (1 + perDay) per
 * simulated day, compounding (smoothly, at every rate bucket).
 */
export const Growth = z
  .strictObject({
    /** Relative change per day: 0.05 = +5% a day (about +41% a week). */
    perDay: z.number().gt(-1).max(10),
    /** Only clients in these metros … */
    metros: z.array(Id).min(1).optional(),
    /** … or in this region (default: everywhere). */
    region: RegionName.optional(),
  })
  .refine((g) => g.metros === undefined || g.region === undefined, {
    message: 'give either metros or region, not both',
    path: ['region'],
  });
export type GrowthInput = z.infer<typeof Growth>;

/**
 * The model mix of some clients, replacing `models` (or `popularity`) for them, so that what is asked
 * for differs by place.
 */
export const LocalModels = z
  .strictObject({
    /** Weights by model id for these clients' requests. */
    models: Weights,
    /** These clients' metros … */
    metros: z.array(Id).min(1).optional(),
    /** … or region. */
    region: RegionName.optional(),
  })
  .refine((g) => (g.metros === undefined) !== (g.region === undefined), {
    message: 'give either metros or region',
    path: ['region'],
  });
export type LocalModelsInput = z.infer<typeof LocalModels>;

export const TraceInput = z.strictObject({
  /** CSV shaped like the Azure LLM inference traces: TIMESTAMP,ContextTokens,GeneratedTokens. */
  file: z.string().min(1),
  metros: MetroWeights.optional(),
  /** Multiplier on the trace's inter-arrival times (0.5 = twice as fast). */
  timeScale: z.number().positive().optional(),
  /** Weights by model id for the requests of the trace (default: the scenario's popularity). */
  models: Weights.optional(),
});

export const VerificationShares = z.strictObject({
  none: z.number().min(0).optional(),
  vanilla: z.number().min(0).optional(),
  tee: z.number().min(0).optional(),
  zkml: z.number().min(0).optional(),
});

const SYNTHETIC_ONLY = [
  'totalRps',
  'metros',
  'regions',
  'diurnal',
  'popularity',
  'models',
  'arrivals',
  'tokens',
  'growth',
  'localModels',
] as const;

export const DemandInput = z
  .strictObject({
    /** Mean request rate over the whole network, requests per second. */
    totalRps: z.number().positive().optional(),
    metros: MetroWeights.optional(),
    regions: z.array(RegionName).min(1).optional(),
    diurnal: z
      .strictObject({ amplitude: Share.default(0.4), peakLocalHour: z.number().min(0).max(24).default(20) })
      .optional(),
    /** Zipf popularity over the scenario's models in listed order (catalog order for the built-in catalog). */
    popularity: z.strictObject({ zipfS: z.number().min(0).max(5) }).optional(),
    /** Explicit weights by model id; replaces `popularity`. */
    models: Weights.optional(),
    arrivals: z
      .strictObject({
        process: z.enum(['poisson', 'gamma']).default('poisson'),
        /** Coefficient of variation of inter-arrival times (gamma only; poisson is 1). */
        cv: z.number().positive().max(20).default(1),
      })
      .optional(),
    tokens: z.strictObject({ input: Distribution, output: Distribution }).optional(),
    /** Relative shares of requests by required verification (default: all `none`). */
    verification: VerificationShares.optional(),
    /** A share of requests carries a deadline drawn from `ms`. */
    deadlines: z.strictObject({ share: Share, ms: Distribution }).optional(),
    bursts: z.array(Burst).default([]),
    /** Steady growth per day of some clients' demand (synthetic demand only). */
    growth: z.array(Growth).optional(),
    /** Model mixes of some places (synthetic demand only; a metro takes the last entry that names it). */
    localModels: z.array(LocalModels).optional(),
    trace: TraceInput.optional(),
  })
  .superRefine((d, ctx) => {
    if (d.trace !== undefined) {
      for (const field of SYNTHETIC_ONLY) {
        if (d[field] !== undefined) {
          ctx.addIssue({
            code: 'custom',
            message: `not allowed together with demand.trace (put metros/models inside trace)`,
            path: [field],
          });
        }
      }
    } else if (d.totalRps === undefined) {
      ctx.addIssue({ code: 'custom', message: 'required (or give demand.trace)', path: ['totalRps'] });
    }
    if (d.models !== undefined && d.popularity !== undefined) {
      ctx.addIssue({
        code: 'custom',
        message: 'give either popularity or models, not both',
        path: ['models'],
      });
    }
    if (d.arrivals?.process === 'poisson' && d.arrivals.cv !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: 'a Poisson process has cv 1; use process: gamma',
        path: ['arrivals', 'cv'],
      });
    }
  });
export type DemandInput = z.infer<typeof DemandInput>;
