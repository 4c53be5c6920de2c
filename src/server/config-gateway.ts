import { z } from 'zod';
import { metroById } from '../geo/metros.js';
import { Id, LatLon } from '../model/common.js';
import { DEFAULT_SPEED_CHECK } from '../trust/speed.js';

/**
 * The gateway's part of the coordinator's configuration (config.ts): client rates, hedging, time limits,
 * breakers, probes, refusals and trust checks.
 */

/** Requests per second a client key may send (token bucket) and how many at once after a pause. */
export const ClientRate = z.strictObject({
  perSecond: z.number().positive().max(1e6).default(20),
  burst: z.number().int().min(1).max(1e6).default(40),
});

const Hedge = z.strictObject({
  enabled: z.boolean().default(true),
  /** Requests whose deadline is below this get a hedge copy on the first fallback. */
  deadlineBelowMs: z.number().positive().default(2000),
  /** Wait this long for the primary's first byte before sending the hedge. */
  delayMs: z.number().min(0).default(30),
  /** Each request adds this fraction of a hedge to the budget (0 turns hedging off). */
  maxRate: z.number().min(0).max(1).default(0.05),
  /** Each `windowMs` adds one hedge to the budget, so hedging also works at low request rates. */
  windowMs: z.number().positive().default(10_000),
  /** Hedges the budget starts with and holds at most. */
  burst: z.number().min(1).max(1000).default(2),
});

const Timing = z.strictObject({
  /** An attempt may take this many times its expected time (to the first token; per token). */
  factor: z.number().min(1).max(100).default(4),
  /** Added to the first-byte limit: connection set-up, scheduling, a loaded machine. */
  firstByteFloorMs: z.number().min(0).default(2000),
  /** Added to the idle limit between two chunks of a stream. */
  idleFloorMs: z.number().min(0).default(2000),
  /** Output tokens assumed for the limit of a non-streamed request without `max_tokens`. */
  unboundedOutputTokens: z.number().int().min(1).default(1024),
});

const Breaker = z.strictObject({
  /** Consecutive failures that open a node's breaker. */
  failures: z.number().int().min(1).default(3),
  /** Time an open breaker waits before letting one trial request through. */
  cooldownMs: z.number().min(0).default(5000),
  /** Label dimensions whose shared value is a failure domain (every node with `upstream: X`). */
  domainDimensions: z.array(z.string().min(1)).default(['upstream']),
  /** Distinct members of a domain failing with no success in between that open its breaker (≥ 2). */
  domainFailures: z.number().int().min(2).default(3),
});

const Probes = z.strictObject({
  intervalMs: z.number().min(0).default(2000),
  timeoutMs: z.number().positive().default(1000),
  path: z.string().startsWith('/').default('/v1/models'),
});

const Refusals = z
  .strictObject({
    /** Refusals (404/408/429 for a model the node claims) in quick succession that exclude it from the model. */
    exclude: z.number().min(1).default(3),
    /** Score below which an excluded node gets the model's requests again. */
    readmit: z.number().min(0).default(1),
    /** Time for a refusal score to halve. */
    halfLifeMs: z.number().positive().default(30_000),
  })
  .refine((r) => r.readmit < r.exclude, { message: 'readmit must be below exclude', path: ['readmit'] });

/** The coordinator's checks of what nodes claim (src/server/live-trust.ts, docs/trust.md "Live"). */
const Trust = z.strictObject({
  /** Check heartbeats and answers against the warm and queue claims; quarantine nodes that lie. */
  enabled: z.boolean().default(true),
  /**
   * Check claimed locations against probe round trips (needs `metro`). Off by default: emulated nodes
   * on one machine answer probes at once wherever they say they are.
   */
  location: z.boolean().default(false),
  /**
   * Check reported load (running + waiting) against this coordinator's own requests at the node. Off by
   * default: agents in front of Ollama or a plain OpenAI-compatible server report 0 whatever their
   * backend holds, so a busy honest node of that kind would be charged for it.
   */
  queue: z.boolean().default(false),
  /** How long a quarantine lasts, ms. */
  holdMs: z.number().positive().default(3_600_000),
  /**
   * Base share of answers (streamed too) re-run on a verifier of another operator (0 = no spot checks),
   * divided by the node's output score and 1 while the node is suspect (`spotCheckRate`).
   */
  spotCheckRate: z.number().min(0).max(1).default(0),
  /**
   * The speed check (src/trust/speed.ts): a streamed answer decoding more than `limit` times slower than
   * the catalog says for the node's declared hardware is slow; a slow answer contradicts the claim once
   * the node's answers have stayed slow for `persistMs` (longer than a straggler episode lasts).
   */
  speed: z
    .strictObject({
      limit: z.number().gt(1).default(DEFAULT_SPEED_CHECK.limit),
      persistMs: z.number().min(0).default(DEFAULT_SPEED_CHECK.persistMs),
    })
    .default({ ...DEFAULT_SPEED_CHECK }),
});

export const Gateway = z.strictObject({
  bodyLimitBytes: z
    .number()
    .int()
    .min(1024)
    .max(64 * 1024 * 1024)
    .default(1024 * 1024),
  /** Where a client is taken to be when the request does not say (header `x-meridian-client`). */
  client: LatLon.default({ lat: 50.11, lon: 8.68 }),
  /** Metro of the coordinator: RTT samples agents report `to: coordinator` are taken as to this metro. */
  metro: Id.refine((id) => metroById(id) !== undefined, 'unknown metro').optional(),
  defaultOutputTokens: z.number().int().min(1).default(256),
  /** Attempts per request: the primary and up to this many minus one fallbacks. */
  maxAttempts: z.number().int().min(1).max(16).default(3),
  connectTimeoutMs: z.number().positive().default(2000),
  /** Ceiling of the first-byte limit (the limit itself follows the expected timing, see `timing`). */
  headersTimeoutMs: z.number().positive().default(60_000),
  /** Ceiling of the idle limit between two chunks of a stream. */
  bodyTimeoutMs: z.number().positive().default(300_000),
  timing: Timing.default(Timing.parse({})),
  /** Keep-alive connections per upstream node. */
  connectionsPerNode: z.number().int().min(1).max(4096).default(128),
  /**
   * Refuse gateway requests without a valid client key (401). Off by default so the local fleet and
   * OpenAI clients with placeholder keys keep working; a key that is not valid then counts as none.
   */
  requireClientKey: z.boolean().default(false),
  /** The rate of a client key that does not set its own. */
  clientRate: ClientRate.default(ClientRate.parse({})),
  /** `/metrics` without the admin token (for a scraper on a trusted network); off by default. */
  publicMetrics: z.boolean().default(false),
  hedge: Hedge.default(Hedge.parse({})),
  breaker: Breaker.default(Breaker.parse({})),
  probes: Probes.default(Probes.parse({})),
  refusals: Refusals.default(Refusals.parse({})),
  trust: Trust.default(Trust.parse({})),
});
