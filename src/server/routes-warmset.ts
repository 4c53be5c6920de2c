import type { FastifyInstance } from 'fastify';
import { InputError } from '../errors.js';
import type { Heartbeat, HeartbeatResponse } from '../wire/protocol.js';
import { accessOf } from './access.js';
import type { Coordinator } from './coordinator.js';
import { AuthError } from './http-errors.js';

/** Default and largest number of commands `GET /v1/warmset/actions` lists. */
const DEFAULT_LIMIT = 200;
const MAX_LIMIT = 5000;

/**
 * The answer to an accepted heartbeat: the node's answers to earlier commands are recorded, and the
 * commands waiting for it ride back, bound to the node and the heartbeat's sequence.
 */
export function heartbeatAnswer(c: Coordinator, hb: Heartbeat): HeartbeatResponse {
  const commands = c.warm.commands;
  if (hb.acks.length > 0) commands.acknowledge(hb.nodeId, hb.acks);
  const list = commands.take(hb.nodeId, (model) => c.network.servedAs(hb.nodeId, model));
  return list.length === 0
    ? { ok: true, seq: hb.seq }
    : { ok: true, seq: hb.seq, commands: { nodeId: hb.nodeId, seq: hb.seq, list } };
}

/**
 * `GET /v1/warmset/actions?since=MS&limit=N`: the warm-set commands, newest first, each with its reason
 * and the node's answer. The admin sees all of them, an operator those on its own nodes (docs/security.md).
 */
export function warmsetRoutes(app: FastifyInstance, c: Coordinator): void {
  app.get('/v1/warmset/actions', async (req) => {
    const access = await accessOf(c, req.headers.authorization);
    if (access.role !== 'admin' && access.role !== 'operator')
      throw new AuthError('unauthorized', 'the admin token or an operator token is required');
    const q = req.query as Record<string, string | undefined>;
    const bad = (field: string, message: string) =>
      new InputError('query', [{ path: field, message, value: q[field] }]);
    const since = q.since === undefined ? 0 : Number(q.since);
    if (!Number.isFinite(since) || since < 0) throw bad('since', 'expected ms since the epoch');
    const limit = q.limit === undefined ? DEFAULT_LIMIT : Number(q.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
      throw bad('limit', `expected a whole number from 1 to ${MAX_LIMIT}`);
    const own = (node: string) =>
      access.role === 'admin' || c.registry.get(node)?.record.operator === access.operator;
    const actions = (await c.store.listWarmActions(since, limit)).filter((a) => own(a.node));
    const w = c.config.warmset;
    return {
      enabled: w.enabled,
      periodMs: w.periodMs,
      horizonMs: w.horizonMs,
      plans: c.warm.control.plans,
      lastError: c.warm.control.lastError ?? c.warm.commands.lastError ?? null,
      actions,
    };
  });
}
