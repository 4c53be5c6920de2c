import type { Request } from '../model/request.js';
import type { Delivered } from './attempt.js';
import { attestationsRelied } from './attestation.js';
import type { Coordinator } from './coordinator.js';
import type { GatewayDecision } from './decide.js';
import type { ForwardResult } from './forward.js';
import { carriedOptions, type MeridianOptions } from './meridian-options.js';
import type { Endpoint } from './openai.js';
import { trustRelied } from './trust-receipt.js';

/**
 * What the gateway records for each request it proxied: the demand bucket it adds to, and its receipt
 * (request, decision, attestations and trust marks relied on, attempts, outcome), readable from
 * `GET /v1/receipts/:id` as soon as this returns.
 */
/**
 * The request as its receipt shows it (`deadlineMs` and `dataset` only when set, then the meridian options
 * it carried); fields set one by one, as conditional spreads cost microseconds per request.
 */
function receiptRequest(request: Request, options: MeridianOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {
    model: request.model,
    client: request.client,
    inputTokens: request.inputTokens,
    outputTokens: request.outputTokens,
  };
  if (request.deadlineMs !== undefined) out.deadlineMs = request.deadlineMs;
  if (request.dataset !== undefined) out.dataset = request.dataset;
  out.options = carriedOptions(options);
  return out;
}

/**
 * The part of a receipt every decision has, the gateway's and `POST /v1/route`'s alike: the decision with
 * its own receipt, then the attestations and trust marks it relied on (undefined, so left out of the
 * JSON, when none).
 */
export function reliedOn(c: Coordinator, request: Request, decision: GatewayDecision, started: number) {
  return {
    decision: {
      primary: decision.primary ?? null,
      fallbacks: decision.fallbacks,
      hedge: decision.hedge ?? null,
      receipt: decision.receipt,
    },
    attestations: attestationsRelied(c.registry, request, decision, started),
    trust: trustRelied(c.trust, decision),
  };
}

/** Statuses of a node refusing the gateway itself (a backend behind a key): the client did nothing wrong. */
const REFUSED_GATEWAY = new Set([401, 403]);

/**
 * How a request counts in the demand series (docs/demand.md), from the answer the gateway delivered:
 * `met` when a node answered it; `unmet` when none did (no capacity, shed, failed on every node: the
 * node refusals 404, 408 and 429 are never delivered, they go to the next fallback) or when the node
 * refused the gateway (401, 403); `none` — not demand, nor its tokens — when the node refused the
 * client's own input with any other 4xx (400 for `max_tokens` over its limit, 413, 422).
 */
export function demandOf(delivered: Pick<Delivered, 'status'> | undefined): 'met' | 'unmet' | 'none' {
  if (delivered === undefined || REFUSED_GATEWAY.has(delivered.status)) return 'unmet';
  return delivered.status >= 400 && delivered.status < 500 ? 'none' : 'met';
}

export function record(
  c: Coordinator,
  id: string,
  started: number,
  endpoint: Endpoint,
  request: Request,
  options: MeridianOptions,
  stream: boolean,
  decision: GatewayDecision,
  result: Pick<ForwardResult, 'attempts' | 'stoppedDomains'> & { delivered?: Delivered },
  status: number,
): void {
  const d = result.delivered;
  const counted = demandOf(d);
  if (counted !== 'none')
    c.demand.add(
      request.client,
      request.model,
      started,
      request.inputTokens + request.outputTokens,
      counted === 'met',
    );
  if (counted === 'met' && d !== undefined) c.warm.control.served.add(d.nodeId, request.model);
  // Fields copied, not spread: a spread costs microseconds per request on this path.
  const relied = reliedOn(c, request, decision, started);
  c.receipts.add(id, started, {
    id,
    at: new Date(started).toISOString(),
    endpoint,
    stream,
    request: receiptRequest(request, options),
    decision: relied.decision,
    attestations: relied.attestations,
    trust: relied.trust,
    attempts: result.attempts,
    stoppedDomains: result.stoppedDomains,
    node: result.delivered?.nodeId ?? null,
    status,
    durationMs: c.now() - started,
  });
}
