import { DataChallenge, type DataProofAnswer, signDataProof } from '../../wire/data-proof.js';
import type { KeyPair } from '../../wire/identity.js';
import type { HeldCopy } from './holder.js';
import { leafHash } from './merkle.js';

/**
 * A data node's answer to the coordinator's challenge (`GET /meridian/dataset-proof`), whatever serves
 * it (the emulated worker, the agent's front): the challenged chunk of the copy, its sibling path and the
 * node's signature over the challenge and the chunk's leaf hash. `lie` (emulation only) answers with the
 * chunk one bit off, signed, as a node that does not hold the content would.
 */

export interface HeldDatasetCopy {
  readonly id: string;
  readonly version: number;
  readonly copy: HeldCopy;
}

export type ChallengeReply =
  | { status: 200; body: DataProofAnswer }
  | { status: 400 | 404; body: { error: { code: string; message: string } } };

export function answerChallenge(
  key: KeyPair,
  copies: readonly HeldDatasetCopy[],
  query: unknown,
  lie = false,
): ChallengeReply {
  const parsed = DataChallenge.safeParse(query);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    return {
      status: 400,
      body: { error: { code: 'bad_challenge', message: `${i?.path.join('.')}: ${i?.message}` } },
    };
  }
  const c = parsed.data;
  const d = copies.find((x) => x.id === c.dataset && x.version === c.version);
  if (d === undefined)
    return {
      status: 404,
      body: {
        error: {
          code: 'unknown_dataset',
          message: `dataset ${c.dataset} version ${c.version} is not held here`,
        },
      },
    };
  if (c.index >= d.copy.chunks)
    return {
      status: 400,
      body: {
        error: {
          code: 'bad_challenge',
          message: `index ${c.index} is beyond the last chunk (${d.copy.chunks - 1})`,
        },
      },
    };
  const proof = d.copy.prove(c.index);
  const chunk = Buffer.from(proof.chunk);
  if (lie) chunk[0] = chunk[0]! ^ 1;
  return {
    status: 200,
    body: {
      index: c.index,
      chunk: chunk.toString('base64'),
      path: proof.path,
      signature: signDataProof(key, c, leafHash(chunk).toString('hex')),
    },
  };
}
