import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { encode } from 'cbor2';

/**
 * AWS Nitro-shaped attestation documents built by the tests themselves: their own P-384 root,
 * intermediate and leaf, a payload shaped like AWS's, and a COSE_Sign1 signature made with WebCrypto
 * (which signs ECDSA as raw r‖s, the COSE form). Nothing here comes from the verifier under test.
 */
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
const subtle = webcrypto.subtle;
const ALG = { name: 'ECDSA', namedCurve: 'P-384', hash: 'SHA-384' } as const;
const DAY = 86_400_000;

/** A PCR0 value the tests allow (48 bytes of 0xaa, as hex). */
export const PCR0 = 'aa'.repeat(48);
export const MODULE_ID = 'i-0123456789abcdef0-enc0123456789abcdef';

export interface Pki {
  root: x509.X509Certificate;
  inter: x509.X509Certificate;
  leaf: x509.X509Certificate;
  leafKey: webcrypto.CryptoKey;
  /** The root as PEM text (what a coordinator's config points at). */
  rootPem: string;
}

async function keys(): Promise<webcrypto.CryptoKeyPair> {
  return (await subtle.generateKey(ALG, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
}

/** A root, an intermediate and a leaf valid from a day before `nowMs`; the leaf until `leafNotAfter`. */
export async function pki(nowMs: number, leafNotAfter = nowMs + DAY): Promise<Pki> {
  const ca = [
    new x509.BasicConstraintsExtension(true, 2, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
  ];
  const rootKeys = await keys();
  const interKeys = await keys();
  const leafKeys = await keys();
  const notBefore = new Date(nowMs - DAY);
  const root = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=test nitro root',
    notBefore,
    notAfter: new Date(nowMs + 365 * DAY),
    signingAlgorithm: ALG,
    keys: rootKeys,
    extensions: ca,
  });
  const inter = await x509.X509CertificateGenerator.create({
    serialNumber: '02',
    subject: 'CN=test nitro intermediate',
    issuer: root.subject,
    notBefore,
    notAfter: new Date(nowMs + 30 * DAY),
    signingAlgorithm: ALG,
    publicKey: interKeys.publicKey,
    signingKey: rootKeys.privateKey,
    extensions: ca,
  });
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: '03',
    subject: `CN=${MODULE_ID}`,
    issuer: inter.subject,
    notBefore,
    notAfter: new Date(leafNotAfter),
    signingAlgorithm: ALG,
    publicKey: leafKeys.publicKey,
    signingKey: interKeys.privateKey,
  });
  return { root, inter, leaf, leafKey: leafKeys.privateKey, rootPem: root.toString('pem') };
}

export interface DocOptions {
  /** The document's timestamp, ms since the epoch. */
  timestamp: number;
  /** The key the document binds (`public_key`); null: none. */
  publicKey: Uint8Array | null;
  pcr0?: string;
  /** One byte of PCR0 changed after signing (the payload still decodes, the chain still holds). */
  tamper?: boolean;
  bundle?: x509.X509Certificate[];
}

/** A COSE_Sign1 attestation document signed by the leaf of `p`. */
export async function nitroDocument(p: Pki, o: DocOptions): Promise<Uint8Array> {
  const payload = encode({
    module_id: MODULE_ID,
    digest: 'SHA384',
    timestamp: o.timestamp,
    pcrs: new Map([
      [0, new Uint8Array(Buffer.from(o.pcr0 ?? PCR0, 'hex'))],
      [1, new Uint8Array(48)],
    ]),
    certificate: new Uint8Array(p.leaf.rawData),
    cabundle: (o.bundle ?? [p.root, p.inter]).map((c) => new Uint8Array(c.rawData)),
    public_key: o.publicKey,
    user_data: null,
    nonce: null,
  });
  const protectedHeader = encode(new Map([[1, -35]]));
  const toBeSigned = encode(['Signature1', protectedHeader, new Uint8Array(0), payload]);
  const signature = new Uint8Array(
    await subtle.sign({ name: 'ECDSA', hash: 'SHA-384' }, p.leafKey, toBeSigned),
  );
  const sent = payload.slice();
  if (o.tamper) {
    const at = Buffer.from(sent).indexOf(Buffer.from(o.pcr0 ?? PCR0, 'hex'));
    sent[at] = sent[at]! ^ 1;
  }
  return encode([protectedHeader, new Map(), sent, signature]);
}
