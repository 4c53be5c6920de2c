import { z } from 'zod';

/**
 * Constants of the completion-time estimate, in one place. Profiles may override any of them under
 * `estimate:`; `estimateParams()` fills the rest with these defaults.
 */
export const EstimateParams = z
  .object({
    /** Telemetry of this age (ms) is half trusted: staleness s = age / (age + staleTauMs). */
    staleTauMs: z.number().positive().default(5000),
    /**
     * Share of a node's drain rate assumed NOT refilled by other routers' traffic while the report ages:
     * a reported queue shrinks by `age × slots / service × queueDrainShare` requests.
     */
    queueDrainShare: z.number().min(0).max(1).default(0.5),
    /** Copying within a metro (weights from a peer that has them resident, data from a holder), GB/s (≈ 25 Gbit/s). */
    peerGBps: z.number().positive().default(2.5),
    /** Moving a dataset (or its query) between metros, GB/s (≈ a 10 Gbit/s path). */
    wanGBps: z.number().positive().default(1.25),
    /** Freeing accelerator memory when a load needs room, ms (a stand-in, not a measurement). */
    evictMs: z.number().min(0).default(500),
    /**
     * Relative uncertainty of an RTT from the geo model: its median relative error on the WonderProxy
     * matrix is 19.3% (src/geo/rtt-model.ts, RTT_MODEL.provenance).
     */
    geoRttError: z.number().min(0).default(0.193),
    /** Relative uncertainty of a measured or learned RTT. */
    measuredRttError: z.number().min(0).default(0.05),
    /**
     * Use what the router learned from observed outcomes: per-node speed and load factors on the catalog's
     * times (with their spread in the uncertainty) and learned client→node RTTs. `false` estimates from the
     * catalog and the distance model only (a static router).
     */
    learn: z.boolean().default(true),
    /**
     * A candidate whose load must evict pays, in its cost (not in the request's estimate), what the
     * eviction costs the evicted models' next requests (`evictionPriceMs`): without it, requests for one
     * model swap another out of the only node near its own demand, and back.
     */
    priceEvictions: z.boolean().default(true),
    /**
     * The simulator's clairvoyant reference: the router is told the hidden truth (each node's true speed
     * and load factors with every telemetry snapshot, straggler episodes included, and the true
     * client→node round trips; no liar's reports) instead of learning it. Only the simulator has a truth to
     * tell: `route` and `serve` refuse a profile that sets it.
     */
    truth: z.boolean().default(false),
  })
  .strict();
export type EstimateParams = z.infer<typeof EstimateParams>;

/** The defaults, with any overrides applied. */
export function estimateParams(overrides: Partial<EstimateParams> = {}): EstimateParams {
  return EstimateParams.parse(overrides);
}
