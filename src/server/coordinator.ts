import { randomUUID } from 'node:crypto';
import { InputError } from '../errors.js';
import { metroById } from '../geo/metros.js';
import { nearestMetro } from '../geo/nearest.js';
import { BUILTIN_MODELS } from '../model/catalog/models.js';
import type { Model } from '../model/model.js';
import type { Policy } from '../routing/policy.js';
import { notLive, PolicyResolver } from '../routing/resolver.js';
import type { RegistryStore } from '../store/registry-store.js';
import { BreakerBoard, domainKeys } from './breakers.js';
import { ClientLimiter } from './client-limits.js';
import type { Cluster } from './cluster.js';
import type { ServerConfig } from './config.js';
import { attestationVerifiers } from './config-attestation.js';
import { type DataChallengeFn, httpDataChallenge } from './data-proof-check.js';
import { DataProofs } from './data-proofs.js';
import { type Decide, routeDecider } from './decide.js';
import { DemandLog } from './demand-log.js';
import { EndpointGuard, type Resolve } from './endpoint-guard.js';
import { type ControlCheck, httpControlCheck } from './endpoint-proof.js';
import { HedgeBudget } from './hedge-budget.js';
import { PredictionErrors } from './learn-gateway.js';
import { Limiter } from './limits.js';
import { LiveNetwork } from './live-network.js';
import { LiveTrust } from './live-trust.js';
import { Counter, Gauge, Histogram, MetricsRegistry, PairCounter } from './metrics.js';
import { Prober } from './probes.js';
import { ReceiptLog } from './receipts.js';
import { RefusalBoard } from './refusals.js';
import { Registry } from './registry.js';
import { serverSecret, TokenDigests } from './secrets.js';
import { SpotChecks } from './spot-checks.js';
import { AttemptTiming } from './timing.js';
import { Upstreams } from './upstream.js';
import { WarmCommands } from './warm-commands.js';
import { WarmControl } from './warm-control.js';

/** What `buildApp` needs besides the config: the store, and optionally a clock and a decision function. */
export interface CoordinatorDeps {
  store: RegistryStore;
  now?: () => number;
  decide?: Decide;
  /** The proof of control of an endpoint (default: over HTTP, `registry.proofTimeoutMs`). */
  controlCheck?: ControlCheck;
  /** Host name resolution for endpoint checks (default: the system resolver). */
  resolve?: Resolve;
  /** The challenge of a registered dataset (default: over HTTP, `registry.proofTimeoutMs`). */
  dataChallenge?: DataChallengeFn;
}

/** Every part of the running coordinator, wired once; route handlers receive this object. */
export interface Coordinator {
  config: ServerConfig;
  /** Random per process: the gateway's mark in `x-meridian-hop`, so a request that comes back is refused. */
  instanceId: string;
  guard: EndpointGuard;
  /** Rate limits per IP, operator token and node key (config `limits`). */
  limiter: Limiter;
  /** Where a request without client hints comes from: `gateway.client` and its nearest catalog metro. */
  defaultClient: { lat: number; lon: number; metro: string };
  now: () => number;
  store: RegistryStore;
  registry: Registry;
  network: LiveNetwork;
  breakers: BreakerBoard;
  /** Penalties of nodes that refuse a model they claim (429/404/408). */
  refusals: RefusalBoard;
  upstreams: Upstreams;
  budget: HedgeBudget;
  /** Time limits of attempts, from the expected timing of the model on the node. */
  timing: AttemptTiming;
  receipts: ReceiptLog;
  /** Rate and quota state of each client key. */
  clientLimits: ClientLimiter;
  /** Demand served per (client metro, model) and minute, kept in the store (`GET /v1/demand`). */
  demand: DemandLog;
  prober: Prober;
  decide: Decide;
  metrics: CoordinatorMetrics;
  /** The warm-set controller (config `warmset`) and the commands on their way to nodes. */
  warm: { control: WarmControl; commands: WarmCommands };
  /** Trust in each node from what the coordinator observes (config `gateway.trust`; undefined when off). */
  trust?: LiveTrust;
  /** Output spot checks (config `gateway.trust.spotCheckRate` above 0). */
  spotChecks?: SpotChecks;
  /** Proofs of the datasets data nodes register: only proven ones are in the view. */
  dataProofs: DataProofs;
  /** The shared view with other coordinators, when it runs with them (`serve --nats`). */
  cluster?: Cluster;
  close(): Promise<void>;
}

export interface CoordinatorMetrics {
  registry: MetricsRegistry;
  /** Time spent in `route()`, seconds. */
  decision: Histogram;
  /** Gateway requests by node (the one that answered, or `none`) and status. */
  requests: PairCounter;
  /** Failed attempts by node and kind (connect, timeout, status, body). */
  errors: PairCounter;
  hedges: Counter;
  /** |estimate − realized| / realized of served requests (the primary answered). */
  predictionError: Histogram;
  /** The same errors, first and recent, for the live summary. */
  predictions: PredictionErrors;
}

/** Relative prediction error buckets: 1% … 10×. */
const PREDICTION_BUCKETS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10];

/** Seconds: 10 µs … 100 ms, for the decision latency histogram. */
const DECISION_BUCKETS = [1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 1e-2, 2.5e-2, 0.1];

/** The routing policy: a built-in profile, or a profile of the config's profiles file. */
function policyOf(config: ServerConfig): Policy {
  const r = config.routing;
  const policies = PolicyResolver.load(r.profilesFile);
  const policy = policies.resolve(r.policy);
  if (policy === undefined)
    throw new InputError('config', [{ path: 'routing.policy', message: policies.unknown(r.policy) }]);
  const live = notLive(policy);
  if (live) throw new InputError('config', [{ path: 'routing.policy', message: live }]);
  return policy;
}

/** The model catalog: built-in models, overridden and extended by the config's `models`. */
export function modelCatalog(extra: readonly Model[]): Model[] {
  const byId = new Map<string, Model>(BUILTIN_MODELS.map((m) => [m.id, m]));
  for (const m of extra) byId.set(m.id, m);
  return [...byId.values()];
}

export async function createCoordinator(config: ServerConfig, deps: CoordinatorDeps): Promise<Coordinator> {
  const now = deps.now ?? Date.now;
  const g = config.gateway;
  const instanceId = randomUUID();
  const guard = new EndpointGuard({
    allow: config.registry.allowEndpoints,
    check: deps.controlCheck ?? httpControlCheck(config.registry.proofTimeoutMs),
    resolveTimeoutMs: config.registry.proofTimeoutMs,
    ...(deps.resolve === undefined ? {} : { resolve: deps.resolve }),
  });
  const limiter = new Limiter(config, now);
  const digests = new TokenDigests(serverSecret(config.secret, config.dataDir));
  const registry = new Registry(
    deps.store,
    config,
    now,
    guard,
    digests,
    (id) => limiter.nodeMessage(id),
    attestationVerifiers(config.registry.attestation),
  );
  const breakers = new BreakerBoard({
    failures: g.breaker.failures,
    cooldownMs: g.breaker.cooldownMs,
    domainFailures: g.breaker.domainFailures,
  });
  const refusals = new RefusalBoard(g.refusals);
  const commands = new WarmCommands(deps.store, config.warmset.commandTtlMs, now);
  const dataProofs = new DataProofs({
    challenge: deps.dataChallenge ?? httpDataChallenge(config.registry.proofTimeoutMs),
    everyMs: config.registry.dataProofEveryMs,
    now,
    onChange: () => network.reset(registry.all()),
    onVerdict: (id, held) => trust?.recordData(id, held),
  });
  const network = new LiveNetwork({
    // The router leaves alone a model a node refuses and one the warm-set controller ordered out of it.
    refusals: {
      get version() {
        return refusals.version + commands.version;
      },
      forEachExcluded(at, f) {
        refusals.forEachExcluded(at, f);
        commands.forEachExcluded(at, f);
      },
    },
    models: modelCatalog(config.models),
    thresholds: config.telemetry,
    ...(g.metro === undefined ? {} : { coordinatorMetro: g.metro }),
    now,
    blocked: (id) => breakers.blocked(id, now()),
    quarantined: (id) => trust?.quarantined(id) === true,
    demoted: (id) => trust?.demoted(id) === true,
    rebuildEveryMs: config.limits.topologyRebuildMs,
    provenDatasets: (id) => dataProofs.proven(id),
  });
  const trust = g.trust.enabled ? liveTrust(network, g, now) : undefined;
  const upstreams = new Upstreams({
    connections: g.connectionsPerNode,
    connectTimeoutMs: g.connectTimeoutMs,
    headersTimeoutMs: g.headersTimeoutMs,
    bodyTimeoutMs: g.bodyTimeoutMs,
    hop: instanceId,
  });
  registry.onEvent((e) => {
    if (e.type === 'upsert') {
      commands.registered(e.node.record.id);
      upstreams.set(e.node.record.id, e.node.record.endpoint);
      breakers.setDomains(e.node.record.id, domainKeys(e.node.descriptor.labels, g.breaker.domainDimensions));
    } else if (e.type === 'remove') {
      dataProofs.removed(e.nodeId);
      commands.removed(e.nodeId);
      upstreams.remove(e.nodeId);
      breakers.removeNode(e.nodeId);
      refusals.removeNode(e.nodeId);
    }
    network.onEvent(e, () => registry.all());
    if (e.type === 'upsert') dataProofs.registered(e.node);
    if (e.type === 'heartbeat') {
      trust?.heartbeat(e.nodeId, e.heartbeat);
      commands.reported(e.nodeId, e.heartbeat.models);
    }
  });
  await registry.init();
  for (const n of registry.all()) {
    upstreams.set(n.record.id, n.record.endpoint);
    breakers.setDomains(n.record.id, domainKeys(n.descriptor.labels, g.breaker.domainDimensions));
  }
  network.reset(registry.all());
  for (const n of registry.all()) dataProofs.registered(n);
  dataProofs.start();

  const metrics = createMetrics(network, breakers, () => registry.all().map((n) => n.record.id), now);
  const prober = new Prober(
    upstreams,
    breakers,
    () => registry.all().map((n) => n.record.id),
    g.probes,
    now,
    (id, ok, ms) => {
      if (!ok) metrics.errors.incPair(id, 'probe');
      else {
        network.observeMeasured(id, ms);
        trust?.probed(id, ms);
      }
    },
  );
  prober.start();
  const receipts = new ReceiptLog(deps.store, config.receipts);
  const demand = new DemandLog(deps.store, config.receipts.flushMs, config.demand.bucketMs);
  const control = new WarmControl({ config, store: deps.store, registry, network, demand, commands, now });
  if (config.warmset.enabled) control.start();
  metrics.registry.add(
    new Gauge('meridian_datasets', 'Datasets data nodes registered, by where their proof stands.', () =>
      Object.entries(dataProofs.tally()).map(([status, n]) => [{ status }, n] as const),
    ),
  );
  metrics.registry.add(
    new Gauge('meridian_warmset_commands', 'Warm-set commands since start by kind and latest status.', () =>
      commands.tally().map((t) => [{ kind: t.kind, status: t.status }, t.count] as const),
    ),
  );
  return {
    config,
    instanceId,
    guard,
    limiter,
    defaultClient: { ...g.client, metro: nearestMetro(g.client)!.id },
    now,
    store: deps.store,
    registry,
    network,
    breakers,
    refusals,
    upstreams,
    budget: new HedgeBudget(g.hedge.maxRate, g.hedge.windowMs, g.hedge.burst),
    timing: new AttemptTiming({
      ...g.timing,
      maxFirstByteMs: g.headersTimeoutMs,
      maxIdleMs: g.bodyTimeoutMs,
    }),
    receipts,
    clientLimits: new ClientLimiter(),
    demand,
    prober,
    decide: deps.decide ?? routeDecider(policyOf(config), decisionSeed(config, instanceId)),
    metrics,
    warm: { control, commands },
    dataProofs,
    ...(trust === undefined ? {} : { trust }),
    ...(trust === undefined || g.trust.spotCheckRate === 0
      ? {}
      : {
          spotChecks: new SpotChecks({
            network,
            trust,
            upstreams,
            receipts,
            nodes: () => registry.all(),
            rate: g.trust.spotCheckRate,
          }),
        }),
    async close() {
      prober.stop();
      await dataProofs.stop();
      await control.stop();
      await receipts.flush();
      await demand.flush();
      await upstreams.close();
    },
  };
}

function liveTrust(network: LiveNetwork, g: ServerConfig['gateway'], now: () => number): LiveTrust {
  const metro = g.metro === undefined ? undefined : metroById(g.metro);
  return new LiveTrust(network, {
    now,
    location: g.trust.location,
    queue: g.trust.queue,
    ...(metro === undefined ? {} : { coordinatorPlace: { lat: metro.lat, lon: metro.lon } }),
    ledger: { holdMs: g.trust.holdMs },
    speed: g.trust.speed,
  });
}

function createMetrics(
  network: LiveNetwork,
  breakers: BreakerBoard,
  nodeIds: () => string[],
  now: () => number,
): CoordinatorMetrics {
  const registry = new MetricsRegistry();
  const code = { closed: 0, 'half-open': 1, open: 2 } as const;
  const m: CoordinatorMetrics = {
    registry,
    decision: registry.add(
      new Histogram(
        'meridian_decision_seconds',
        'Time spent deciding where a request goes.',
        DECISION_BUCKETS,
      ),
    ),
    requests: registry.add(
      new PairCounter(
        'meridian_requests_total',
        'Gateway requests by answering node and status.',
        'node',
        'status',
      ),
    ),
    errors: registry.add(
      new PairCounter(
        'meridian_node_errors_total',
        'Failed attempts and probes by node and kind.',
        'node',
        'kind',
      ),
    ),
    hedges: registry.add(new Counter('meridian_hedges_total', 'Hedge copies sent.')),
    predictionError: registry.add(
      new Histogram(
        'meridian_prediction_error_ratio',
        'Relative error of the router estimate of completion time: |estimate - realized| / realized.',
        PREDICTION_BUCKETS,
      ),
    ),
    predictions: new PredictionErrors(),
  };
  registry.add(
    new Gauge('meridian_breaker_state', 'Circuit breaker state: 0 closed, 1 half-open, 2 open.', () => {
      const t = now();
      const s = breakers.states(t);
      return [
        ...nodeIds()
          .sort()
          .map((id) => [{ scope: 'node', name: id }, code[breakers.nodeState(id, t)]] as const),
        ...s.domains.map(([d, st]) => [{ scope: 'domain', name: d }, code[st]] as const),
      ];
    }),
  );
  registry.add(
    new Gauge('meridian_warm_replicas', 'Healthy nodes with the model resident in accelerator memory.', () =>
      network.availability().map((a) => [{ model: a.id }, a.warm] as const),
    ),
  );
  return m;
}

/** `routing.seed`, else 1 alone and a seed from the instance id among several coordinators. */
export function decisionSeed(config: ServerConfig, instanceId: string): number {
  if (config.routing.seed !== undefined) return config.routing.seed;
  if (config.cluster === undefined) return 1;
  return Number.parseInt(instanceId.replaceAll('-', '').slice(0, 8), 16);
}
