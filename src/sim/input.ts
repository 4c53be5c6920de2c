import type { Dataset } from '../model/dataset.js';
import type { Model } from '../model/model.js';
import type { Node } from '../model/node.js';
import type { VerificationRequirement } from '../model/request.js';
import type { TruthSpec } from './hidden-truth.js';
import type { SimLiar } from './liars.js';

/**
 * What the simulator runs: a network, a workload and failures, already resolved (indices instead of
 * names). `fromScenario` (scenario-input.ts) builds one from a loaded scenario; tests build them in code.
 */
export interface SimInput {
  name: string;
  seed: number;
  durationS: number;
  /** Age of the router's view: it is rebuilt from the truth every this many ms. */
  stalenessMs: number;
  nodes: Node[];
  models: Model[];
  datasets: Dataset[];
  /** Where clients are. Requests arrive at these metros. */
  metros: ClientMetro[];
  demand: GeneratedDemand | TraceDemand;
  mix: RequestMix;
  failures: FailureSpec[];
  /** Policy names to compare, in report order. */
  policies: string[];
  /**
   * Measured RTT matrix to take true RTTs from, when the scenario names one (absolute paths). Without
   * `coords`, matrix cities are placed by matching their names with the metro catalog.
   */
  rtt?: { matrix: string; coords?: string };
  /** Hidden deviations of the nodes from the catalog; absent: the catalog is the truth. */
  truth?: TruthSpec;
  /** Nodes whose claims differ from what they do; `nodes` holds where they really are. */
  liars?: SimLiar[];
}

export interface ClientMetro {
  id: string;
  lat: number;
  lon: number;
  region: string;
  utcOffsetHours: number;
  /** Relative share of demand. */
  weight: number;
}

/** A distribution of token counts; draws are rounded and clamped to [min, max]. */
export type TokenDist =
  | { kind: 'fixed'; value: number }
  | { kind: 'lognormal'; median: number; sigma: number; min?: number; max?: number }
  | { kind: 'exponential'; mean: number; min?: number; max?: number };

export interface Burst {
  atS: number;
  durationS: number;
  /** Demand multiplier in the burst's slice while it lasts. */
  factor: number;
  /** Model index the extra demand is for; undefined: all models by popularity. */
  model?: number;
  /** Metro indices the burst applies to; undefined: all. */
  metros?: number[];
}

export interface GeneratedDemand {
  kind: 'generated';
  /** Mean total arrival rate, requests per second, before the diurnal curve and bursts. */
  totalRps: number;
  /** Rate × (1 + amplitude × cos(2π (localHour − peakLocalHour) / 24)); local hour from the metro's offset. */
  diurnal: { amplitude: number; peakLocalHour: number; startUtcHour: number };
  /** Relative popularity per model index (same order as `models`). */
  modelWeights: number[];
  /** Inter-arrival times: exponential (poisson) or Gamma with this coefficient of variation. */
  arrivals: { process: 'poisson' | 'gamma'; cv: number };
  tokens: { input: TokenDist; output: TokenDist };
  bursts: Burst[];
  /** Steady growth: the rate of these metros (undefined: all) × (1 + perDay) per simulated day. */
  growth?: Array<{ perDay: number; metros?: number[] }>;
  /** Per metro index: its own relative popularity per model index, or undefined for `modelWeights`. */
  localModelWeights?: Array<number[] | undefined>;
}

/** Replay of a trace: arrival offsets and token counts; metros by weight, models by popularity. */
export interface TraceDemand {
  kind: 'trace';
  /** Arrival offsets from the start, ms, ascending. */
  offsetsMs: Float64Array;
  input: Int32Array;
  output: Int32Array;
  modelWeights: number[];
}

/** Per-request attributes drawn independently of the arrival process. */
export interface RequestMix {
  /** Relative weights of each verification requirement. */
  verification: Partial<Record<VerificationRequirement, number>>;
  /** A share of requests carries an end-to-end deadline (ms) drawn from `ms`; undefined: none. */
  deadlines?: { share: number; ms: TokenDist };
  /** Share of requests that name a dataset (uniform among `datasets`). */
  datasetShare: number;
  /** Independence the client asks for: fallbacks to carry, dimensions, hedge. */
  fallbacks: number;
  independenceDimensions: string[];
  hedge: boolean;
}

/** `{ dimension: [values] }`: a node matches when its value on every dimension is one of the values. */
export type Selector = Record<string, string[]>;

export type FailureSpec =
  | { kind: 'outage'; atS: number; durationS: number; selector: Selector }
  | { kind: 'random'; mtbfHours: number; mttrMinutes: number; selector?: Selector };

/** Knobs of one run that are not part of the scenario. */
export interface SimOptions {
  /** A client learns that a send or an in-flight request failed this long after the failure (ms). */
  detectMs: number;
  /** New decisions after the decision's fallbacks are exhausted. */
  maxReroutes: number;
  /** Requests still unfinished this long after the end of arrivals are counted as lost (s). */
  drainS: number;
  /** Timeline bucket for the report's load and cold-start charts (s); 0: duration / 120. */
  bucketS: number;
  /** SLO for requests without a deadline (ms). */
  sloMs: number;
  /** Standard deviation of the log of the per-pair RTT jitter of the geo model. */
  rttJitterSigma: number;
}

export const DEFAULT_SIM_OPTIONS: SimOptions = {
  detectMs: 1000,
  maxReroutes: 1,
  drainS: 600,
  bucketS: 0,
  sloMs: 10_000,
  rttJitterSigma: 0.1,
};
