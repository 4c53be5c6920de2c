import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';

/**
 * Node identity: an Ed25519 key pair the agent creates and keeps. Messages are signed over a domain tag
 * and the exact payload text, so a signature made for one kind of message (a registration) can never be
 * replayed as another (a heartbeat).
 */

export const DOMAINS = {
  register: 'meridian/register/v1',
  update: 'meridian/update/v1',
  heartbeat: 'meridian/heartbeat/v1',
  deregister: 'meridian/deregister/v1',
  /** A coordinator's nonce, signed by the node answering at the endpoint it registers (proof of control). */
  proof: 'meridian/proof/v1',
  /** A coordinator's challenge for one chunk of a dataset, answered by the data node holding it. */
  dataProof: 'meridian/data-proof/v1',
} as const;
export type SignDomain = keyof typeof DOMAINS;

export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The public key as base64url of its 32 raw bytes (the form sent on the wire and stored). */
  publicKeyText: string;
}

export function generateIdentity(): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKey, publicKeyText: publicKeyText(publicKey) };
}

export function publicKeyText(key: KeyObject): string {
  const jwk = key.export({ format: 'jwk' });
  if (typeof jwk.x !== 'string') throw new Error('not an Ed25519 public key');
  return jwk.x;
}

/** The public key from its wire form, or undefined when the text is not a valid Ed25519 key. */
export function parsePublicKey(text: string): KeyObject | undefined {
  if (!/^[A-Za-z0-9_-]{43}$/.test(text)) return undefined;
  try {
    return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: text }, format: 'jwk' });
  } catch {
    return undefined;
  }
}

/** A key pair from a PKCS#8 PEM private key. */
export function identityFromPem(pem: string): KeyPair {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('the key is not an Ed25519 private key');
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, publicKeyText: publicKeyText(publicKey) };
}

export function identityToPem(pair: KeyPair): string {
  return pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}

function message(domain: SignDomain, payload: string): Buffer {
  return Buffer.from(`${DOMAINS[domain]}\n${payload}`, 'utf8');
}

/** Signature (base64url) of `payload` for `domain`. */
export function signPayload(domain: SignDomain, payload: string, privateKey: KeyObject): string {
  return sign(null, message(domain, payload), privateKey).toString('base64url');
}

/** True when `signature` is a valid signature of `payload` for `domain` by `publicKey`; never throws. */
export function verifyPayload(
  domain: SignDomain,
  payload: string,
  signature: string,
  publicKey: KeyObject,
): boolean {
  if (!/^[A-Za-z0-9_-]{86}$/.test(signature)) return false;
  try {
    return verify(null, message(domain, payload), publicKey, Buffer.from(signature, 'base64url'));
  } catch {
    return false;
  }
}
