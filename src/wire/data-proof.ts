import { z } from 'zod';
import { Id } from '../model/common.js';
import { type KeyPair, signPayload } from './identity.js';
import { NONCE } from './proof.js';

/**
 * Proof that a data node holds a dataset, on the wire: the coordinator asks
 * `GET {endpoint}/meridian/dataset-proof?nonce=…&dataset=…&version=…&index=…` for one chunk of a
 * dataset the node registered; the node answers with the chunk, the sibling hashes from it up to the
 * Merkle root, and its signature (domain `dataProof`) over the challenge and the chunk's leaf hash. The
 * tree itself is in `trust/holdings/merkle.ts`; the coordinator's check in `server/data-proofs.ts`.
 */

export const DATA_PROOF_PATH = '/meridian/dataset-proof';

/** A whole number written in decimal digits (as a query string carries it). */
const Whole = (min: number, max: number) =>
  z
    .string()
    .regex(/^[0-9]{1,13}$/, 'expected a whole number')
    .transform(Number)
    .pipe(z.number().min(min).max(max));

/** The challenge as the query string carries it (parsed on the node's side). */
export const DataChallenge = z.strictObject({
  nonce: z.string().regex(NONCE, 'expected 32 random bytes in base64url'),
  dataset: Id,
  version: Whole(1, 1e12),
  index: Whole(0, 2 ** 40),
});
export type DataChallenge = z.infer<typeof DataChallenge>;

/** What the node answers: the chunk (base64), its sibling path (hex, null where promoted), a signature. */
export interface DataProofAnswer {
  index: number;
  chunk: string;
  path: (string | null)[];
  signature: string;
}

/** The text a node signs: the challenge and the leaf hash (hex) of the chunk it answers with. */
export function dataProofText(c: DataChallenge, leafHex: string): string {
  return JSON.stringify([c.nonce, c.dataset, c.version, c.index, leafHex]);
}

/** Signs an answer with the node key. */
export function signDataProof(key: KeyPair, c: DataChallenge, leafHex: string): string {
  return signPayload('dataProof', dataProofText(c, leafHex), key.privateKey);
}

/** The challenge URL below an endpoint (its path is a prefix, as for every proxied request). */
export function dataProofUrl(endpoint: string, c: DataChallenge): string {
  const u = new URL(endpoint);
  const q = new URLSearchParams({
    nonce: c.nonce,
    dataset: c.dataset,
    version: String(c.version),
    index: String(c.index),
  });
  return `${u.origin}${u.pathname.replace(/\/+$/, '')}${DATA_PROOF_PATH}?${q}`;
}
