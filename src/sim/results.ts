import { basename } from 'node:path';
import { hhi } from '../stats/hhi.js';
import { nakamoto } from '../stats/nakamoto.js';
import { durationWarnings, timedEvents } from './events-window.js';
import type { PolicyMetrics, WarmSetRecord } from './metrics.js';
import type {
  GroupResult,
  PolicyResult,
  Quantiles,
  SimResults,
  TrafficShare,
  VerificationLoad,
  WarmSetResult,
  ZkmlResult,
} from './results-schema.js';
import type { RunOutput } from './run.js';
import type { Sketch } from './sketch.js';
import { JOB_KINDS } from './verify-jobs.js';
import type { ZkmlTally } from './zkml.js';

export type * from './results-schema.js';

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
      const t = m.verifyJobs?.[k] ?? { jobs: 0, failed: 0, busyMs: 0, cold: 0 };
      return [k, { jobs: t.jobs, failed: t.failed, busy_ms: round3(t.busyMs) ?? 0, cold: t.cold }];
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
    router_loads: done.filter((a) => a.router).length,
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
