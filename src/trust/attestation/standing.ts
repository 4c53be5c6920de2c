import type { VerificationMode } from '../../model/common.js';
import type { AttestationRecord } from '../../store/registry-store.js';
import type { AttestationVerdict } from './verifier.js';

/**
 * Where a node's TEE claim stands at a given time: the one rule the registry, the live view, the node
 * listing and the receipts share. A node has the `tee` mode only while a passed attestation holds; a
 * declared `tee` without one (never attested, or expired) is not believed.
 */

/** The record kept of a passed verdict, checked at `verifiedAt`. */
export function attestationRecord(
  verdict: Extract<AttestationVerdict, { ok: true }>,
  verifiedAt: number,
): AttestationRecord {
  return {
    kind: verdict.kind,
    module: verdict.module,
    verifiedAt,
    expiresAt: verdict.expiresAtMs,
    measurements: { ...verdict.measurements },
  };
}

/** True while the attestation holds at `nowMs` (it stops holding at `expiresAt` exactly). */
export function attestationHolds(a: AttestationRecord | undefined, nowMs: number): a is AttestationRecord {
  return a !== undefined && nowMs < a.expiresAt;
}

/** The modes a node can execute in at `nowMs`: the declared ones, without `tee` unless attested now. */
export function attestedModes(
  declared: readonly VerificationMode[],
  a: AttestationRecord | undefined,
  nowMs: number,
): VerificationMode[] {
  return attestationHolds(a, nowMs) ? [...declared] : declared.filter((m) => m !== 'tee');
}

export type AttestationStatus =
  | { status: 'none' }
  | {
      status: 'valid' | 'expired';
      kind: string;
      module: string;
      verifiedAt: string;
      expiresAt: string;
      measurements: Record<string, string>;
    };

/** What the node listing and receipts show of a node's attestation at `nowMs` (times as ISO 8601). */
export function attestationStatus(a: AttestationRecord | undefined, nowMs: number): AttestationStatus {
  if (a === undefined) return { status: 'none' };
  return {
    status: attestationHolds(a, nowMs) ? 'valid' : 'expired',
    kind: a.kind,
    module: a.module,
    verifiedAt: new Date(a.verifiedAt).toISOString(),
    expiresAt: new Date(a.expiresAt).toISOString(),
    measurements: a.measurements,
  };
}
