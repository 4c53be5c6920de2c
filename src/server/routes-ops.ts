import type { FastifyInstance } from 'fastify';
import { parseRequest } from '../routing/request.js';
import { admitClient, requireAdmin } from './access.js';
import type { Coordinator } from './coordinator.js';
import { routeError } from './gateway-errors.js';
import { reliedOn } from './gateway-receipt.js';
import { receiptId } from './receipt-id.js';
import { decideNow, ensureServed } from './routes-gateway.js';
import { healthOf } from './telemetry.js';

/** `POST /v1/route` (a decision without proxying), `GET /healthz`, `GET /metrics` (admin token unless `gateway.publicMetrics`). */
export function opsRoutes(app: FastifyInstance, c: Coordinator): void {
  app.post('/v1/route', async (req) => {
    const client = await admitClient(c, req.headers.authorization);
    // Held as `meridian route --request` is: an unknown field or metro is refused, not dropped unseen.
    const request = parseRequest(req.body, 'body');
    ensureServed(c, request.model);
    const started = c.now();
    const decision = decideNow(c, request);
    const id = receiptId(started);
    if (client !== undefined) c.receipts.own(id, client);
    const relied = reliedOn(c, request, decision, started);
    const receipt = {
      id,
      at: new Date(started).toISOString(),
      endpoint: 'route',
      request,
      decision: relied.decision,
      attestations: relied.attestations,
      trust: relied.trust,
    };
    c.receipts.add(id, started, receipt);
    if (decision.primary === undefined) throw routeError(request, decision, c.breakers.openDomains(c.now()));
    return {
      receiptId: id,
      primary: decision.primary ?? null,
      fallbacks: decision.fallbacks,
      hedge: decision.hedge ?? null,
      receipt: decision.receipt,
    };
  });

  // 503 while writes to the store fail: a coordinator that cannot persist must not look healthy.
  app.get('/healthz', async (_req, reply) => {
    const now = c.now();
    const nodes = c.registry.all();
    const healthy = nodes.filter(
      (n) => healthOf(c.network.telemetry.ageMs(n.record.id, now), c.config.telemetry) !== 'unhealthy',
    ).length;
    const storeError = c.store.writeError?.();
    const receiptError = c.receipts.lastError;
    // Cut off from NATS, a coordinator serves from its last view and keeps receipts for later: degraded.
    const cluster = c.cluster?.status();
    const degraded = cluster !== undefined && !cluster.connected;
    const ok = (storeError === undefined && receiptError === undefined) || degraded;
    return reply.code(ok ? 200 : 503).send({
      ok,
      ...(cluster === undefined ? {} : { degraded, cluster }),
      nodes: nodes.length,
      healthyNodes: healthy,
      ...(receiptError === undefined ? {} : { receiptStoreError: receiptError }),
      ...(storeError === undefined ? {} : { storeError }),
      ...(c.receipts.dropped === 0 ? {} : { receiptsDropped: c.receipts.dropped }),
    });
  });

  app.get('/metrics', async (req, reply) => {
    if (!c.config.gateway.publicMetrics) requireAdmin(c, req.headers.authorization);
    return reply.type('text/plain; version=0.0.4; charset=utf-8').send(c.metrics.registry.render());
  });
}
