import type { InputIssue } from '../errors.js';
import type { Region } from '../geo/metros.js';
import type { Dataset } from '../model/dataset.js';
import type { Model } from '../model/model.js';
import type { Node } from '../model/node.js';
import type { VerificationRequirement } from '../model/request.js';

/** The resolved scenario: every reference checked, generators expanded, defaults filled, weights normalised. */

/** An id with a weight; in a resolved list the weights sum to 1. */
export interface WeightedId {
  id: string;
  weight: number;
}

/** A constant, or a log-normal with the given median and log-sd, clipped to [min, max] when given. */
export type ResolvedDistribution =
  | { kind: 'fixed'; value: number }
  | { kind: 'lognormal'; median: number; sigma: number; min?: number; max?: number };

export interface ResolvedBurst {
  atS: number;
  durationS: number;
  factor: number;
  model?: string;
  metros?: string[];
  region?: Region;
}

/** Steady growth: the rate of the matching clients × (1 + perDay) per day. */
export interface ResolvedGrowth {
  perDay: number;
  metros?: string[];
  region?: Region;
}

/** The model mix of some clients: popularity (summing to 1) for their metros or region. */
export interface ResolvedLocalModels {
  models: WeightedId[];
  metros?: string[];
  region?: Region;
}

interface DemandCommon {
  /** Shares of requests by required verification; sum to 1. */
  verification: Record<VerificationRequirement, number>;
  deadlines?: { share: number; ms: ResolvedDistribution };
  bursts: ResolvedBurst[];
}

export interface SyntheticDemand extends DemandCommon {
  kind: 'synthetic';
  totalRps: number;
  /** Client metros with demand shares. */
  metros: WeightedId[];
  /** Rate multiplier 1 + amplitude × cos(2π (localHour − peakLocalHour) / 24) per metro. */
  diurnal: { amplitude: number; peakLocalHour: number };
  /** Model popularity, most popular first. */
  models: WeightedId[];
  arrivals: { process: 'poisson' | 'gamma'; cv: number };
  tokens: { input: ResolvedDistribution; output: ResolvedDistribution };
  growth: ResolvedGrowth[];
  localModels: ResolvedLocalModels[];
}

export interface TraceDemand extends DemandCommon {
  kind: 'trace';
  /** Absolute path of the trace CSV (TIMESTAMP,ContextTokens,GeneratedTokens). */
  file: string;
  metros: WeightedId[];
  timeScale: number;
  models: WeightedId[];
}

export type ResolvedDemand = SyntheticDemand | TraceDemand;

/** `{ dimension: [values] }`: a node matches when, for every dimension, its value is one of the values. */
export type ResolvedSelector = Record<string, string[]>;

export type ResolvedFailure =
  | { kind: 'outage'; atS: number; durationS: number; selector: ResolvedSelector }
  | { kind: 'random'; mtbfHours: number; mttrMinutes: number; selector?: ResolvedSelector };

export interface ResolvedTruth {
  prefillSigma: number;
  decodeSigma: number;
  loadSigma: number;
  stragglers?: {
    perNodeHour: number;
    factor: { min: number; max: number };
    durationS: { min: number; max: number };
  };
  episodes: Array<{ node: string; atS: number; durationS: number; factor: number }>;
  telemetryNoise: number;
}

/** One lying node: how it lies, how often, and for a location liar the place it claims. */
export interface ResolvedLiar {
  node: string;
  lie: 'warm' | 'queue' | 'location' | 'output' | 'speed';
  rate: number;
  claim?: { metro: string; lat: number; lon: number };
  /** speed: how many times faster than it runs the node's declared hardware is. */
  factor?: number;
}

export interface Scenario {
  name: string;
  description: string;
  seed: number;
  durationS: number;
  stalenessMs: number;
  /** Absolute paths. */
  rtt?: { matrix: string; coords?: string };
  /** Hidden truth of the simulation, as written (episode nodes checked against the resolved nodes). */
  truth?: ResolvedTruth;
  /** Nodes whose claims differ from what they do (the `liars` section, one entry per node). */
  liars?: ResolvedLiar[];
  nodes: Node[];
  models: Model[];
  datasets: Dataset[];
  demand: ResolvedDemand;
  failures: ResolvedFailure[];
  /** Policy names as written; resolvable ones only when loaded with `policies` (see load.ts). */
  policies: string[];
  /** Valid but probably unintended settings (e.g. a verification share no model can meet), with lines. */
  warnings: InputIssue[];
}
