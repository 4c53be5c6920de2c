import Fastify, { type FastifyInstance } from 'fastify';
import { InputError } from '../errors.js';
import type { ServerConfig } from './config.js';
import { type Coordinator, type CoordinatorDeps, createCoordinator } from './coordinator.js';
import { ClientLimitError, httpError } from './http-errors.js';
import { jsonDepthWithin, MAX_JSON_DEPTH } from './json-depth.js';
import { adminRoutes } from './routes-admin.js';
import { gatewayRoutes } from './routes-gateway.js';
import { opsRoutes } from './routes-ops.js';
import { registryRoutes } from './routes-registry.js';

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
  const app = Fastify({
    logger: false,
    bodyLimit: config.gateway.bodyLimitBytes,
    return503OnClosing: true,
    forceCloseConnections: true,
  });
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
  app.setErrorHandler((error, _req, reply) => {
    const { status, body } = httpError(error);
    if (error instanceof ClientLimitError)
      void reply.header('retry-after', String(Math.max(1, Math.ceil(error.retryAfterMs / 1000))));
    return reply.code(status).send(body);
  });
  app.setNotFoundHandler((req, reply) =>
    reply
      .code(404)
      .send({ error: { code: 'not_found', message: `no route ${req.method} ${req.url.split('?')[0]}` } }),
  );
  app.addHook('onListen', async () => {
    const addr = app.server.address();
    if (addr !== null && typeof addr === 'object') coordinator.guard.listeningAt(addr);
  });
  registryRoutes(app, coordinator);
  adminRoutes(app, coordinator);
  gatewayRoutes(app, coordinator);
  opsRoutes(app, coordinator);
  for (const routes of extra) routes(app, coordinator);
  app.addHook('onClose', async () => {
    await coordinator.close();
  });
  return { app, coordinator };
}
