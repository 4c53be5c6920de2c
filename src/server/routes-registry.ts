import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { Id } from '../model/common.js';
import { parseOrThrow } from '../model/validate.js';
import { Envelope } from '../wire/protocol.js';
import type { Coordinator } from './coordinator.js';
import { AuthError } from './http-errors.js';
import { bearer, hashToken } from './registry.js';
import { healthOf } from './telemetry.js';

const NodeParams = z.strictObject({ id: Id });
const TokenRequest = z.strictObject({ operator: Id, note: z.string().max(200).default('admin') });

/** Registry API: register / update / deregister nodes, signed heartbeats, node listing, token issuing. */
export function registryRoutes(app: FastifyInstance, c: Coordinator): void {
  app.post('/v1/nodes', async (req, reply) => {
    const envelope = parseOrThrow(Envelope, req.body, 'body');
    const res = await c.registry.register(bearer(req.headers.authorization), envelope);
    return reply.code(201).send(res);
  });

  app.put('/v1/nodes/:id', async (req) => {
    const { id } = parseOrThrow(NodeParams, req.params, 'url');
    const envelope = parseOrThrow(Envelope, req.body, 'body');
    const node = await c.registry.update(id, envelope);
    return { nodeId: node.record.id, updatedAt: node.record.updatedAt };
  });

  app.delete('/v1/nodes/:id', async (req, reply) => {
    const { id } = parseOrThrow(NodeParams, req.params, 'url');
    const hasBody = req.body !== undefined && req.body !== null && req.body !== '';
    const envelope = hasBody ? parseOrThrow(Envelope, req.body, 'body') : undefined;
    const token = bearer(req.headers.authorization);
    await c.registry.deregister(id, {
      ...(envelope === undefined ? {} : { envelope }),
      ...(token === undefined ? {} : { token }),
    });
    return reply.code(204).send();
  });

  app.post('/v1/heartbeats', async (req) => {
    const envelope = parseOrThrow(Envelope, req.body, 'body');
    const hb = await c.registry.heartbeat(envelope);
    return { ok: true, seq: hb.seq };
  });

  app.get('/v1/nodes', async () => {
    const now = c.now();
    return {
      nodes: c.registry
        .all()
        .sort((a, b) => (a.record.id < b.record.id ? -1 : a.record.id > b.record.id ? 1 : 0))
        .map((n) => {
          const id = n.record.id;
          const entry = c.network.telemetry.get(id);
          const age = c.network.telemetry.ageMs(id, now);
          return {
            id,
            operator: n.record.operator,
            endpoint: n.record.endpoint,
            metro: n.descriptor.location.metro,
            labels: Object.fromEntries(Object.entries(n.descriptor.labels).map(([k, v]) => [k, v.value])),
            slots: n.descriptor.slots,
            health: healthOf(age, c.config.telemetry),
            ageMs: age ?? null,
            breaker: c.breakers.nodeState(id, now),
            gatewayInFlight: c.network.inflightOf(id),
            telemetry: entry?.heartbeat ?? null,
            learned: c.network.learnedOf(id),
          };
        }),
      predictionError: c.metrics.predictions.summary(),
    };
  });

  app.post('/v1/admin/tokens', async (req, reply) => {
    const admin = c.config.adminToken;
    const given = bearer(req.headers.authorization);
    if (admin === undefined)
      throw new AuthError('unauthorized', 'the admin API is disabled (no adminToken in the config)');
    if (given === undefined || hashToken(given) !== hashToken(admin))
      throw new AuthError('unauthorized', 'a valid admin token is required');
    const body = parseOrThrow(TokenRequest, req.body ?? {}, 'body');
    const token = randomBytes(24).toString('base64url');
    await c.store.putToken({
      hash: hashToken(token),
      operator: body.operator,
      createdAt: c.now(),
      note: body.note,
    });
    return reply.code(201).send({ operator: body.operator, token });
  });
}
