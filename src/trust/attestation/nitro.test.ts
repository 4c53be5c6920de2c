import 'reflect-metadata';
import { webcrypto } from 'node:crypto';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

import * as x509 from '@peculiar/x509';
import { encode } from 'cbor2';
import { beforeAll, describe, expect, it } from 'vitest';
import { nitroVerifier } from './nitro.js';
import { AttestationVerifiers } from './verifier.js';

/**
 * Every document here is built by the test itself: its own P-384 root, intermediate and leaf, a payload
 * shaped like AWS's, and a COSE_Sign1 signature made with WebCrypto (which signs ECDSA as raw r‖s, the
 * COSE form). Nothing here comes from the verifier under test.
 */
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
const subtle = webcrypto.subtle;
const ALG = { name: 'ECDSA', namedCurve: 'P-384', hash: 'SHA-384' } as const;
const NOW = Date.UTC(2026, 11, 5, 12, 0, 0);
const DAY = 86_400_000;
const PCR0 = 'aa'.repeat(48);
const NODE_KEY = new Uint8Array(32).fill(7);

interface Pki {
  root: x509.X509Certificate;
  inter: x509.X509Certificate;
  leaf: x509.X509Certificate;
  leafKey: CryptoKey;
}

async function keys(): Promise<CryptoKeyPair> {
  return (await subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
}

async function pki(leafNotAfter = NOW + DAY): Promise<Pki> {
  const ca = [
    new x509.BasicConstraintsExtension(true, 2, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
  ];
  const rootKeys = await keys();
  const interKeys = await keys();
  const leafKeys = await keys();
  const notBefore = new Date(NOW - DAY);
  const root = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=test nitro root',
    notBefore,
    notAfter: new Date(NOW + 365 * DAY),
    signingAlgorithm: ALG,
    keys: rootKeys,
    extensions: ca,
  });
  const inter = await x509.X509CertificateGenerator.create({
    serialNumber: '02',
    subject: 'CN=test nitro intermediate',
    issuer: root.subject,
    notBefore,
    notAfter: new Date(NOW + 30 * DAY),
    signingAlgorithm: ALG,
    publicKey: interKeys.publicKey,
    signingKey: rootKeys.privateKey,
    extensions: ca,
  });
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: '03',
    subject: 'CN=i-0123456789abcdef0-enc0123456789abcdef',
    issuer: inter.subject,
    notBefore,
    notAfter: new Date(leafNotAfter),
    signingAlgorithm: ALG,
    publicKey: leafKeys.publicKey,
    signingKey: interKeys.privateKey,
  });
  return { root, inter, leaf, leafKey: leafKeys.privateKey };
}

interface DocOptions {
  pcr0?: string;
  publicKey?: Uint8Array | null;
  timestamp?: number;
  tamper?: boolean;
  bundle?: x509.X509Certificate[];
}

async function document(p: Pki, o: DocOptions = {}): Promise<Uint8Array> {
  const payload = encode({
    module_id: 'i-0123456789abcdef0-enc0123456789abcdef',
    digest: 'SHA384',
    timestamp: o.timestamp ?? NOW - 1000,
    pcrs: new Map([
      [0, new Uint8Array(Buffer.from(o.pcr0 ?? PCR0, 'hex'))],
      [1, new Uint8Array(48)],
    ]),
    certificate: new Uint8Array(p.leaf.rawData),
    cabundle: (o.bundle ?? [p.root, p.inter]).map((c) => new Uint8Array(c.rawData)),
    public_key: o.publicKey === undefined ? NODE_KEY : o.publicKey,
    user_data: null,
    nonce: null,
  });
  const protectedHeader = encode(new Map([[1, -35]]));
  const toBeSigned = encode(['Signature1', protectedHeader, new Uint8Array(0), payload]);
  const signature = new Uint8Array(
    await subtle.sign({ name: 'ECDSA', hash: 'SHA-384' }, p.leafKey, toBeSigned),
  );
  const sent = payload.slice();
  // Tampering: one byte of PCR0 changes after signing (the payload still decodes, the chain still holds).
  if (o.tamper) {
    const at = Buffer.from(sent).indexOf(Buffer.from(o.pcr0 ?? PCR0, 'hex'));
    sent[at] = sent[at]! ^ 1;
  }
  return encode([protectedHeader, new Map(), sent, signature]);
}

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
