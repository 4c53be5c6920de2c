/**
 * The shapes of what the coordinator's dashboard API returns (`/ui/api/state`, `/ui/api/whatif`,
 * `/ui/api/demand`, `/ui/events`; the server's side is src/ui).
 */

export interface Dyn {
  health: 'fresh' | 'stale' | 'unhealthy';
  breaker: string;
  running: number;
  queued: number;
  inflight: number;
  load: number;
  warm: string[];
  loading: string[];
  trust?: { quarantined: boolean; reason?: string; score: number };
}
export interface UiNode {
  id: string;
  lat: number;
  lon: number;
  metro: string;
  operator: string;
  labels: Record<string, string>;
  roles: string[];
  slots: number;
  dyn: Dyn;
}
export interface Row {
  dimension: string;
  values: number;
  hhi: number;
  effective: number;
  nakamoto: Record<string, number>;
  top: { value: string; share: number }[];
}
export interface ErrorPoint {
  at: number;
  requests: number;
  mean: number | null;
  p50: number | null;
  p90: number | null;
}
export interface TrustPoint {
  at: number;
  nodes: number;
  quarantined: number;
  meanScore: number;
}
export interface State {
  at: number;
  nodes?: UiNode[];
  concentration: { weighting: string; rows: Row[] };
  models: { model: string; warm: number; loading: number }[];
  history: { predictionError: ErrorPoint[]; trust: TrustPoint[] };
  viewer: { role: string; refused?: string };
}
export interface Growth {
  /** Relative growth per `per` (src/demand/growth.ts). */
  rate: number;
  low: number;
  high: number;
  per: 'week' | 'day' | 'hour' | 'minute';
  confidence: number;
  points: number;
}
export interface DemandSeries {
  place: string;
  model: string;
  requests: number;
  startMs: number;
  recent: number[];
  forecast: { mean: number[]; lower: number[]; upper: number[] };
  growth: Growth | null;
}
export interface Demand {
  bucketMs: number;
  horizon: number;
  series: DemandSeries[];
  ranked: { place: string; model: string; growth: Growth }[];
}
export interface WhatIf {
  name: string;
  removed: number;
  weightLost: number;
  capacity: { region: string; before: number; after: number; lostShare: number }[];
  modelsNoWarm: string[];
  modelsNoCapable: string[];
  latency: { region: string; beforeMs: number | null; afterMs: number | null; deltaMs: number | null }[];
}
