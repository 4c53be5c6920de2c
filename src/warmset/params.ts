import { z } from 'zod';

/**
 * Settings of the warm-set controller, as a routing profile gives them under `warmset:` (like
 * `estimate:`). `controller: false` (the default) leaves warm sets to the requests themselves: a model
 * loads when a request reaches a node without it, and memory is freed least recently used first.
 */
export const WarmSetParams = z
  .object({
    /** Run the controller: plan loads and unloads ahead of forecast demand every `periodS`. */
    controller: z.boolean().default(false),
    /** Seconds between two plans. */
    periodS: z.number().positive().max(86_400).default(60),
    /** Seconds ahead a plan looks: its demand forecast and its gains and costs are over this horizon. */
    horizonS: z
      .number()
      .positive()
      .max(7 * 86_400)
      .default(900),
    /** A load must save `margin` × what it costs (see planWarmSets). */
    margin: z.number().min(1).max(100).default(1.5),
    /** Two-sided coverage of the forecast interval whose upper end the plan provisions for. */
    coverage: z.number().min(0).max(0.999).default(0.8),
    /** Round trip (ms) within which a replica serves a client region's demand (see planWarmSets). */
    reachMs: z.number().positive().default(100),
    /**
     * The router starts a load of a request's model on a second node, beside the decision, when the warm
     * primary's queue wait is at least `loadAheadShare` × that load's time (routing/load-ahead.ts).
     */
    loadAhead: z.boolean().default(false),
    loadAheadShare: z.number().positive().max(100).default(0.25),
    /** Label dimension whose values are the independence domains (two per model with demand). */
    domain: z.string().min(1).default('provider'),
  })
  .strict();
export type WarmSetParams = z.infer<typeof WarmSetParams>;
