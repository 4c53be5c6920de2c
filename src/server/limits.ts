import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest, onRequestHookHandler } from 'fastify';
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

  /** A request from `ip` was answered 401: one more failed authentication for that IP. */
  failedLogin(ip: string): void {
    this.failedLogins.take(ip);
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

const REGISTRY = /^\/v1\/(nodes|heartbeats|admin)(\/|$)/;
const GATEWAY = /^\/v1\/(chat\/completions|completions|route)(\/|$)/;

/**
 * Installs the per-IP, per-token and failed-login checks as an `onRequest` hook on the routes they apply
 * to (the registry's, and the gateway's when `limits.gatewayPerIp` is set), added as each route is
 * declared: the other routes run no hook at all. Call it before the routes are declared. A 401 is counted
 * against its IP by `Limiter.failedLogin`, from the app's error handler. The hook takes a callback rather
 * than return a promise: a promise costs a tick per request.
 */
export function limitRoutes(app: FastifyInstance, limiter: Limiter): void {
  const registry: onRequestHookHandler = (req, _reply, done) => {
    try {
      checkRegistry(limiter, req);
    } catch (e) {
      done(e as Error);
      return;
    }
    done();
  };
  const perIp = limiter.gatewayPerIp;
  const gateway: onRequestHookHandler | undefined =
    perIp === undefined
      ? undefined
      : (req, _reply, done) => {
          const wait = perIp.take(req.ip);
          done(wait > 0 ? new RateLimitError(`too many requests from ${req.ip}`, wait) : undefined);
        };
  app.addHook('onRoute', (route) => {
    const hook = REGISTRY.test(route.url) ? registry : GATEWAY.test(route.url) ? gateway : undefined;
    if (hook === undefined) return;
    const own = route.onRequest;
    route.onRequest = own === undefined ? [hook] : [...(Array.isArray(own) ? own : [own]), hook];
  });
}

/** RateLimitError when the registry request's IP, token or failed logins are over their limits. */
function checkRegistry(limiter: Limiter, req: FastifyRequest): void {
  refuse(limiter.perIp.take(req.ip), `too many registry requests from ${req.ip}`);
  const auth = req.headers.authorization;
  if (auth !== undefined)
    refuse(limiter.failedLogins.check(req.ip), `too many failed authentications from ${req.ip}`);
  if (auth !== undefined && (req.method === 'POST' || req.method === 'DELETE') && isNodes(req))
    refuse(limiter.perToken.take(tokenKey(auth)), 'too many registrations with this operator token');
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
