import { type KeyObject, randomInt } from 'node:crypto';
import { request } from 'undici';
import type { HeldDataset } from '../model/dataset.js';
import { leafHash, pathLength, verifyChunk } from '../trust/holdings/merkle.js';
import { type DataChallenge, dataProofText, dataProofUrl } from '../wire/data-proof.js';
import { verifyPayload } from '../wire/identity.js';
import { newNonce } from '../wire/proof.js';

/**
 * The coordinator's side of a dataset proof: a fresh nonce and a random chunk index, one GET to the
 * node's endpoint, and the checks on the answer: signed by the node's key over the challenge and the
 * chunk; the chunk as long as the registered chunk size says; a sibling path as long as the registered
 * chunk count gives; the path leads to the registered root.
 */

/** `wrong`: the node answered and the answer is false (evidence); `missing`: no usable answer. */
export type DataVerdict = { ok: true } | { ok: false; kind: 'wrong' | 'missing'; reason: string };

export type DataChallengeFn = (endpoint: string, key: KeyObject, held: HeldDataset) => Promise<DataVerdict>;

/** A challenge for one random chunk of `held`. */
export function newChallenge(held: HeldDataset): DataChallenge {
  return { nonce: newNonce(), dataset: held.id, version: held.version, index: randomInt(held.chunks) };
}

const wrong = (reason: string): DataVerdict => ({ ok: false, kind: 'wrong', reason });

/** The verdict on an answer (parsed JSON) to challenge `c` for `held` by the node with `key`. */
export function checkDataAnswer(
  held: HeldDataset,
  c: DataChallenge,
  answer: unknown,
  key: KeyObject,
): DataVerdict {
  const a = answer as { index?: unknown; chunk?: unknown; path?: unknown; signature?: unknown } | null;
  if (a === null || typeof a !== 'object' || typeof a.chunk !== 'string' || !Array.isArray(a.path))
    return { ok: false, kind: 'missing', reason: 'the answer has no chunk and path' };
  const chunk = Buffer.from(a.chunk, 'base64');
  const leaf = leafHash(chunk).toString('hex');
  if (
    typeof a.signature !== 'string' ||
    !verifyPayload('dataProof', dataProofText(c, leaf), a.signature, key)
  )
    return { ok: false, kind: 'missing', reason: "the answer is not signed by the node's key" };
  if (a.index !== c.index) return wrong(`answered chunk ${String(a.index)} for chunk ${c.index}`);
  const last = c.index === held.chunks - 1;
  if (last ? chunk.length < 1 || chunk.length > held.chunkBytes : chunk.length !== held.chunkBytes)
    return wrong(
      `chunk ${c.index} has ${chunk.length} bytes; the registered chunk size is ${held.chunkBytes}`,
    );
  if (a.path.length !== pathLength(held.chunks))
    return wrong(`a path of ${a.path.length} hashes; ${held.chunks} chunks need ${pathLength(held.chunks)}`);
  if (!a.path.every((s) => s === null || typeof s === 'string'))
    return wrong('the path holds something other than hashes');
  if (!verifyChunk(held.root, { index: c.index, chunk, path: a.path as (string | null)[] }))
    return wrong(`chunk ${c.index} does not lead to the registered root ${held.root.slice(0, 12)}…`);
  return { ok: true };
}

/** The challenge over HTTP: one GET, no redirects, a time limit, an answer no larger than a chunk needs. */
export function httpDataChallenge(timeoutMs: number): DataChallengeFn {
  return async (endpoint, key, held) => {
    const c = newChallenge(held);
    const limit = Math.ceil((held.chunkBytes * 4) / 3) + 8192;
    let text: string;
    try {
      const res = await request(dataProofUrl(endpoint, c), {
        method: 'GET',
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: AbortSignal.timeout(timeoutMs),
      });
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const part of res.body as AsyncIterable<Buffer>) {
        size += part.length;
        if (size > limit) {
          res.body.destroy();
          return { ok: false, kind: 'missing', reason: `the answer is larger than ${limit} bytes` };
        }
        chunks.push(part);
      }
      if (res.statusCode !== 200)
        return { ok: false, kind: 'missing', reason: `the node answered HTTP ${res.statusCode}` };
      text = Buffer.concat(chunks).toString('utf8');
    } catch (e) {
      return {
        ok: false,
        kind: 'missing',
        reason: `no answer within ${timeoutMs} ms (${(e as Error).message})`,
      };
    }
    let answer: unknown;
    try {
      answer = JSON.parse(text);
    } catch {
      return { ok: false, kind: 'missing', reason: 'the answer is not JSON' };
    }
    return checkDataAnswer(held, c, answer, key);
  };
}
