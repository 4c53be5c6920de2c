import { randomBytes } from 'node:crypto';
import { type KeyPair, signPayload } from './identity.js';

/**
 * Proof that a node controls the endpoint it registers, the node's side: the coordinator sends a fresh
 * nonce to `GET {endpoint}/meridian/proof?nonce=…` and whatever answers there (the emulated worker, or
 * `meridian agent --listen` in front of a real backend) signs it with the node's key (domain `proof`).
 * The coordinator's check is in `server/endpoint-proof.ts`.
 */

export const PROOF_PATH = '/meridian/proof';

/** 32 random bytes, base64url: the only nonces a node signs (it is never a signing oracle for other text). */
export const NONCE = /^[A-Za-z0-9_-]{43}$/;

export function newNonce(): string {
  return randomBytes(32).toString('base64url');
}

export interface ProofAnswer {
  publicKey: string;
  signature: string;
}

/** What a node answers to a proof request; undefined for a malformed nonce (answer 400). */
export function proofAnswer(key: KeyPair, nonce: unknown): ProofAnswer | undefined {
  if (typeof nonce !== 'string' || !NONCE.test(nonce)) return undefined;
  return { publicKey: key.publicKeyText, signature: signPayload('proof', nonce, key.privateKey) };
}
