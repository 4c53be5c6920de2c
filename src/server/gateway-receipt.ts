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
  c.demand.add(
    request.client,
    request.model,
    started,
    request.inputTokens + request.outputTokens,
    result.delivered !== undefined,
  );
  if (result.delivered !== undefined) c.warm.control.served.add(result.delivered.nodeId, request.model);
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
