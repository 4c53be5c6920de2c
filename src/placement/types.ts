import type { AcceleratorClass } from '../model/common.js';
import { DEFAULT_SIM_OPTIONS } from '../sim/input.js';

/**
 * Inputs of the placement advisor, independent of where they come from (scenario, catalog, synthetic
 * generator). `problem.ts` builds them from a scenario; `instance.ts` compiles them into the indexed
 * `Instance` both solvers read. See docs/placement.md for the formulation.
 */

/** A place one new node could go (metro × provider × accelerator), or spare memory on an existing node. */
export interface SiteInput {
  id: string;
  metro: string;
  /** Label values by dimension (`provider`, `asn`, `datacenter`, `country`, …). */
  labels: Readonly<Record<string, string>>;
  accelerator: AcceleratorClass;
  /** Accelerators in the node. */
  count: number;
  /** Requests the node runs at once (default `DEFAULT_SLOTS`, the node schema's default). */
  slots?: number;
  /** Accelerator memory usable for warm models, GB (whole node; spare memory for an existing node). */
  memoryGb: number;
  /** USD per month (0 for an existing node, and 0 with `priceUnknown` set when no price is known). */
  costUsdMonth: number;
  /** No price is known for this candidate (reported as unknown; not allowed with a budget). */
  priceUnknown?: true;
  /** Set when this "site" is spare memory on an existing node: that node's id. */
  existingNode?: string;
}

/** An existing node as far as placement is concerned. */
export interface ExistingNode {
  id: string;
  metro: string;
  labels: Readonly<Record<string, string>>;
  /** Models warm (in accelerator memory) on the node. */
  warm: readonly string[];
}

export interface DemandPoint {
  metro: string;
  region: string;
  /** Relative demand weight (≥ 0). */
  weight: number;
}

export interface PlacementModel {
  id: string;
  /** Size of the weights, GB (cold starts move this much). */
  weightsGb: number;
  /** Accelerator memory one warm replica takes, whole GB (weights plus KV-cache headroom). */
  footprintGb: number;
  /** Relative share of requests (≥ 0). */
  popularity: number;
  /** Accelerator classes with performance numbers for this model. */
  accelerators: readonly AcceleratorClass[];
  /**
   * Service time (ms) of a typical request (the demand's median input and output tokens, batch 1) per
   * accelerator class, for `devices` devices when the numbers are stated for a device count (other
   * counts scale by `deviceTimeFactor`). Absent: speed is not checked.
   */
  serviceMs?: Partial<Record<AcceleratorClass, { ms: number; devices?: number }>>;
  /** A site may keep the model warm only when its service time is at most this (ms); absent: any. */
  maxServiceMs?: number;
}

/** Round-trip time in ms between two metros. */
export type RttFn = (a: string, b: string) => number;

export interface DiversityOptions {
  /** Distinct providers each popular model should be warm on. */
  minProviders: number;
  /** Popular models = the most popular ones that together hold this share of popularity … */
  popularShare: number;
  /** … but at most this many. */
  maxPopular: number;
  /** Weight λ of the diversity term relative to coverage (which sums to at most 1). */
  weight: number;
}

export interface PlacementOptions {
  /** K: new nodes to add. */
  add: number;
  /** At most this many existing nodes get more models warm in their spare memory. */
  warmExisting: number;
  /** Monthly budget in USD for the new nodes; undefined = no budget. */
  budgetUsd: number | undefined;
  /** A pair is covered by a warm replica within this RTT (ms). */
  thresholdMs: number;
  /**
   * End-to-end SLO (ms): a replica is only placed where RTT (≤ `thresholdMs`) plus the service time of a
   * typical request fits in it. Default: the simulator's SLO for requests without a deadline.
   */
  sloMs: number;
  /**
   * k: a (metro, model) pair only sees the k nearest sites that can serve the model (all sites of the
   * metro where the k-th is reached are kept, so ties are not cut arbitrarily).
   */
  nearestSites: number;
  /** Dimension whose single-value failure the second coverage protects against. */
  robustDimension: string;
  /** ρ in [0, 1]: weight of the second, domain-disjoint coverage. */
  robustWeight: number;
  /** Maximum share of nodes (after adding K) any value of a dimension may hold: dimension → share. */
  caps: Readonly<Record<string, number>>;
  diversity: DiversityOptions;
}

export const DEFAULT_PLACEMENT_OPTIONS: PlacementOptions = {
  add: 1,
  warmExisting: 10,
  budgetUsd: undefined,
  thresholdMs: 40,
  sloMs: DEFAULT_SIM_OPTIONS.sloMs,
  nearestSites: 10,
  robustDimension: 'provider',
  robustWeight: 0.5,
  caps: { provider: 0.3, asn: 0.2 },
  diversity: { minProviders: 3, popularShare: 0.8, maxPopular: 10, weight: 0.2 },
};

/** Everything a placement instance is compiled from. */
export interface PlacementInput {
  /** New-node candidates. */
  sites: readonly SiteInput[];
  /** Spare memory on existing nodes (cost 0, not counted in K, caps or budget). */
  slots: readonly SiteInput[];
  existing: readonly ExistingNode[];
  demand: readonly DemandPoint[];
  models: readonly PlacementModel[];
  rtt: RttFn;
  options: PlacementOptions;
  /**
   * Requests per second of all demand at its forecast peak (a synthetic demand: total rate × (1 + diurnal
   * amplitude)); a pair's peak rate is this times its normalised weight. Absent: capacity is not bounded.
   */
  peakRps?: number;
}

/** Requests a node runs at once when its slots are not stated (the node schema's default). */
export const DEFAULT_SLOTS = 8;

/** One chosen element: a site (index into `Instance.sites`) and the models it keeps warm (model indices). */
export interface Pick {
  site: number;
  models: number[];
}

/** A plan: picks in the order a solver chose them (exact: by descending gain). */
export interface Plan {
  picks: Pick[];
}

/** A worst-case guarantee of the greedy heuristic for one instance. */
export interface Guarantee {
  /** Greedy ≥ ratio × optimum; 0 when no a-priori guarantee applies. */
  ratio: number;
  reason: string;
}
