import type { Request } from '../model/request.js';
import { needsTee } from '../routing/query.js';
import { attestationStatus } from '../trust/attestation/standing.js';
import type { GatewayDecision } from './decide.js';
import type { Registry } from './registry.js';

/** One node's attestation as a TEE request's receipt records it. */
export interface ReliedAttestation {
  node: string;
  status: 'valid' | 'expired' | 'none';
  kind?: string;
  module?: string;
  verifiedAt?: string;
  expiresAt?: string;
}

/**
 * The receipt fields of a request that needs a TEE: the attestation verdict each chosen node (primary,
 * then fallbacks) was given the `tee` mode on, as it stood when the decision was made. Nothing for other
 * requests.
 */
export function attestationsRelied(
  registry: Registry,
  request: Request,
  decision: Pick<GatewayDecision, 'primary' | 'fallbacks'>,
  nowMs: number,
): { attestations?: ReliedAttestation[] } {
  if (!needsTee(request)) return {};
  const ids = decision.primary === undefined ? [] : [decision.primary, ...decision.fallbacks];
  return {
    attestations: ids.map((node) => {
      const s = attestationStatus(registry.get(node)?.record.attestation, nowMs);
      if (s.status === 'none') return { node, status: s.status };
      const { measurements: _, ...shown } = s;
      return { node, ...shown };
    }),
  };
}
