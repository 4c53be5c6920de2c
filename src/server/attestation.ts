import type { Request } from '../model/request.js';
import { needsTee } from '../routing/query.js';
import type { AttestationRecord } from '../store/registry-store.js';
import { attestationRecord, attestationStatus } from '../trust/attestation/standing.js';
import type { AttestationVerifiers } from '../trust/attestation/verifier.js';
import type { Attestation } from '../wire/protocol.js';
import type { GatewayDecision } from './decide.js';
import { AttestationError } from './http-errors.js';
import type { Registry } from './registry.js';

/**
 * What the coordinator does with TEE attestations: checks the document a node presents (registration,
 * update) and records, in a TEE request's receipt, the verdicts the decision relied on.
 */

/**
 * The verdict on a presented attestation document, which must bind `publicKey` (the node's key, base64url
 * text); none presented: undefined (the node has no TEE). AttestationError with the verifier's reason
 * when the document does not pass.
 */
export function checkAttestation(
  verifiers: AttestationVerifiers,
  a: Attestation | undefined,
  publicKey: string,
  nowMs: number,
): AttestationRecord | undefined {
  if (a === undefined) return undefined;
  const document = new Uint8Array(Buffer.from(a.document, 'base64'));
  const nodePublicKey = new Uint8Array(Buffer.from(publicKey, 'base64url'));
  const verdict = verifiers.verify(a.kind, document, { nodePublicKey, nowMs });
  if (!verdict.ok) throw new AttestationError(`attestation refused (${a.kind}): ${verdict.reason}`);
  return attestationRecord(verdict, nowMs);
}

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
 * requests (undefined).
 */
export function attestationsRelied(
  registry: Registry,
  request: Request,
  decision: Pick<GatewayDecision, 'primary' | 'fallbacks'>,
  nowMs: number,
): ReliedAttestation[] | undefined {
  if (!needsTee(request)) return undefined;
  const ids = decision.primary === undefined ? [] : [decision.primary, ...decision.fallbacks];
  return ids.map((node) => {
    const s = attestationStatus(registry.get(node)?.record.attestation, nowMs);
    if (s.status === 'none') return { node, status: s.status };
    const { measurements: _, ...shown } = s;
    return { node, ...shown };
  });
}
