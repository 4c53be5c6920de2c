import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { InputError } from '../errors.js';
import type { ServerConfig } from './config.js';
import { limitConnections } from './connection-cap.js';
import { type Coordinator, type CoordinatorDeps, createCoordinator } from './coordinator.js';
import { ClientLimitError, clipped, httpError, RateLimitError, socketError } from './http-errors.js';
import { jsonDepthWithin, MAX_JSON_DEPTH } from './json-depth.js';
import { limitRoutes } from './limits.js';
import { adminRoutes } from './routes-admin.js';
import { gatewayRoutes } from './routes-gateway.js';
import { opsRoutes } from './routes-ops.js';
import { registryRoutes } from './routes-registry.js';
import { warmsetRoutes } from './routes-warmset.js';
import { logServerError } from './server-log.js';

/** Routes a layer above the server adds to the app (the dashboard), given the wired coordinator. */
export type ExtraRoutes = (app: FastifyInstance, coordinator: Coordinator) => void;

export interface App {
  app: FastifyInstance;
  coordinator: Coordinator;
}

/**
 * Builds the coordinator's HTTP app (not listening): registry, telemetry, route API, OpenAI-compatible
 * gateway, metrics. Tests call `app.inject()`; `meridian serve` calls `app.listen()`. Closing the app
 * stops probes, flushes receipts and closes upstream pools (the store belongs to the caller).
 */
export async function buildApp(
  config: ServerConfig,
  deps: CoordinatorDeps,
  extra: readonly ExtraRoutes[] = [],
): Promise<App> {
  const coordinator = await createCoordinator(config, deps);
  const l = config.limits;
  const app = Fastify({
    logger: false,
    bodyLimit: config.gateway.bodyLimitBytes,
    return503OnClosing: true,
    forceCloseConnections: true,
    keepAliveTimeout: l.keepAliveTimeoutMs,
    requestTimeout: l.requestTimeoutMs,
    maxRequestsPerSocket: l.maxRequestsPerSocket,
    // Checked every second (Node's default is 30 s). Fastify's connectionTimeout (a socket idle timeout)
    // would also cut long completions: limitConnections bounds the silent start of a socket instead.
    http: { connectionsCheckingInterval: 1000 },
    // Errors raised before a route runs take the error shape of every other answer.
    frameworkErrors: (error, _req, reply) => {
      const { status, body } = httpError(error);
      (reply as FastifyReply).code(status).send(body);
    },
    clientErrorHandler: answerSocketError,
  });
  limitConnections(app.server, { max: l.maxConnections, firstRequestMs: l.connectionTimeoutMs });
  limitRoutes(app, coordinator.limiter);
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, text, done) => {
    if (!jsonDepthWithin(text as string, MAX_JSON_DEPTH))
      return done(
        new InputError('body', [{ path: '', message: `JSON nested deeper than ${MAX_JSON_DEPTH} levels` }]),
        undefined,
      );
    return parseJson(req, text as string, done);
  });
  app.setErrorHandler((error, req, reply) => {
    const { status, body, headers } = httpError(error);
    if (headers !== undefined) reply.headers(headers);
    if (error instanceof RateLimitError || error instanceof ClientLimitError)
      reply.header('retry-after', String(Math.max(1, Math.ceil(error.retryAfterMs / 1000))));
    if (status === 401) coordinator.limiter.failedLogin(req.ip);
    if (status >= 500) logServerError(status, req.method, req.url, error);
    return reply.code(status).send(body);
  });
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? req.url;
    const allow = allowedMethods(app, req.method, path);
    // A path of any length comes back clipped, as framework errors are.
    const shown = clipped(path);
    if (allow.length === 0)
      return reply
        .code(404)
        .send({ error: { code: 'not_found', message: `no route ${req.method} ${shown}` } });
    const methods = allow.join(', ');
    return reply
      .code(405)
      .header('allow', methods)
      .send({
        error: { code: 'method_not_allowed', message: `${methods} ${shown} only (got ${req.method})` },
      });
  });
  app.addHook('onListen', async () => {
    const addr = app.server.address();
    if (addr !== null && typeof addr === 'object') coordinator.guard.listeningAt(addr);
  });
  registryRoutes(app, coordinator);
  adminRoutes(app, coordinator);
  gatewayRoutes(app, coordinator);
  opsRoutes(app, coordinator);
  warmsetRoutes(app, coordinator);
  for (const routes of extra) routes(app, coordinator);
  app.addHook('onClose', async () => {
    await coordinator.close();
  });
  return { app, coordinator };
}

/** Methods a path may be registered under; HEAD comes with every GET route (Fastify adds it). */
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/**
 * The methods other than `method` that have a route matching the concrete `path` (parametric routes
 * included: `findRoute` matches a URL as a request does, `hasRoute` only the literal pattern). Not empty:
 * the path exists, and a wrong method is 405 with these in `Allow`, not 404.
 */
function allowedMethods(app: FastifyInstance, method: string, path: string): string[] {
  const allow: string[] = [];
  // Typed as never null, but null when nothing matches.
  for (const m of METHODS)
    if (m !== method && (app.findRoute({ method: m, url: path }) as unknown) !== null) allow.push(m);
  return allow;
}

/**
 * Answers a request Node's HTTP parser refused (see `socketError`) on its socket, then closes it, as
 * Fastify's default handler does; nothing to answer when the client already went away.
 */
function answerSocketError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const { status, body } = socketError(error);
  const text = JSON.stringify(body);
  if (socket.writable)
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(text)}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${text}`,
    );
  socket.destroy(error);
}
