/** The shapes of what the coordinator's dashboard API returns (`/ui/api/state`, `/ui/api/whatif`, `/ui/events`). */

export interface Dyn {
  health: 'fresh' | 'stale' | 'unhealthy';
  breaker: string;
  running: number;
  queued: number;
  inflight: number;
  load: number;
  warm: string[];
  loading: string[];
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
export interface State {
  at: number;
  nodes: UiNode[];
  concentration: { weighting: string; rows: Row[] };
  models: { model: string; warm: number; loading: number }[];
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
