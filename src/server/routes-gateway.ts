import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { DemandJson } from '../demand/series.js';
import { InputError, NotFoundError } from '../errors.js';
import { clientLocationHeaders } from '../geo/client-location.js';
import type { Request } from '../model/request.js';
import { loadAheadReason } from '../routing/load-ahead.js';
import { accessOf, admitClient } from './access.js';
import { type Delivered, isRefusal, StreamBroken } from './attempt.js';
import type { Coordinator } from './coordinator.js';
import type { GatewayDecision } from './decide.js';
import { forward } from './forward.js';
import { failure, routeError } from './gateway-errors.js';
import { record } from './gateway-receipt.js';
import { LoopError, UnavailableError, UnknownModelError } from './http-errors.js';
import { streamedEvents } from './learn-gateway.js';
import { learnFromServed } from './learn-served.js';
import { carriedOptions, type MeridianOptions, readOptions } from './meridian-options.js';
import { type ChatBody, type Endpoint, parseBody, toRouteRequest } from './openai.js';
import { visibleReceipt } from './receipt-access.js';
import { receiptId } from './receipt-id.js';
import { streamedText } from './spot-checks.js';
import { HOP_HEADER } from './upstream.js';

/** Gateways a request may have passed through before this one refuses it (a loop through several). */
export const MAX_HOPS = 8;

/**
 * The `x-meridian-hop` chain to send on: the incoming one plus this coordinator. LoopError when the
 * request already passed here (a node endpoint that leads back to this gateway) or through too many.
 */
export function hopChain(header: string | string[] | undefined, self: string): string {
  if (header === undefined) return self; // a client's own request, the usual case
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  const hops = text
    .split(',')
    .map((h) => h.trim())
    .filter((h) => h !== '');
  if (hops.includes(self))
    throw new LoopError('the request came back to the gateway it passed through: a node endpoint loops');
  if (hops.length >= MAX_HOPS)
    throw new LoopError(`the request passed through ${hops.length} gateways (at most ${MAX_HOPS - 1})`);
  return [...hops, self].join(', ');
}

/**
 * The OpenAI-compatible gateway: `/v1/chat/completions`, `/v1/completions` (streamed or not) and
 * `/v1/models`. Each request is decided by the shared `route()` on the live view, then proxied with
 * failover over the decision's independent fallbacks (and a hedge copy for tight deadlines). Headers
 * `x-meridian-node` and `x-meridian-receipt` name the node that answered and the decision's receipt.
 */
export function gatewayRoutes(app: FastifyInstance, c: Coordinator): void {
  // Requests that name no location all carry the default client (one object): its headers are made once
  // per such object (read-only from then on; every attempt copies them into its own).
  let known: MeridianOptions['client'] | undefined;
  let knownHeaders: Record<string, string> = {};
  const locationHeaders = (client: MeridianOptions['client']) => {
    if (client !== c.defaultClient) return clientLocationHeaders(client);
    if (client !== known) {
      known = client;
      knownHeaders = clientLocationHeaders(client);
    }
    return knownHeaders;
  };
  app.post('/v1/chat/completions', (req, reply) => proxy(c, 'chat', req, reply, locationHeaders));
  app.post('/v1/completions', (req, reply) => proxy(c, 'completions', req, reply, locationHeaders));

  app.get('/v1/models', async () => ({
    object: 'list',
    data: c.network.availability().map((a) => ({
      id: a.id,
      object: 'model',
      created: 0,
      owned_by: 'meridian',
      warm_replicas: a.warm,
      loading_replicas: a.loading,
      nodes: a.nodes,
    })),
  }));

  app.get('/v1/demand', async (req) => demandQuery(c, req.query as Record<string, string | undefined>));

  app.get('/v1/receipts/:id', async (req) => {
    const id = (req.params as { id: string }).id;
    const stored = /^[A-Za-z0-9-]{1,100}$/.test(id) ? await c.receipts.get(id) : undefined;
    const receipt =
      stored === undefined ? undefined : visibleReceipt(await accessOf(c, req.headers.authorization), stored);
    if (receipt === undefined) throw new NotFoundError(`no receipt ${JSON.stringify(id)}`);
    return receipt;
  });
}

/** Default window of `GET /v1/demand`: the last seven days. */
const DEMAND_WINDOW_MS = 7 * 86_400_000;

/** Longest demand bucket a query may ask for (`/v1/demand`, `/ui/api/demand`): a week, in seconds. */
export const MAX_DEMAND_BUCKET_S = 7 * 86_400;

/**
 * `GET /v1/demand?bucket=S&group=region|metro&since=MS`: demand series per (place, model) in buckets of
 * S seconds (a whole number of minutes, default 300), since MS ms after the epoch (default: a week ago).
 */
async function demandQuery(c: Coordinator, q: Record<string, string | undefined>): Promise<DemandJson> {
  const bad = (field: string, message: string) =>
    new InputError('query', [{ path: field, message, value: q[field] }]);
  const bucketS = q.bucket === undefined ? 300 : Number(q.bucket);
  if (!Number.isInteger(bucketS) || bucketS < 60 || bucketS % 60 !== 0 || bucketS > MAX_DEMAND_BUCKET_S)
    throw bad(
      'bucket',
      `expected a whole number of minutes in seconds (60, 300, 3600, …), at most ${MAX_DEMAND_BUCKET_S} (a week)`,
    );
  const group = q.group ?? 'region';
  if (group !== 'region' && group !== 'metro') throw bad('group', 'expected region or metro');
  const since = q.since === undefined ? c.now() - DEMAND_WINDOW_MS : Number(q.since);
  if (!Number.isFinite(since) || since < 0) throw bad('since', 'expected ms since the epoch');
  return c.demand.series(bucketS * 1000, since, group);
}

/**
 * The served models, or UnknownModelError listing them when `model` is not among them; right after a
 * restart, while registered nodes have not reported yet, a catalog model is "not yet", not "unknown":
 * 503 with Retry-After.
 */
export function ensureServed(c: Coordinator, model: string): void {
  const available = c.network.availability();
  for (const a of available) if (a.id === model) return;
  const served = available.map((a) => a.id);
  const waiting = c.network.awaitingReports();
  if (waiting > 0 && c.network.knows(model))
    throw new UnavailableError(
      'starting',
      `model ${JSON.stringify(model)} is not served yet: the coordinator has just started and ${waiting} registered node(s) have not reported; retry shortly`,
      Math.max(1, Math.ceil(c.config.telemetry.heartbeatIntervalMs / 1000)),
    );
  throw new UnknownModelError(model, served);
}

/**
 * Runs `route()` on the current view and times it. A second replica the decision asks for goes to its
 * node's agent as a warm-set load command (when `warmset.enabled`), recorded with its reason like the
 * controller's, unless a load of the model is already on its way to a node: the node reports it loading
 * only after its next heartbeat, and the view forgets the router's own mark sooner.
 */
export function decideNow(c: Coordinator, request: Request): GatewayDecision {
  const view = c.network.currentView();
  const t0 = performance.now();
  const decision = c.decide(request, view);
  c.metrics.decision.observe((performance.now() - t0) / 1000);
  const ahead = decision.loadAhead;
  if (ahead !== undefined && c.config.warmset.enabled && !c.warm.commands.loading(request.model)) {
    const reason = loadAheadReason(ahead.waitMs, ahead.loadMs);
    const action = {
      kind: 'load',
      node: ahead.node,
      model: request.model,
      reason,
      gainMs: 0,
      costMs: ahead.loadMs,
    } as const;
    void c.warm.commands.issue([action]).catch(() => {});
  }
  return decision;
}

async function proxy(
  c: Coordinator,
  endpoint: Endpoint,
  req: FastifyRequest,
  reply: FastifyReply,
  locationHeaders: (client: MeridianOptions['client']) => Record<string, string>,
): Promise<void> {
  const started = c.now();
  const wall = Date.now();
  const g = c.config.gateway;
  const hop = hopChain(req.headers[HOP_HEADER], c.instanceId);
  const admitted = admitClient(c, req.headers.authorization);
  const client = typeof admitted === 'object' ? await admitted : admitted;
  const { body, options } = readOptions(req.headers, parseBody(endpoint, req.body), c.defaultClient);
  const deadlineAt = options.deadlineMs === undefined ? Number.POSITIVE_INFINITY : wall + options.deadlineMs;
  ensureServed(c, body.model);
  const stream = body.stream === true;
  const hedge =
    g.hedge.enabled && options.deadlineMs !== undefined && options.deadlineMs < g.hedge.deadlineBelowMs;
  const request = toRouteRequest(endpoint, body, options, {
    defaultOutputTokens: g.defaultOutputTokens,
    fallbacks: g.maxAttempts - 1,
    hedge,
  });
  const decision = decideNow(c, request);
  c.budget.request(started);
  const id = receiptId(started);
  if (client !== undefined) c.receipts.own(id, client);
  if (decision.primary === undefined) {
    record(
      c,
      id,
      started,
      endpoint,
      request,
      options,
      stream,
      decision,
      { attempts: [], stoppedDomains: [] },
      503,
    );
    throw routeError(request, decision, c.breakers.openDomains(c.now()), carriedOptions(options));
  }
  const candidates = [decision.primary, ...decision.fallbacks];
  const bounded = body.max_tokens != null || (body as ChatBody).max_completion_tokens != null;
  const limits = c.timing.limitsFor(c.network.currentView(), request, { stream, bounded, deadlineAt });

  // Only a streamed answer is cancelled when the client goes away; a non-streamed one is short and runs out.
  const controller = stream ? new AbortController() : undefined;
  if (controller !== undefined)
    reply.raw.on('close', () => {
      if (!reply.raw.writableFinished) controller.abort();
    });
  const path = endpoint === 'chat' ? '/v1/chat/completions' : '/v1/completions';
  const bodies = new Map<string, string>();
  const bodyFor = (nodeId: string): string => {
    const name = c.network.servedAs(nodeId, body.model);
    let text = bodies.get(name);
    if (text === undefined)
      bodies.set(name, (text = JSON.stringify(name === body.model ? body : { ...body, model: name })));
    return text;
  };
  const sentAt = c.now();
  const result = await forward(
    {
      upstreams: c.upstreams,
      breakers: c.breakers,
      budget: c.budget,
      now: c.now,
      begin: (n) => c.network.begin(n),
      end: (n) => c.network.end(n),
      onAttempt: (r) => {
        if (r.ok) c.refusals.success(r.nodeId, body.model, c.now());
        else {
          c.metrics.errors.incPair(r.nodeId, r.kind);
          if (isRefusal(r)) c.refusals.refuse(r.nodeId, body.model, c.now());
        }
      },
      onHedge: () => c.metrics.hedges.inc(),
    },
    {
      candidates,
      maxAttempts: g.maxAttempts,
      hedge: decision.hedge === undefined ? undefined : { nodeId: decision.hedge, delayMs: g.hedge.delayMs },
    },
    {
      path,
      body: bodyFor,
      stream,
      hop,
      headers: locationHeaders(options.client),
      limits,
      deadlineAt,
    },
    controller?.signal,
  );

  const d = result.delivered;
  if (d === undefined) {
    const status = result.deadlineExceeded ? 504 : result.stoppedDomains.length > 0 ? 503 : 502;
    record(c, id, started, endpoint, request, options, stream, decision, result, status);
    c.metrics.requests.incPair('none', status);
    if (controller?.signal.aborted) return;
    throw failure(result, id, options.deadlineMs);
  }
  let tried = 0;
  for (const a of result.attempts) if (a.outcome !== 'skipped') tried++;
  const headers: Record<string, string> = {
    'content-type': d.contentType,
    'x-meridian-node': d.nodeId,
    'x-meridian-receipt': id,
    'x-meridian-attempts': String(tried),
  };
  if (decision.estimateMs !== undefined)
    headers['x-meridian-estimate-ms'] = String(Math.round(decision.estimateMs));
  if (d.rest === undefined) {
    // The answer goes out first; the receipt (readable from now on) is recorded in the same tick.
    c.metrics.requests.incPair(d.nodeId, d.status);
    const sent = reply.code(d.status).headers(headers).send(d.body);
    record(c, id, started, endpoint, request, options, stream, decision, result, d.status);
    learnFromServed(c, request, decision, result, d, sentAt, c.now(), undefined);
    if (d.status === 200)
      c.spotChecks?.maybe({
        executor: d.nodeId,
        model: request.model,
        path,
        answer: d.body,
        bodyFor,
        receipt: { id, createdAt: started },
      });
    await sent;
    return;
  }
  // A streamed answer drawn for a spot check keeps its events, to compare the assembled text.
  const kept: Buffer[] | undefined = d.status === 200 && c.spotChecks?.draw(d.nodeId) ? [] : undefined;
  const { broken, events } = await pipeStream(c, reply, d, headers, controller!.signal, kept);
  let status = d.status;
  if (broken !== undefined && broken.kind !== 'aborted') {
    // The client saw 200 and then an error event: the answer failed, and the node is counted for it.
    status = broken.kind === 'deadline' ? 504 : 502;
    const last = result.attempts.findLast((a) => a.nodeId === d.nodeId && a.outcome === 'ok');
    if (last !== undefined) {
      last.outcome = broken.kind;
      last.message = broken.message;
      last.atMs = c.now() - started;
    }
    if (broken.breaker)
      for (const dom of c.breakers.failure(d.nodeId, c.now())) result.stoppedDomains.push(dom);
  }
  c.metrics.requests.incPair(d.nodeId, status);
  record(c, id, started, endpoint, request, options, stream, decision, result, status);
  if (!controller!.signal.aborted && broken === undefined) {
    learnFromServed(c, request, decision, result, d, sentAt, c.now(), events);
    const text = kept && streamedText(Buffer.concat(kept).toString('utf8'));
    if (text !== undefined)
      c.spotChecks?.start({
        executor: d.nodeId,
        model: request.model,
        path,
        answer: { text },
        bodyFor,
        receipt: { id, createdAt: started },
      });
  }
}

/**
 * Writes the first chunk and the rest of a streamed answer; a failure now ends the stream with an error
 * event, and is returned (undefined: the stream ended normally).
 */
async function pipeStream(
  c: Coordinator,
  reply: FastifyReply,
  d: Delivered,
  /** The answer's headers, made for this request (the stream's own are added to them). */
  headers: Record<string, string>,
  signal: AbortSignal,
  kept?: Buffer[],
): Promise<{ broken: StreamBroken | undefined; events: number }> {
  reply.hijack();
  let events = streamedEvents(d.body);
  kept?.push(d.body);
  const raw = reply.raw;
  headers['cache-control'] = 'no-cache';
  headers.connection = 'keep-alive';
  raw.writeHead(d.status, headers);
  c.network.begin(d.nodeId);
  let broken: StreamBroken | undefined;
  try {
    if (!raw.write(d.body)) await drained(raw, signal);
    for (;;) {
      const next = await d.rest!.next();
      if (next.done || signal.aborted) break;
      events += streamedEvents(next.value);
      kept?.push(next.value);
      if (!raw.write(next.value)) await drained(raw, signal);
    }
  } catch (e) {
    broken = e instanceof StreamBroken ? e : new StreamBroken('body', `stream broke: ${String(e)}`, true);
    if (broken.kind !== 'aborted') {
      c.metrics.errors.incPair(d.nodeId, 'stream');
      const code = broken.kind === 'deadline' ? 'deadline_exceeded' : 'upstream_failed';
      raw.write(`data: ${JSON.stringify({ error: { code, message: broken.message } })}\n\n`);
    }
  } finally {
    c.network.end(d.nodeId);
    d.abort();
    raw.end();
  }
  return { broken, events };
}

function drained(raw: NodeJS.WritableStream, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      raw.off('drain', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    raw.on('drain', done);
    signal.addEventListener('abort', done, { once: true });
  });
}
