import { basename } from 'node:path';
import type { DemandJson } from '../demand/series.js';
import { hhi } from '../stats/hhi.js';
import { nakamoto } from '../stats/nakamoto.js';
import { durationWarnings, type TimedEvent, timedEvents } from './events-window.js';
import type { TruthReport } from './hidden-truth.js';
import type { PolicyMetrics, WarmSetRecord } from './metrics.js';
import type { RunOutput } from './run.js';
import type { Sketch } from './sketch.js';
import type { TrustReport } from './trust-tally.js';
import { JOB_KINDS, type JobKind } from './verify-jobs.js';
import type { ZkmlTally } from './zkml.js';

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
  loads: number;
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
  by_kind: Record<JobKind, { jobs: number; failed: number; busy_ms: number }>;
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

/** Rounds to 3 decimals; NaN and ±Infinity become null (JSON has no such numbers). */
export function round3(x: number): number | null {
  if (!Number.isFinite(x)) return null;
  return Math.round(x * 1000) / 1000;
}

function ratio(a: number, b: number): number | null {
  return b > 0 && Number.isFinite(a) && Number.isFinite(b) ? round3(a / b) : null;
}

function quantiles(s: Sketch): Quantiles {
  return {
    p50: round3(s.quantile(0.5)),
    p95: round3(s.quantile(0.95)),
    p99: round3(s.quantile(0.99)),
    mean: round3(s.mean()),
  };
}

/** Quantiles 0, 0.01, …, 1 (for CDF charts). */
function cdf(s: Sketch): Array<number | null> {
  return Array.from({ length: 101 }, (_, i) => round3(s.quantile(i / 100)));
}

function errorQuantiles(s: Sketch): { median: number | null; p90: number | null } {
  return s.count > 0
    ? { median: round3(s.quantile(0.5)), p90: round3(s.quantile(0.9)) }
    : { median: null, p90: null };
}

function traffic(served: Float64Array, names: readonly string[]): TrafficShare {
  const total = served.reduce((s, x) => s + x, 0);
  const order = [...served.keys()]
    .filter((i) => served[i]! > 0)
    .sort((a, b) => served[b]! - served[a]! || (names[a]! < names[b]! ? -1 : 1));
  const nk = (t: number) => {
    const v = nakamoto(served, t);
    return Number.isFinite(v) ? v : null;
  };
  return {
    top: order.slice(0, 10).map((i) => ({ value: names[i]!, share: round3(served[i]! / total) ?? 0 })),
    groups: order.length,
    hhi: round3(hhi(served)) ?? 0,
    nakamoto: { '1/3': nk(1 / 3), '1/2': nk(1 / 2) },
  };
}

function group(g: { arrived: number; served: number; e2e: Sketch }): GroupResult {
  return {
    requests: g.arrived,
    served: g.served,
    p50: round3(g.e2e.quantile(0.5)),
    p95: round3(g.e2e.quantile(0.95)),
  };
}

function policyResult(out: RunOutput, m: PolicyMetrics): PolicyResult {
  const { shared } = out;
  const net = shared.net;
  let slots = 0;
  for (let i = 0; i < net.nodeCount; i++) if (net.inference[i]) slots += net.slots[i]!;
  const durationMs = shared.input.durationS * 1000;
  const byRegion: Record<string, GroupResult> = {};
  shared.regions.forEach((r, i) => {
    const g = m.byRegion[i]!;
    if (g.arrived > 0) byRegion[r] = group(g);
  });
  const byModel: Record<string, GroupResult> = {};
  net.models.forEach((model, i) => {
    const g = m.byModel[i]!;
    if (g.arrived > 0) byModel[model.id] = group(g);
  });
  const tl = m.timeline;
  const list = (a: Float64Array, digits = false) => Array.from(a, (x) => (digits ? (round3(x) ?? 0) : x));
  return {
    requests: m.arrived,
    served: m.served,
    lost: m.lost,
    unfinished: m.unfinished,
    shed: m.shed,
    failed: m.failed,
    retries: m.retries,
    reroutes: m.reroutes,
    hedges: m.hedges,
    cold_starts: m.coldStarts,
    cold_start_s: round3(m.coldStartS) ?? 0,
    waited_on_cold_start: m.waitedOnColdStart,
    warm_set: m.warmSet ? warmSetResult(m.warmSet) : null,
    e2e_ms: quantiles(m.e2e),
    ttft_ms: quantiles(m.ttft),
    ratio_to_oracle: {
      p50: ratio(m.e2e.quantile(0.5), m.oracleE2e.quantile(0.5)),
      p95: ratio(m.e2e.quantile(0.95), m.oracleE2e.quantile(0.95)),
    },
    ttft_ratio_to_oracle: {
      p50: ratio(m.ttft.quantile(0.5), m.oracleTtft.quantile(0.5)),
      p95: ratio(m.ttft.quantile(0.95), m.oracleTtft.quantile(0.95)),
    },
    mean_wait_ms: m.served > 0 ? round3(m.waitMsSum / m.served) : null,
    slo: {
      attainment: m.arrived > 0 ? round3(m.sloMet / m.arrived) : null,
      met: m.sloMet,
      eligible: m.arrived,
      default_target_ms: shared.options.sloMs,
    },
    utilization: slots > 0 && durationMs > 0 ? (round3(m.busySlotMs / (slots * durationMs)) ?? 0) : 0,
    prediction_error: errorQuantiles(m.predError),
    prediction_error_late: errorQuantiles(m.predErrorLate),
    cost_usd: round3(m.costUsd) ?? 0,
    traffic: {
      provider: traffic(m.providerServed, net.provider.values),
      operator: traffic(m.operatorServed, net.operator.values),
    },
    independence: {
      decisions_with_fallback: m.decisionsWithFallback,
      fully_independent_share:
        m.decisionsWithFallback > 0 ? round3(m.independentDecisions / m.decisionsWithFallback) : null,
      lost_with_independent_fallback: m.lostWithIndependentFallback,
    },
    verification_ms: {
      p50: round3(m.verification.quantile(0.5)),
      p95: round3(m.verification.quantile(0.95)),
      count: m.verification.count,
      failed: m.verificationFailed,
    },
    verification: verificationLoad(m),
    zkml: zkmlResult(m.zkml),
    by_region: byRegion,
    by_model: byModel,
    timeline: {
      bucket_s: round3(tl.bucketS) ?? 0,
      arrivals: list(tl.arrivals),
      served: list(tl.served),
      lost: list(tl.lost),
      cold_starts: list(tl.coldStarts),
      load: list(tl.load, true),
      prediction_error: Array.from(tl.predErrorSum, (s, i) =>
        tl.predErrorCount[i]! > 0 ? round3(s / tl.predErrorCount[i]!) : null,
      ),
    },
    e2e_cdf_ms: cdf(m.e2e),
    demand: m.demand.toJSON(),
    ...(m.trust ? { trust: m.trust } : {}),
  };
}

function verificationLoad(m: PolicyMetrics): VerificationLoad {
  const by = Object.fromEntries(
    JOB_KINDS.map((k) => {
      const t = m.verifyJobs?.[k] ?? { jobs: 0, failed: 0, busyMs: 0 };
      return [k, { jobs: t.jobs, failed: t.failed, busy_ms: round3(t.busyMs) ?? 0 }];
    }),
  ) as VerificationLoad['by_kind'];
  const kinds = Object.values(by);
  const busy = kinds.reduce((s, k) => s + k.busy_ms, 0);
  return {
    jobs: kinds.reduce((s, k) => s + k.jobs, 0),
    failed: kinds.reduce((s, k) => s + k.failed, 0),
    busy_ms: round3(busy) ?? 0,
    share_of_busy: m.busySlotMs > 0 ? round3(busy / m.busySlotMs) : null,
    by_kind: by,
  };
}

function zkmlResult(z: ZkmlTally): ZkmlResult {
  const q = (s: Sketch) => ({ p50: round3(s.quantile(0.5)), p95: round3(s.quantile(0.95)) });
  return {
    requests: z.served,
    unverified: z.unverified,
    prove_ms: q(z.proveMs),
    check_ms: q(z.checkMs),
    verdicts: { valid: z.valid, invalid: z.invalid, failed: z.failed },
  };
}

function warmSetResult(w: WarmSetRecord): WarmSetResult {
  const done = w.actions.filter((a) => a.done);
  return {
    loads: done.filter((a) => a.kind === 'load').length,
    unloads: done.filter((a) => a.kind === 'unload').length,
    not_done: w.actions.length - done.length,
    actions: w.actions.map((a) => ({
      t_s: round3(a.tMs / 1000) ?? 0,
      kind: a.kind,
      node: a.node,
      model: a.model,
      reason: a.reason,
      done: a.done,
    })),
  };
}

/**
 * The JSON document of a run. Nothing in it depends on the wall clock or the machine, so the same
 * scenario and seed give the same bytes.
 */
export function buildResults(out: RunOutput): SimResults {
  const { input } = out.shared;
  const first = out.policies[0]?.metrics;
  const policies: Record<string, PolicyResult> = {};
  for (const p of out.policies) policies[p.name] = policyResult(out, p.metrics);
  const none: Quantiles = { p50: null, p95: null, p99: null, mean: null };
  const events = timedEvents(input);
  return {
    scenario: input.name,
    seed: input.seed,
    duration_s: input.durationS,
    staleness_ms: input.stalenessMs,
    nodes: input.nodes.length,
    models: input.models.length,
    client_metros: input.metros.length,
    options: {
      detect_ms: out.shared.options.detectMs,
      max_reroutes: out.shared.options.maxReroutes,
      drain_s: out.shared.options.drainS,
      slo_ms: out.shared.options.sloMs,
      rtt_jitter_sigma: out.shared.options.rttJitterSigma,
    },
    events,
    warnings: durationWarnings(events, input.durationS),
    truth: {
      ...out.shared.hidden.describe(input.nodes.map((n) => n.id)),
      rtt: input.rtt
        ? {
            source: 'measured',
            matrix: basename(input.rtt.matrix),
            jitter_sigma: out.shared.options.rttJitterSigma,
          }
        : { source: 'distance-model', jitter_sigma: out.shared.options.rttJitterSigma },
    },
    oracle: first
      ? {
          e2e_ms: quantiles(first.oracleE2e),
          ttft_ms: quantiles(first.oracleTtft),
          e2e_cdf_ms: cdf(first.oracleE2e),
        }
      : { e2e_ms: none, ttft_ms: none, e2e_cdf_ms: [] },
    policies,
  };
}
