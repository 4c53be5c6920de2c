import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ServerConfig } from './config.js';
import { RateLimitError } from './http-errors.js';
import { TokenBuckets } from './rate-limit.js';

/**
 * The coordinator's request limits (config `limits`, docs/security.md): token buckets per client IP on the
 * registry API (and optionally on the gateway), per operator token on registrations, per node key on
 * signed messages, and per IP on failed authentications. Each refusal is a RateLimitError: 429 with
 * `Retry-After`.
 */
export class Limiter {
  readonly perIp: TokenBuckets;
  readonly gatewayPerIp: TokenBuckets | undefined;
  readonly perToken: TokenBuckets;
  readonly perNode: TokenBuckets;
  readonly failedLogins: TokenBuckets;

  constructor(config: ServerConfig, now: () => number) {
    const l = config.limits;
    this.perIp = new TokenBuckets(l.perIp, now);
    this.gatewayPerIp = l.gatewayPerIp === undefined ? undefined : new TokenBuckets(l.gatewayPerIp, now);
    this.perToken = new TokenBuckets(l.perToken, now);
    const perSecond = l.perNode.perInterval / (config.telemetry.heartbeatIntervalMs / 1000);
    this.perNode = new TokenBuckets({ perSecond, burst: l.perNode.burst }, now);
    this.failedLogins = new TokenBuckets(l.failedLogins, now);
  }

  /** A signed message from `nodeId` (verified): refused when the node sends much faster than its interval. */
  nodeMessage(nodeId: string): void {
    const wait = this.perNode.take(nodeId);
    if (wait > 0)
      throw new RateLimitError(
        `node ${nodeId} sends messages faster than its heartbeat interval allows`,
        wait,
      );
  }
}

const REGISTRY = /^\/v1\/(nodes|heartbeats|admin)(\/|\?|$)/;
const GATEWAY = /^\/v1\/(chat\/completions|completions|route)(\/|\?|$)/;

/**
 * Installs the per-IP, per-token and failed-login checks as hooks in front of every route. The hooks take
 * a callback rather than return a promise: every request passes them, and a promise costs a tick each.
 */
export function limitRoutes(app: FastifyInstance, limiter: Limiter): void {
  app.addHook('onRequest', (req, _reply, done) => {
    try {
      checkLimits(limiter, req);
    } catch (e) {
      done(e as Error);
      return;
    }
    done();
  });
  app.addHook('onResponse', (req, reply, done) => {
    if (reply.statusCode === 401) limiter.failedLogins.take(req.ip);
    done();
  });
}

/** RateLimitError when the request's IP, token or failed logins are over their limits. */
function checkLimits(limiter: Limiter, req: FastifyRequest): void {
  const url = req.url;
  if (REGISTRY.test(url)) {
    refuse(limiter.perIp.take(req.ip), `too many registry requests from ${req.ip}`);
    const auth = req.headers.authorization;
    if (auth !== undefined)
      refuse(limiter.failedLogins.check(req.ip), `too many failed authentications from ${req.ip}`);
    if (auth !== undefined && (req.method === 'POST' || req.method === 'DELETE') && isNodes(req))
      refuse(limiter.perToken.take(tokenKey(auth)), 'too many registrations with this operator token');
  } else if (limiter.gatewayPerIp !== undefined && GATEWAY.test(url)) {
    refuse(limiter.gatewayPerIp.take(req.ip), `too many requests from ${req.ip}`);
  }
}

function isNodes(req: FastifyRequest): boolean {
  return req.url.startsWith('/v1/nodes');
}

function refuse(waitMs: number, message: string): void {
  if (waitMs > 0) throw new RateLimitError(message, waitMs);
}

/** Buckets are keyed by a digest of the header, so no token is kept in clear as a map key. */
function tokenKey(authorization: string): string {
  return createHash('sha256').update(authorization).digest('base64url');
}
