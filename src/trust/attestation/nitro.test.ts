import { beforeAll, describe, expect, it } from 'vitest';
import {
  type DocOptions,
  pki as makePki,
  nitroDocument,
  PCR0,
  type Pki,
} from '../../../test/support/nitro-documents.js';
import { nitroVerifier } from './nitro.js';
import { AttestationVerifiers } from './verifier.js';

/** Every document here is built by the test itself (test/support/nitro-documents.ts). */
const NOW = Date.UTC(2026, 11, 5, 12, 0, 0);
const NODE_KEY = new Uint8Array(32).fill(7);

const pki = (leafNotAfter?: number) => makePki(NOW, leafNotAfter);
const document = (p: Pki, o: Partial<DocOptions> = {}) =>
  nitroDocument(p, { timestamp: NOW - 1000, publicKey: NODE_KEY, ...o });

describe('AWS Nitro attestation verifier', () => {
  let p: Pki;
  beforeAll(async () => {
    p = await pki();
  });
  const verifier = () => nitroVerifier({ root: p.root.toString('pem'), allowedPcrs: { 0: [PCR0] } });
  const expect_ = { nodePublicKey: NODE_KEY, nowMs: NOW };

  it('accepts a document from its root, with an allowed PCR0 and the node key bound; expires 10 minutes after its timestamp', async () => {
    const v = verifier().verify(await document(p), expect_);
    expect(v).toMatchObject({
      ok: true,
      kind: 'aws-nitro',
      module: 'i-0123456789abcdef0-enc0123456789abcdef',
    });
    if (v.ok) {
      expect(v.expiresAtMs).toBe(NOW - 1000 + 600_000);
      expect(v.measurements.PCR0).toBe(PCR0);
    }
  });

  it('rejects a tampered payload (one byte changed after signing)', async () => {
    const v = verifier().verify(await document(p, { tamper: true }), expect_);
    expect(v).toMatchObject({
      ok: false,
      reason: 'COSE signature does not verify with the leaf certificate key',
    });
  });

  it('rejects a document whose chain leads to another root', async () => {
    const other = await pki();
    const v = nitroVerifier({ root: other.root.toString('pem'), allowedPcrs: { 0: [PCR0] } }).verify(
      await document(p),
      expect_,
    );
    expect(v).toEqual({
      ok: false,
      kind: 'aws-nitro',
      reason: 'cabundle[0] is not the configured root certificate',
    });
  });

  it('rejects a bundle that claims the right root but whose intermediate another key signed', async () => {
    const other = await pki();
    const v = verifier().verify(await document(p, { bundle: [p.root, other.inter] }), expect_);
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.reason).toMatch(/cabundle\[1\] is not signed by cabundle\[0\]/);
  });

  it('rejects a PCR0 that is not in the allowlist, naming it', async () => {
    const v = verifier().verify(await document(p, { pcr0: 'bb'.repeat(48) }), expect_);
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.reason).toBe(`PCR0 ${'bb'.repeat(48)} is not in the allowlist`);
  });

  it('rejects a document bound to another key, and one bound to none', async () => {
    const other = verifier().verify(await document(p, { publicKey: new Uint8Array(32).fill(9) }), expect_);
    expect(other).toMatchObject({ ok: false, reason: "public_key is not the node's registered key" });
    const none = verifier().verify(await document(p, { publicKey: null }), expect_);
    expect(none).toMatchObject({ ok: false, reason: 'document binds no public_key' });
  });

  it('rejects a document 11 minutes old and a leaf certificate that has expired', async () => {
    const old = verifier().verify(await document(p, { timestamp: NOW - 11 * 60_000 }), expect_);
    expect(old).toMatchObject({ ok: false, reason: 'document is 660 s old (limit 600 s)' });
    const expired = await pki(NOW - 1000);
    const v = nitroVerifier({ root: expired.root.toString('pem'), allowedPcrs: {} }).verify(
      await document(expired),
      expect_,
    );
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.reason).toMatch(/^certificate is not valid at/);
  });

  it('rejects bytes that are not CBOR, and a verifier kind nobody registered', async () => {
    expect(verifier().verify(new Uint8Array([0xff, 0x00]), expect_).ok).toBe(false);
    const registry = new AttestationVerifiers([verifier()]);
    expect(registry.verify('sev-snp', new Uint8Array(), expect_)).toEqual({
      ok: false,
      kind: 'sev-snp',
      reason: 'no verifier for attestation kind "sev-snp" (known: aws-nitro)',
    });
  });
});
