/**
 * Attestation: evidence a node presents at registration that it runs inside a trusted execution
 * environment, with its node key bound to that environment. Each TEE kind has one verifier, registered
 * by its kind name; the coordinator asks the verifier for the node's declared kind and routes requests
 * that require a TEE only to nodes whose verdict is valid and unexpired.
 */
export interface AttestationExpectation {
  /** The node's registered public key, as raw bytes: the document must bind exactly this key. */
  readonly nodePublicKey: Uint8Array;
  /** Verification time, ms since the epoch. */
  readonly nowMs: number;
}

export type AttestationVerdict =
  | {
      readonly ok: true;
      readonly kind: string;
      /** When the verdict stops holding (document age limit or leaf certificate expiry), ms since the epoch. */
      readonly expiresAtMs: number;
      /** Measurements the document attests (e.g. PCR index → hex digest). */
      readonly measurements: Readonly<Record<string, string>>;
      /** The enclave or module the document names. */
      readonly module: string;
    }
  | { readonly ok: false; readonly kind: string; readonly reason: string };

export interface AttestationVerifier {
  readonly kind: string;
  verify(document: Uint8Array, expect: AttestationExpectation): AttestationVerdict;
}

/** Verifiers by kind name, passed explicitly (no process-global registry). */
export class AttestationVerifiers {
  private readonly byKind = new Map<string, AttestationVerifier>();

  constructor(verifiers: readonly AttestationVerifier[] = []) {
    for (const v of verifiers) this.byKind.set(v.kind, v);
  }

  kinds(): string[] {
    return [...this.byKind.keys()].sort();
  }

  /** The verdict of the verifier for `kind`; a refusal naming the known kinds when there is none. */
  verify(kind: string, document: Uint8Array, expect: AttestationExpectation): AttestationVerdict {
    const v = this.byKind.get(kind);
    if (v === undefined)
      return {
        ok: false,
        kind,
        reason: `no verifier for attestation kind "${kind}" (known: ${this.kinds().join(', ') || 'none'})`,
      };
    return v.verify(document, expect);
  }
}
