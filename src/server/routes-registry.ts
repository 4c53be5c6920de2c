import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { Id } from '../model/common.js';
import { parseOrThrow } from '../model/validate.js';
import { attestationStatus } from '../trust/attestation/standing.js';
import { Envelope, type Heartbeat } from '../wire/protocol.js';
import { accessOf } from './access.js';
import type { Coordinator } from './coordinator.js';
import { bearer } from './registry.js';
import { heartbeatAnswer } from './routes-warmset.js';
import { healthOf } from './telemetry.js';

const NodeParams = z.strictObject({ id: Id });

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
    return heartbeatAnswer(c, await c.registry.heartbeat(envelope));
  });

  app.get('/v1/nodes', async (req) => {
    const now = c.now();
    const access = await accessOf(c, req.headers.authorization);
    const full = (operator: string) =>
      access.role === 'admin' || (access.role === 'operator' && access.operator === operator);
    return {
      nodes: c.registry
        .all()
        .sort((a, b) => (a.record.id < b.record.id ? -1 : a.record.id > b.record.id ? 1 : 0))
        .map((n) => {
          const id = n.record.id;
          const hb = c.network.telemetry.get(id)?.heartbeat;
          const age = c.network.telemetry.ageMs(id, now);
          const open = {
            id,
            operator: n.record.operator,
            metro: n.descriptor.location.metro,
            labels: Object.fromEntries(Object.entries(n.descriptor.labels).map(([k, v]) => [k, v.value])),
            slots: n.descriptor.slots,
            health: healthOf(age, c.config.telemetry),
            breaker: c.breakers.nodeState(id, now),
            gatewayInFlight: c.network.inflightOf(id),
            learned: c.network.learnedOf(id),
            ...datasetsOf(c, id),
          };
          if (full(n.record.operator))
            return {
              ...open,
              endpoint: n.record.endpoint,
              ageMs: age ?? null,
              telemetry: hb ?? null,
              trust: c.trust?.mark(id) ?? null,
              attestation: attestationStatus(n.record.attestation, now),
            };
          return { ...open, telemetry: hb === undefined ? null : publicTelemetry(hb) };
        }),
      predictionError: c.metrics.predictions.summary(),
    };
  });
}

/** A data node's datasets and where each one's proof stands (nothing for other nodes). */
function datasetsOf(c: Coordinator, nodeId: string) {
  const list = c.dataProofs.statusOf(nodeId);
  if (list.length === 0) return {};
  return {
    datasets: list.map((d) => ({
      id: d.held.id,
      version: d.held.version,
      sizeGb: d.held.sizeGb,
      root: d.held.root,
      proof: d.status,
      checkedAt: d.checkedAt ?? null,
      passed: d.passed,
      failed: d.failed,
      ...(d.reason === undefined ? {} : { reason: d.reason }),
    })),
  };
}

/** What anyone may see of a node's report: its load and which models it holds in which state. */
function publicTelemetry(hb: Heartbeat) {
  return {
    inFlight: hb.inFlight,
    queue: hb.queue,
    models: hb.models.map((m) => ({
      id: m.id,
      state: m.state,
      ...(m.progress === undefined ? {} : { progress: m.progress }),
    })),
  };
}
