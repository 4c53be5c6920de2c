import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { Id } from '../model/common.js';
import { Model } from '../model/model.js';
import { parseOrThrow } from '../model/validate.js';
import { PolicyResolver } from '../routing/resolver.js';
import { loadYamlFile } from '../util/yaml-file.js';
import { AttestationOptions, attestationVerifiers, resolveAttestationPaths } from './config-attestation.js';
import { ClientRate, Gateway } from './config-gateway.js';
import { parseCidr } from './endpoint-rules.js';

/**
 * The coordinator's configuration (`meridian serve --config FILE`): one schema holds every default, one
 * parse step resolves paths and rejects contradictions.
 */

/** A point in time: epoch milliseconds or an ISO 8601 date-time with offset; becomes epoch ms. */
const Instant = z
  .union([z.number().int().min(0), z.iso.datetime({ offset: true })])
  .transform((v) => (typeof v === 'number' ? v : Date.parse(v)));

const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, '64 lowercase hex digits');

const Operator = z
  .strictObject({
    id: Id,
    /** The token in clear (development); prefer `tokenSha256` in shared files. */
    token: z.string().min(16, 'at least 16 characters').max(500).optional(),
    /** SHA-256 of the token, hex. */
    tokenSha256: Sha256Hex.optional(),
    /** The token is refused from this time on. */
    expiresAt: Instant.optional(),
  })
  .refine((o) => (o.token === undefined) !== (o.tokenSha256 === undefined), {
    message: 'give exactly one of token and tokenSha256',
  });

/** Requests a client key may send per window (fixed windows from the coordinator's start). */
const ClientQuota = z.strictObject({
  requests: z.number().int().min(1),
  windowMs: z.number().int().min(1000).default(86_400_000),
});

const Client = z
  .strictObject({
    id: Id,
    /** The API key in clear (development); prefer `keySha256` in shared files. */
    key: z.string().min(16, 'at least 16 characters').max(500).optional(),
    keySha256: Sha256Hex.optional(),
    expiresAt: Instant.optional(),
    /** This key's rate (default: `gateway.clientRate`). */
    rate: ClientRate.optional(),
    quota: ClientQuota.optional(),
  })
  .refine((o) => (o.key === undefined) !== (o.keySha256 === undefined), {
    message: 'give exactly one of key and keySha256',
  });
export type ClientConfig = z.infer<typeof Client>;

const Telemetry = z.strictObject({
  heartbeatIntervalMs: z.number().int().min(10).default(1000),
  /** A node not heard from for this long is stale (still routable, discounted). */
  staleAfterMs: z.number().positive().default(3000),
  /** A node not heard from for this long is unhealthy (not routed to). */
  unhealthyAfterMs: z.number().positive().default(10_000),
  /** Largest accepted difference between a message's timestamp and the coordinator's clock. */
  maxClockSkewMs: z.number().positive().default(300_000),
});

const Routing = z.strictObject({
  /** A built-in policy (`meridian`, `p2c`, …) or, with `profilesFile`, a profile of that file. */
  policy: z.string().min(1).default('meridian'),
  /** A routing profiles YAML file (same format as the built-in profiles); relative to the config file. */
  profilesFile: z.string().min(1).optional(),
  /**
   * Seed of the decision generator (random picks, tie-breaks). Default 1 for a lone coordinator; with a
   * `cluster` section, a seed drawn from the coordinator's instance id, so coordinators sharing a view do
   * not make the same random draws (which herds: docs/nats.md).
   */
  seed: z.number().int().optional(),
});

const RegistryOptions = z.strictObject({
  /**
   * CIDR ranges a node endpoint may point into although they are loopback, private, link-local or
   * metadata addresses (refused otherwise); the local fleet lists loopback.
   */
  allowEndpoints: z
    .array(
      z.string().refine((s) => parseCidr(s) !== undefined, 'an IPv4 or IPv6 CIDR range such as 10.0.0.0/8'),
    )
    .default([]),
  /** Time an endpoint has to answer the proof of control at registration. */
  proofTimeoutMs: z.number().positive().max(60_000).default(2000),
  /** TEE attestation verifiers (config-attestation.ts); none: no node is given the `tee` mode. */
  attestation: AttestationOptions.default({}),
  /**
   * Time between two challenges of one registered dataset (a random chunk and its Merkle path); every
   * dataset is also challenged when it is registered. The answer has `proofTimeoutMs`.
   */
  dataProofEveryMs: z.number().int().min(100).max(86_400_000).default(300_000),
});

const Receipts = z.strictObject({
  keep: z.number().int().min(0).default(100_000),
  flushMs: z.number().int().min(1).default(25),
  /** Receipts waiting for the store at most; past it the oldest waiting ones are dropped (and counted). */
  maxPending: z.number().int().min(1).default(50_000),
});

/** Demand the gateway records (`GET /v1/demand`, the warm-set controller's input). */
const DemandOptions = z.strictObject({
  /** Length of the stored demand buckets; divides a minute, so minute buckets are sums of them. */
  bucketMs: z
    .number()
    .int()
    .min(1000)
    .max(60_000)
    .refine((ms) => 60_000 % ms === 0, 'must divide 60000 (1000, 5000, 15000, 60000, …)')
    .default(60_000),
});

/** The warm-set controller of `meridian serve` (docs/warmset.md). */
const WarmSetOptions = z.strictObject({
  /** Send load and unload commands to nodes ahead of forecast demand. */
  enabled: z.boolean().default(false),
  /** Time between two plans. */
  periodMs: z.number().int().min(100).default(60_000),
  /** Bucket of the demand series the forecast reads; a multiple of `demand.bucketMs`. */
  bucketMs: z.number().int().min(1000).default(300_000),
  /** What a plan looks ahead over: the forecast's horizon and the span a load must pay back in. */
  horizonMs: z.number().int().min(1000).default(1_800_000),
  /** Demand kept for the forecast (two days see the daily season). */
  historyMs: z
    .number()
    .int()
    .min(1000)
    .default(2 * 86_400_000),
  /** The forecast's upper bound at this coverage is the rate planned for. */
  coverage: z.number().gt(0).lt(1).default(0.8),
  /** Required gain ÷ cost of a load made for its economics. */
  margin: z.number().min(1).default(1.5),
  /** Label dimension whose values are independent domains (two per model with demand). */
  domainDimension: z.string().min(1).default('provider'),
  /** Round trip within which a replica serves a client place's demand (its queueing counts only there). */
  reachMs: z.number().positive().default(100),
  /** Operator limit: models one node keeps resident at most. */
  maxResidentPerNode: z.number().int().min(1).optional(),
  /** A command not answered within this time is recorded as expired. */
  commandTtlMs: z.number().int().min(1000).default(600_000),
});

const Bucket = z.strictObject({ perSecond: z.number().min(0), burst: z.number().min(1) });

/** Limits that keep one client, token, node or socket flood from starving the coordinator (security.md). */
const Limits = z.strictObject({
  /** A new socket that starts no request within this time is closed (0: never). */
  connectionTimeoutMs: z.number().int().min(0).default(10_000),
  /** Time a client has to send one whole request (headers and body). */
  requestTimeoutMs: z.number().int().min(1).default(30_000),
  /**
   * An idle keep-alive socket is closed after this time (Fastify's default, above the 60 s idle timeout of
   * common load balancers). Shorter, a client's pool reopens in each burst the connections it opened in the
   * last one, and those requests pay for a new connection (docs/coordinator.md, "Where the time goes").
   * Idle sockets are bounded by `maxConnections`.
   */
  keepAliveTimeoutMs: z.number().int().min(1).default(72_000),
  maxRequestsPerSocket: z.number().int().min(0).default(10_000),
  /** Open sockets at most; past it a new connection closes the longest-idle socket with no request. */
  maxConnections: z.number().int().min(1).default(512),
  /** Registry API requests (nodes, heartbeats, admin) per client IP. */
  perIp: Bucket.default({ perSecond: 200, burst: 400 }),
  /** Gateway and route requests per client IP (off by default: clients are limited by their keys). */
  gatewayPerIp: Bucket.optional(),
  /** Registrations and deregistrations per operator token. */
  perToken: Bucket.default({ perSecond: 5, burst: 50 }),
  /** Signed node messages (heartbeats, updates) per heartbeat interval per node key; burst in messages. */
  perNode: z
    .strictObject({ perInterval: z.number().positive(), burst: z.number().min(1) })
    .default({ perInterval: 4, burst: 8 }),
  /** Nodes one operator may have registered at once. */
  nodesPerOperator: z.number().int().min(1).default(1000),
  /** Requests refused 401 per client IP before more are refused 429. */
  failedLogins: Bucket.default({ perSecond: 0.2, burst: 10 }),
  /** Topology rebuilds (a proxy node's model list changed) at most once per this many ms. */
  topologyRebuildMs: z.number().int().min(0).default(1000),
});

/** Several coordinators sharing state over NATS (docs/nats.md); absent: one coordinator on SQLite. */
const Cluster = z.strictObject({
  /** NATS server URLs (several for a NATS cluster). */
  nats: z
    .array(z.string().regex(/^(nats|tls):\/\/[^\s/]+$/, 'a NATS URL such as nats://127.0.0.1:4222'))
    .min(1),
  /** Name prefix of the buckets, stream and subjects: coordinators with the same one share a view. */
  prefix: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - and _')
    .default('meridian'),
  /** Heartbeats accepted here are published in batches: at most this long after the first of a batch. */
  batchMs: z.number().int().min(1).default(20),
  /** …or as soon as this many wait. */
  batchMax: z.number().int().min(1).default(1000),
  /** In-flight counts and client-key use are published this often. */
  syncMs: z.number().int().min(10).default(100),
  /** A coordinator not heard from for this long no longer counts in the load. */
  peerTimeoutMs: z.number().int().min(100).default(3000),
  /**
   * The warm-set controller's lease: one coordinator plans, renewing every third of this; when it dies
   * another takes over after at most this long.
   */
  leaseMs: z.number().int().min(300).default(15000),
});
export type ClusterConfig = z.infer<typeof Cluster>;

/** The cluster section for `--nats` given on the command line (every other field at its default). */
export function clusterOf(urls: readonly string[], prefix?: string): ClusterConfig {
  return parseOrThrow(Cluster, { nats: urls, ...(prefix === undefined ? {} : { prefix }) }, '--nats');
}

export const ServerConfig = z
  .strictObject({
    listen: z
      .strictObject({
        host: z.string().min(1).default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(8080),
      })
      .default({ host: '127.0.0.1', port: 8080 }),
    /** Directory for the SQLite database; relative to the config file. `:memory:` keeps nothing. */
    dataDir: z.string().min(1).default('meridian-data'),
    operators: z.array(Operator).default([]),
    /** Client API keys for the gateway (more can be issued with the admin API). */
    clients: z.array(Client).default([]),
    /** Token for the admin API (issuing operator tokens); admin API disabled when absent. */
    adminToken: z.string().min(16, 'at least 16 characters').optional(),
    /**
     * The key of the HMAC that tokens and client keys are stored under; when absent, a random one is
     * created in `dataDir/secret` on first start (a new one per process with `dataDir: ':memory:'`).
     */
    secret: z.string().min(32, 'at least 32 characters').optional(),
    /** Models besides the built-in catalog (same schema as scenario files). */
    models: z.array(Model).default([]),
    gateway: Gateway.default(Gateway.parse({})),
    telemetry: Telemetry.default(Telemetry.parse({})),
    routing: Routing.default(Routing.parse({})),
    registry: RegistryOptions.default(RegistryOptions.parse({})),
    receipts: Receipts.default(Receipts.parse({})),
    limits: Limits.default(Limits.parse({})),
    demand: DemandOptions.default(DemandOptions.parse({})),
    warmset: WarmSetOptions.default(WarmSetOptions.parse({})),
    cluster: Cluster.optional(),
  })
  .superRefine((c, ctx) => {
    if (c.warmset.bucketMs % c.demand.bucketMs !== 0)
      ctx.addIssue({
        code: 'custom',
        path: ['warmset', 'bucketMs'],
        message: `must be a multiple of demand.bucketMs (${c.demand.bucketMs})`,
      });
    if (c.telemetry.unhealthyAfterMs <= c.telemetry.staleAfterMs)
      ctx.addIssue({
        code: 'custom',
        path: ['telemetry', 'unhealthyAfterMs'],
        message: 'must be greater than telemetry.staleAfterMs',
      });
    for (const list of ['operators', 'clients'] as const) {
      const seen = new Set<string>();
      c[list].forEach((o, i) => {
        if (seen.has(o.id))
          ctx.addIssue({
            code: 'custom',
            path: [list, i, 'id'],
            message: `${list === 'operators' ? 'operator' : 'client'} ids must not repeat`,
          });
        seen.add(o.id);
      });
    }
  });
export type ServerConfig = z.infer<typeof ServerConfig>;
export type ServerConfigInput = z.input<typeof ServerConfig>;

/** A config from an object (tests), with every default filled; `baseDir` resolves a relative dataDir. */
export function parseConfig(data: unknown, source = 'config', baseDir = process.cwd()): ServerConfig {
  const config = parseOrThrow(ServerConfig, data ?? {}, source);
  if (config.dataDir !== ':memory:' && !isAbsolute(config.dataDir))
    config.dataDir = resolve(baseDir, config.dataDir);
  if (config.routing.profilesFile !== undefined && !isAbsolute(config.routing.profilesFile))
    config.routing.profilesFile = resolve(baseDir, config.routing.profilesFile);
  resolveAttestationPaths(config.registry.attestation, baseDir);
  attestationVerifiers(config.registry.attestation, source);
  const policies = PolicyResolver.load(config.routing.profilesFile);
  if (!policies.has(config.routing.policy))
    throw new InputError(source, [
      {
        path: 'routing.policy',
        message: `expected one of ${policies.names.join(', ')}`,
        value: config.routing.policy,
      },
    ]);
  return config;
}

/** Reads and validates a YAML config file; errors name the file, the line and the field. */
export function loadConfig(file: string): ServerConfig {
  const yaml = loadYamlFile(file, 'config file');
  try {
    return parseConfig(yaml.data, file, dirname(resolve(file)));
  } catch (e) {
    // Only the config's own issues get its lines (a profiles file reports its own).
    if (!(e instanceof InputError) || e.source !== file) throw e;
    const issues = e.issues.map((issue) => {
      const line = yaml.lineOf(pathSegments(issue.path));
      return line === undefined ? issue : { ...issue, line };
    });
    throw new InputError(file, issues);
  }
}

/** `gateway.hedge.maxRate` / `operators[2].id` → path segments for `doc.getIn`. */
function pathSegments(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const m of path.matchAll(/([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\["([^"]*)"\]/g)) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else if (m[3] !== undefined) out.push(m[3]);
  }
  return out;
}
