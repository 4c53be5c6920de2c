import type { DemandJson } from '../demand/series.js';
import type { TimedEvent } from './events-window.js';
import type { TruthReport } from './hidden-truth.js';
import type { TrustReport } from './trust-tally.js';
import type { JobKind } from './verify-jobs.js';

/** The shape of results.json: what `meridian simulate --json` prints, per run and per policy (results.ts builds it). */

/** Latency quantiles in ms (null when nothing was measured). */
export interface Quantiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
  mean: number | null;
}

export interface TrafficShare {
  /** Served requests per group, largest first (top 10). */
  top: Array<{ value: string; share: number }>;
  groups: number;
  hhi: number;
  nakamoto: { '1/3': number | null; '1/2': number | null };
}

export interface GroupResult {
  requests: number;
  served: number;
  p50: number | null;
  p95: number | null;
}

export interface WarmSetResult {
  /** Loads done, the controller's and the router's (`router_loads` of them: see routing/load-ahead.ts). */
  loads: number;
  router_loads: number;
  unloads: number;
  /** Orders the node could not carry out (down, no room without evicting models in use, model busy). */
  not_done: number;
  actions: Array<{
    t_s: number;
    kind: 'load' | 'unload';
    node: string;
    model: string;
    reason: string;
    done: boolean;
  }>;
}

export interface VerificationLoad {
  jobs: number;
  failed: number;
  busy_ms: number;
  share_of_busy: number | null;
  /** Per kind; `cold`: jobs that reached their verifier without the model loaded there (see JobTally). */
  by_kind: Record<JobKind, { jobs: number; failed: number; busy_ms: number; cold: number }>;
}

export interface ZkmlResult {
  requests: number;
  unverified: number;
  prove_ms: { p50: number | null; p95: number | null };
  check_ms: { p50: number | null; p95: number | null };
  verdicts: { valid: number; invalid: number; failed: number };
}

export interface PolicyResult {
  /** What the router's trust checks caught, against the scenario's liars (routers that check claims). */
  trust?: TrustReport;
  requests: number;
  served: number;
  lost: number;
  /** Of `lost`: still in flight when the run stopped (durationS + drain). */
  unfinished: number;
  shed: number;
  failed: number;
  retries: number;
  reroutes: number;
  hedges: number;
  cold_starts: number;
  cold_start_s: number;
  /** Served requests that reached their node without the model resident and waited on its load. */
  waited_on_cold_start: number;
  /** The warm-set controller's orders (null when the policy runs none): counts and every order in order. */
  warm_set: WarmSetResult | null;
  e2e_ms: Quantiles;
  ttft_ms: Quantiles;
  ratio_to_oracle: { p50: number | null; p95: number | null };
  ttft_ratio_to_oracle: { p50: number | null; p95: number | null };
  mean_wait_ms: number | null;
  slo: { attainment: number | null; met: number; eligible: number; default_target_ms: number };
  /** Mean busy fraction of the inference slots over the run. */
  utilization: number;
  /** |estimate − realized| ÷ realized completion time over served requests, and over the last half. */
  prediction_error: { median: number | null; p90: number | null };
  prediction_error_late: { median: number | null; p90: number | null };
  cost_usd: number;
  traffic: { provider: TrafficShare; operator: TrafficShare };
  independence: {
    decisions_with_fallback: number;
    fully_independent_share: number | null;
    lost_with_independent_fallback: number;
  };
  /** Verification of `tee` and `vanilla` requests: executor → verifier one way + the check, not queued. */
  verification_ms: { p50: number | null; p95: number | null; count: number; failed: number };
  /**
   * Verification as load: jobs run on verifiers' slots (spot-check re-executions, zkML proof checks),
   * their slot time and its share of all busy slot time (which `utilization` includes).
   */
  verification: VerificationLoad;
  /** Served zkML requests: proving time on the executor, result-to-verdict time, the checks' verdicts. */
  zkml: ZkmlResult;
  by_region: Record<string, GroupResult>;
  by_model: Record<string, GroupResult>;
  timeline: {
    bucket_s: number;
    arrivals: number[];
    served: number[];
    lost: number[];
    cold_starts: number[];
    load: number[];
    /** Mean prediction error of the requests served in each bucket (null: none served). */
    prediction_error: Array<number | null>;
  };
  /** End-to-end latency at quantiles 0, 0.01, …, 1 (ms), for CDF charts. */
  e2e_cdf_ms: Array<number | null>;
  /**
   * Demand series per (region, model), as the coordinator's `GET /v1/demand` gives them. Requests and
   * tokens are the arrivals, the same for every policy of a run; unmet (shed, refused, lost) is the
   * policy's own.
   */
  demand: DemandJson;
}

export interface SimResults {
  scenario: string;
  seed: number;
  duration_s: number;
  staleness_ms: number;
  nodes: number;
  models: number;
  client_metros: number;
  /** Knobs of the run that are not in the scenario (see SimOptions). */
  options: {
    detect_ms: number;
    max_reroutes: number;
    drain_s: number;
    slo_ms: number;
    rtt_jitter_sigma: number;
  };
  /** Outages and bursts of the scenario (for marking time charts). */
  events: TimedEvent[];
  /** Things the run could not show as the scenario describes them (e.g. an outage past the duration). */
  warnings: string[];
  /**
   * The simulator's ground truth, which the router never sees: the drawn node factors and straggler
   * episodes, and where true RTTs came from (a measured matrix, else the distance model with per-pair noise).
   */
  truth: TruthReport & {
    rtt:
      | { source: 'measured'; matrix: string; jitter_sigma: number }
      | { source: 'distance-model'; jitter_sigma: number };
  };
  oracle: { e2e_ms: Quantiles; ttft_ms: Quantiles; e2e_cdf_ms: Array<number | null> };
  policies: Record<string, PolicyResult>;
}
