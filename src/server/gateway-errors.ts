import { InputError, NotFoundError } from '../errors.js';
import type { Request } from '../model/request.js';
import { needsTee } from '../routing/query.js';
import type { GatewayDecision } from './decide.js';
import type { ForwardResult } from './forward.js';
import { UnavailableError } from './http-errors.js';

/**
 * The HTTP error for a decision without a primary: the request's own fault is 4xx, lack of capacity 503.
 * `carried` (the request's meridian options) is named with the filters that emptied the candidates.
 */
export function routeError(
  request: Request,
  decision: GatewayDecision,
  openDomains: readonly string[] = [],
  carried: Record<string, unknown> = {},
): Error {
  const model = request.model;
  const e = decision.error ?? { code: 'no_candidates', message: 'no node chosen' };
  if (e.code === 'unknown_model' || e.code === 'unknown_dataset') return new NotFoundError(e.message);
  if (e.code === 'unsupported_verification')
    return new InputError('body', [{ path: 'verification', message: e.message }]);
  if (e.code === 'no_candidates' && openDomains.length > 0)
    return new UnavailableError(
      'domain_open',
      `every node sharing ${openDomains.join(', ')} is failing; stopped failing over among them (${e.message})`,
    );
  const asked = Object.entries(carried).map(([k, v]) => `${k} ${JSON.stringify(v)}`);
  const under = asked.length === 0 ? '' : ` under the request's options (${asked.join(', ')})`;
  // A TEE request goes only to nodes whose attestation holds now (src/trust/attestation/standing.ts).
  const tee = needsTee(request) ? ' (a TEE request needs a node with a valid, unexpired attestation)' : '';
  return new UnavailableError('no_capacity', `no node can take ${model} now${under}: ${e.message}${tee}`);
}

export function failure(
  result: ForwardResult,
  receipt: string,
  deadlineMs: number | undefined,
): UnavailableError {
  const tried = result.attempts
    .map((a) => `${a.nodeId}: ${a.outcome}${a.message ? ` (${a.message})` : ''}`)
    .join('; ');
  if (result.deadlineExceeded)
    return new UnavailableError(
      'deadline_exceeded',
      `no answer within the deadline of ${deadlineMs} ms (x-meridian-deadline-ms or meridian.deadline_ms); upstream requests cancelled (receipt ${receipt}; ${tried || 'none tried'})`,
    );
  if (result.stoppedDomains.length > 0) {
    const list = result.stoppedDomains.join(', ');
    return new UnavailableError(
      'domain_open',
      `every node sharing ${list} is failing; stopped failing over among them (receipt ${receipt}; ${tried})`,
    );
  }
  return new UnavailableError(
    'upstream_failed',
    `every candidate failed (receipt ${receipt}; ${tried || 'none tried'})`,
  );
}
