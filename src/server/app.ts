import Fastify, { type FastifyInstance } from 'fastify';
import type { ServerConfig } from './config.js';
import { type Coordinator, type CoordinatorDeps, createCoordinator } from './coordinator.js';
import { httpError } from './http-errors.js';
import { gatewayRoutes } from './routes-gateway.js';
import { opsRoutes } from './routes-ops.js';
import { registryRoutes } from './routes-registry.js';

export interface App {
  app: FastifyInstance;
  coordinator: Coordinator;
}

/**
 * Builds the coordinator's HTTP app (not listening): registry, telemetry, route API, OpenAI-compatible
 * gateway, metrics. Tests call `app.inject()`; `meridian serve` calls `app.listen()`. Closing the app
 * stops probes, flushes receipts and closes upstream pools (the store belongs to the caller).
 */
export async function buildApp(config: ServerConfig, deps: CoordinatorDeps): Promise<App> {
  const coordinator = await createCoordinator(config, deps);
  const app = Fastify({
    logger: false,
    bodyLimit: config.gateway.bodyLimitBytes,
    return503OnClosing: true,
    forceCloseConnections: true,
  });
  app.setErrorHandler((error, _req, reply) => {
    const { status, body, headers } = httpError(error);
    if (headers !== undefined) reply.headers(headers);
    return reply.code(status).send(body);
  });
  app.setNotFoundHandler((req, reply) =>
    reply
      .code(404)
      .send({ error: { code: 'not_found', message: `no route ${req.method} ${req.url.split('?')[0]}` } }),
  );
  registryRoutes(app, coordinator);
  gatewayRoutes(app, coordinator);
  opsRoutes(app, coordinator);
  app.addHook('onClose', async () => {
    await coordinator.close();
  });
  return { app, coordinator };
}
