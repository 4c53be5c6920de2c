import { createPublicKey, verify as verifySignature, X509Certificate } from 'node:crypto';
import { decode, encode } from 'cbor2';
import type { AttestationExpectation, AttestationVerdict, AttestationVerifier } from './verifier.js';

/**
 * AWS Nitro Enclaves attestation documents (AWS, "Verifying the root of trust", Nitro Enclaves User
 * Guide): a COSE_Sign1 structure (RFC 9052) in CBOR, `[protected, unprotected, payload, signature]`,
 * whose protected header names ES384 (alg −35) and whose payload is a CBOR map with `module_id`,
 * `digest` ("SHA384"), `timestamp` (ms since the epoch), `pcrs` (index → 48-byte digest), `certificate`
 * (the leaf, DER), `cabundle` (DER certificates from the root down to the leaf's issuer), and optional
 * `public_key`, `user_data`, `nonce`.
 *
 * A document is valid when, in this order:
 *   1. it decodes as COSE_Sign1 with alg ES384 and a payload with every required field of the right type;
 *   2. `cabundle[0]` is the configured root (same DER bytes) and each certificate in the chain, leaf
 *      last, is issued and signed by the one before it and valid at the verification time;
 *   3. the COSE signature over `["Signature1", protected, h'', payload]` verifies with the leaf's P-384
 *      key (raw r‖s, 96 bytes);
 *   4. every PCR the allowlist names has one of its allowed values;
 *   5. `public_key` equals the node's registered key (the binding: only that node can use the document);
 *   6. the document is no older than `maxAgeMs` (and not from the future beyond `maxSkewMs`).
 * The verdict expires at the earlier of timestamp + maxAgeMs and the leaf certificate's end of validity.
 */
export interface NitroOptions {
  /** The root certificate (PEM or DER), e.g. AWS's Nitro Enclaves root G1. */
  readonly root: string | Uint8Array;
  /** Allowed values per PCR index (lower-case or upper-case hex); PCRs not named are not checked. */
  readonly allowedPcrs: Readonly<Record<number, readonly string[]>>;
  /** Largest document age, ms (default 10 minutes). */
  readonly maxAgeMs?: number;
  /** Tolerated clock skew for timestamps in the future, ms (default 60 s). */
  readonly maxSkewMs?: number;
}

const ES384 = -35;

type Payload = {
  module_id: string;
  digest: string;
  timestamp: number;
  pcrs: Map<number, Uint8Array>;
  certificate: Uint8Array;
  cabundle: Uint8Array[];
  public_key?: Uint8Array | null;
};

class Refusal extends Error {}

function refuse(reason: string): never {
  throw new Refusal(reason);
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function decodeCose(document: Uint8Array): {
  protectedBytes: Uint8Array;
  payloadBytes: Uint8Array;
  signature: Uint8Array;
} {
  let cose: unknown;
  try {
    cose = decode(document);
  } catch (e) {
    refuse(`not CBOR: ${(e as Error).message}`);
  }
  // A COSE_Sign1 may carry tag 18; cbor2 returns tagged items as Tag objects with `contents`.
  if (cose !== null && typeof cose === 'object' && 'tag' in cose && 'contents' in cose)
    cose = (cose as { contents: unknown }).contents;
  if (!Array.isArray(cose) || cose.length !== 4) refuse('not a COSE_Sign1 array of 4 items');
  const [protectedBytes, , payloadBytes, signature] = cose as unknown[];
  if (
    !(protectedBytes instanceof Uint8Array) ||
    !(payloadBytes instanceof Uint8Array) ||
    !(signature instanceof Uint8Array)
  )
    refuse('COSE_Sign1 protected header, payload and signature must be byte strings');
  let header: unknown;
  try {
    header = decode(protectedBytes);
  } catch {
    refuse('protected header is not CBOR');
  }
  const alg = header instanceof Map ? header.get(1) : undefined;
  if (alg !== ES384) refuse(`protected header alg must be ES384 (-35), got ${String(alg)}`);
  return { protectedBytes, payloadBytes, signature };
}

function decodePayload(bytes: Uint8Array): Payload {
  let p: unknown;
  try {
    p = decode(bytes);
  } catch {
    refuse('payload is not CBOR');
  }
  if (p === null || typeof p !== 'object') refuse('payload is not a map');
  const o = p as Record<string, unknown>;
  if (typeof o.module_id !== 'string' || o.module_id === '') refuse('payload.module_id missing');
  if (o.digest !== 'SHA384') refuse(`payload.digest must be SHA384 (got ${String(o.digest)})`);
  if (typeof o.timestamp !== 'number' && typeof o.timestamp !== 'bigint') refuse('payload.timestamp missing');
  if (!(o.pcrs instanceof Map) || o.pcrs.size === 0) refuse('payload.pcrs must be a non-empty map');
  for (const [k, v] of o.pcrs as Map<unknown, unknown>)
    if (typeof k !== 'number' || !(v instanceof Uint8Array))
      refuse('payload.pcrs must map integers to byte strings');
  if (!(o.certificate instanceof Uint8Array)) refuse('payload.certificate missing');
  if (
    !Array.isArray(o.cabundle) ||
    o.cabundle.length === 0 ||
    !o.cabundle.every((c) => c instanceof Uint8Array)
  )
    refuse('payload.cabundle must be a non-empty array of certificates');
  return { ...(o as unknown as Payload), timestamp: Number(o.timestamp) };
}

function parseCert(der: Uint8Array, what: string): X509Certificate {
  try {
    return new X509Certificate(der);
  } catch {
    refuse(`${what} is not a DER X.509 certificate`);
  }
}

function checkChain(p: Payload, root: X509Certificate, nowMs: number): X509Certificate {
  const chain = [
    ...p.cabundle.map((c, i) => parseCert(c, `cabundle[${i}]`)),
    parseCert(p.certificate, 'certificate'),
  ];
  if (!Buffer.from(chain[0]!.raw).equals(Buffer.from(root.raw)))
    refuse('cabundle[0] is not the configured root certificate');
  for (let i = 0; i < chain.length; i++) {
    const cert = chain[i]!;
    const name = i === chain.length - 1 ? 'certificate' : `cabundle[${i}]`;
    const from = Date.parse(cert.validFrom);
    const to = Date.parse(cert.validTo);
    if (!(nowMs >= from && nowMs <= to))
      refuse(
        `${name} is not valid at ${new Date(nowMs).toISOString()} (${cert.validFrom} – ${cert.validTo})`,
      );
    const issuer = i === 0 ? cert : chain[i - 1]!;
    if (!cert.checkIssued(issuer) || !cert.verify(issuer.publicKey))
      refuse(`${name} is not signed by ${i === 0 ? 'itself' : `cabundle[${i - 1}]`}`);
  }
  return chain[chain.length - 1]!;
}

export function nitroVerifier(options: NitroOptions): AttestationVerifier {
  const root = new X509Certificate(
    typeof options.root === 'string' ? options.root : Buffer.from(options.root),
  );
  const maxAgeMs = options.maxAgeMs ?? 600_000;
  const maxSkewMs = options.maxSkewMs ?? 60_000;
  const allowed = Object.entries(options.allowedPcrs).map(
    ([k, vs]) => [Number(k), new Set(vs.map((v) => v.toLowerCase()))] as const,
  );
  const kind = 'aws-nitro';
  return {
    kind,
    verify(document: Uint8Array, expect: AttestationExpectation): AttestationVerdict {
      try {
        const { protectedBytes, payloadBytes, signature } = decodeCose(document);
        const p = decodePayload(payloadBytes);
        const leaf = checkChain(p, root, expect.nowMs);
        const toBeSigned = encode(['Signature1', protectedBytes, new Uint8Array(0), payloadBytes]);
        const key = createPublicKey(leaf.publicKey.export({ format: 'pem', type: 'spki' }));
        const good = verifySignature('sha384', toBeSigned, { key, dsaEncoding: 'ieee-p1363' }, signature);
        if (!good) refuse('COSE signature does not verify with the leaf certificate key');
        for (const [index, values] of allowed) {
          const v = p.pcrs.get(index);
          if (v === undefined) refuse(`PCR${index} is missing`);
          if (!values.has(hex(v))) refuse(`PCR${index} ${hex(v)} is not in the allowlist`);
        }
        if (!(p.public_key instanceof Uint8Array)) refuse('document binds no public_key');
        if (!Buffer.from(p.public_key).equals(Buffer.from(expect.nodePublicKey)))
          refuse("public_key is not the node's registered key");
        if (p.timestamp > expect.nowMs + maxSkewMs) refuse('timestamp is in the future');
        if (expect.nowMs - p.timestamp > maxAgeMs)
          refuse(
            `document is ${Math.round((expect.nowMs - p.timestamp) / 1000)} s old (limit ${maxAgeMs / 1000} s)`,
          );
        const measurements: Record<string, string> = {};
        for (const [k, v] of [...p.pcrs].sort((a, b) => a[0] - b[0])) measurements[`PCR${k}`] = hex(v);
        return {
          ok: true,
          kind,
          module: p.module_id,
          expiresAtMs: Math.min(p.timestamp + maxAgeMs, Date.parse(leaf.validTo)),
          measurements,
        };
      } catch (e) {
        if (e instanceof Refusal) return { ok: false, kind, reason: e.message };
        return { ok: false, kind, reason: `malformed document: ${(e as Error).message}` };
      }
    },
  };
}
