import { UsageError } from '../errors.js';
import { type Request, VERIFICATION_REQUIREMENTS } from '../model/request.js';
import { TIER_GPU } from '../network/dynamics.js';
import { NetworkState, type Snapshot } from '../network/state.js';
import type { NetworkView } from '../network/view.js';
import { loadAheadReason } from '../routing/load-ahead.js';
import { PolicyResolver } from '../routing/resolver.js';
import { route } from '../routing/route.js';
import { WARM_LIE } from './liars.js';
import { GPU_LOADING, GPU_RESIDENT } from './node-states.js';
import { MAX_CANDIDATES, MAX_VERIFIERS } from './requests.js';
import {
  DECIDE_FAILED,
  DECIDE_ROUTED,
  DECIDE_SHED,
  type RouterContext,
  type RouterFactory,
  type SimRouter,
  type SimWarmSet,
} from './router-port.js';
import { TrustMonitor } from './trust-monitor.js';
import type { TruthRtt } from './truth-rtt.js';
import { WarmSetLoop } from './warm-set-loop.js';

/**
 * The production router inside the simulator: `route()` from src/routing on a NetworkView that is
 * rebuilt from the simulator's truth every `stalenessMs` (a telemetry snapshot: health, running, queued,
 * mean service time, resident / loading models and storage tiers). Between snapshots the view only
 * changes through the router's own sends (`view.sent`, bumped by route()) and through failed sends the
 * client observed (the node is marked unhealthy until the next snapshot says otherwise). That mark and
 * the decision clock go through the NetworkState that made the view (`markDown`, `advance`); the adapter
 * never writes into the view itself.
 *
 * Policy names resolve through `policies` (the built-in profiles and a user's profiles file), the same
 * resolver `route` and `serve` use.
 */
export function routerFactoryFor(policies: PolicyResolver): RouterFactory {
  return (ctx) => routeAdapter(ctx, policies);
}

/** The router factory over the built-in profiles only. */
export const routingRouterFactory: RouterFactory = (ctx) => routeAdapter(ctx, PolicyResolver.load());

function routeAdapter(
  { input, net, metros, truth, policy, rng, world, liars: lying, clairvoyance }: RouterContext,
  policies: PolicyResolver,
): SimRouter {
  const compiled = policies.resolve(policy);
  if (compiled === undefined) throw new UsageError(policies.unknown(policy));
  // The router reads the same compiled topology as the simulated network; only its telemetry is its own.
  const state = new NetworkState(net.topology);
  const M = net.modelCount;
  const N = net.nodeCount;
  /** Model each node is reported to be loading, or -1. */
  const loading = new Int32Array(N).fill(-1);
  let view: Snapshot | undefined;
  /** Simulator client metro → the topology's metro table index (-1 when it has none). */
  const clientMetroIndex = Int32Array.from(metros, (m) => net.topology.metros.index.get(m.id) ?? -1);
  // The clairvoyant reference (estimate.truth) is told the truth: the true speeds at each snapshot and the
  // true round trips, no lies. It learns nothing; its telemetry is everyone's, and its checks (spot checks
  // as load) run as meridian's do.
  const told = compiled.spec.estimate.truth ? clairvoyance : undefined;
  if (compiled.spec.estimate.truth && told === undefined)
    throw new UsageError(
      `profile "${policy}" sets estimate.truth, but this run has no hidden truth to tell it`,
    );
  const liars = told ? undefined : lying;
  if (told) state.useRttSource(trueRoundTrips(net.topology.n, clientMetroIndex, told.rtt));
  const mix = input.mix;
  const request: Request = {
    model: '',
    client: { lat: 0, lon: 0, metro: '' },
    inputTokens: 0,
    outputTokens: 0,
    verification: 'none',
    constraints: {
      requireTee: false,
      independence: { fallbacks: mix.fallbacks, dimensions: mix.independenceDimensions, hedge: mix.hedge },
    },
  };

  function syncCell(c: number, now: number): void {
    const n = (c / M) | 0;
    const m = c - n * M;
    if (net.isApi[n] === 1) return;
    const g = truth.gpu[c];
    // A model ordered out (leaving) is reported gone: it finishes its requests but takes no new ones.
    state.setTier(n, m, g === GPU_RESIDENT && truth.leaving[c] === 0 ? TIER_GPU : truth.store[c]!);
    if (g === GPU_LOADING) {
      loading[n] = m;
      state.setLoading(n, m, Math.max(0, truth.loadEta[c]! - now));
    } else if (loading[n] === m) {
      loading[n] = -1;
      state.setLoading(n, -1, 0);
    }
  }

  let warmSet: SimWarmSet | undefined;
  const loop = compiled.spec.warmset.controller
    ? new WarmSetLoop(net, compiled.spec.warmset, { ids: metros.map((m) => m.id), table: clientMetroIndex })
    : undefined;
  if (loop) {
    warmSet = {
      periodMs: loop.periodMs,
      observe: (m, metro, inputTokens, outputTokens, now) =>
        loop.observe(m, metro, inputTokens, outputTokens, now),
      plan: (now) => {
        if (view === undefined) return [];
        const orders = loop.plan(view, now);
        for (const o of orders) monitor?.ordered(o.node, now);
        return orders;
      },
    };
  }

  const lieRng = rng.fork('lies');
  const monitor = world && new TrustMonitor(net, metros, state, world, rng.fork('trust'));

  /** Node `n` reports every model it can serve as resident; or, reporting the truth, undoes that. */
  function claimWarm(n: number, lie: boolean, now: number): void {
    for (let m = 0; m < M; m++) {
      const c = n * M + m;
      if (lie && net.capable[c] === 1) state.setTier(n, m, TIER_GPU);
      else syncCell(c, now);
    }
  }

  /** A telemetry snapshot of the truth as it is at `now` (told the truth: its hidden speeds too). */
  function refresh(now: number): void {
    for (const c of truth.takeDirty()) syncCell(c, now);
    for (let n = 0; n < N; n++) {
      state.setHealthy(n, truth.up[n] === 1);
      const hide = liars?.lies(n, 'queue', lieRng) === true;
      const running = hide ? 0 : truth.running[n]!;
      state.setLoad(n, running, hide ? 0 : truth.waiting[n]!, now, truth.meanServiceMs[n]!);
      if (liars && liars.lie[n] === WARM_LIE) claimWarm(n, liars.lies(n, 'warm', lieRng), now);
      const m = loading[n]!;
      if (m >= 0) state.setLoading(n, m, Math.max(0, truth.loadEta[n * M + m]! - now));
      if (told) {
        const h = told.hidden;
        state.setSpeedFactors(n, h.prefillAt(n, now), h.decodeAt(n, now), h.load[n]!);
      }
    }
    view = view === undefined ? state.snapshot(now) : state.refresh(view, now);
    monitor?.refresh(now, view);
  }

  return {
    ...(warmSet && { warmSet }),
    refresh,
    observeDown(node) {
      if (view) state.markDown(view, node);
    },
    observe(outcome, nowMs) {
      // The same estimators the gateway feeds: node speed from the outcome, Vivaldi from the round trip.
      if (!told) {
        state.learning.observeServed(outcome, nowMs);
        state.learning.observeClientRtt(clientMetroIndex[outcome.clientMetro]!, outcome.node, outcome.rttMs);
      }
      if (monitor && view) monitor.observe(outcome, nowMs, view);
    },
    ...(monitor
      ? {
          trust: () => monitor.state,
          sent(node, model, attempt, gen, nowMs, withDataset) {
            if (view) monitor.sent(view, node, model, attempt, gen, nowMs, withDataset);
          },
        }
      : {}),
    decide(q, now, out) {
      out.count = 0;
      out.hedge = -1;
      out.verifierCount = 0;
      out.estimateMs = Number.NaN;
      out.loadAhead = -1;
      if (view === undefined) {
        out.status = DECIDE_FAILED;
        out.reason = 'no view yet';
        return;
      }
      state.advance(view, now);
      monitor?.sweep(now, view);
      const metro = metros[q.metro]!;
      request.model = net.models[q.model]!.id;
      request.client.lat = metro.lat;
      request.client.lon = metro.lon;
      request.client.metro = metro.id;
      request.inputTokens = q.input;
      request.outputTokens = q.output;
      request.verification = VERIFICATION_REQUIREMENTS[q.vreq] ?? 'none';
      if (q.deadlineMs < Number.POSITIVE_INFINITY)
        request.deadlineMs = Math.max(1, q.deadlineMs - q.elapsedMs);
      else delete request.deadlineMs;
      if (q.dataset >= 0) request.dataset = input.datasets[q.dataset]!.id;
      else delete request.dataset;
      const d = route(request, view, compiled, rng);
      if (!d.ok) {
        out.status = d.error.code === 'deadline' ? DECIDE_SHED : DECIDE_FAILED;
        out.reason = d.error.message;
        return;
      }
      out.status = DECIDE_ROUTED;
      out.estimateMs = d.estimateMs;
      out.nodes[out.count++] = d.primaryIndex;
      loop?.routed(d.primaryIndex, q.model);
      const hedgeNode = d.hedge === null ? -1 : (d.fallbackIndexes[0] ?? -1);
      // Indexed loops: these run per decision, over lists that are often the shared frozen empty one.
      const fallbacks = d.fallbackIndexes;
      for (let k = 0; k < fallbacks.length && out.count < MAX_CANDIDATES; k++) {
        const f = fallbacks[k]!;
        if (f !== hedgeNode) out.nodes[out.count++] = f;
      }
      out.hedge = hedgeNode;
      if (d.loadAhead) {
        out.loadAhead = d.loadAhead.nodeIndex;
        out.loadAheadReason = loadAheadReason(d.loadAhead.waitMs, d.loadAhead.loadMs);
      }

      const verifiers = d.verifierIndexes;
      for (let k = 0; k < verifiers.length && out.verifierCount < MAX_VERIFIERS; k++)
        out.verifiers[out.verifierCount++] = verifiers[k]!;
    },
  };
}

/**
 * The true client→node round trips as a learned-RTT source (hosts numbered as the learner's: node `i` is
 * `i`, topology metro `k` is `n + k`); a metro no client comes from, or a pair of nodes, is unknown (-1).
 */
function trueRoundTrips(
  n: number,
  clientMetroIndex: Int32Array,
  rtt: TruthRtt,
): NonNullable<NetworkView['learnedRtt']> {
  const client = new Int32Array(Math.max(0, ...clientMetroIndex) + 1).fill(-1);
  clientMetroIndex.forEach((k, m) => {
    if (k >= 0) client[k] = m;
  });
  const ms = (a: number, b: number): number => {
    const m = a >= n && b < n ? (client[a - n] ?? -1) : -1;
    return m >= 0 ? rtt.client(m, b) : -1;
  };
  return {
    learned: (a, b) => ms(a, b) >= 0,
    learnedMs: ms,
    predictMs: ms,
    relativeError: (a, b, prior) => (ms(a, b) >= 0 ? 0 : prior),
  };
}
