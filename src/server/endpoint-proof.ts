import type { KeyObject } from 'node:crypto';
import { request } from 'undici';
import { verifyPayload } from '../wire/identity.js';
import { newNonce, PROOF_PATH } from '../wire/proof.js';

/**
 * Proof that a node controls the endpoint it registers: the coordinator sends a fresh nonce to
 * `GET {endpoint}/meridian/proof?nonce=…` and the server answering there signs it with the node's key
 * (domain `proof`). An internal service, another operator's backend or the coordinator itself cannot
 * answer with a signature by the registering key, so the endpoint is refused.
 */

/** Checks that `endpoint` answers a nonce signed by `key`: undefined when it does, else the reason. */
export type ControlCheck = (endpoint: string, key: KeyObject) => Promise<string | undefined>;

/** The proof URL below an endpoint (its path is a prefix, as for every proxied request). */
export function proofUrl(endpoint: string, nonce: string): string {
  const u = new URL(endpoint);
  return `${u.origin}${u.pathname.replace(/\/+$/, '')}${PROOF_PATH}?nonce=${nonce}`;
}

const MAX_ANSWER_BYTES = 4096;

/** The proof over HTTP: one GET, no redirects, a time limit and a small answer. */
export function httpControlCheck(timeoutMs: number): ControlCheck {
  return async (endpoint, key) => {
    const nonce = newNonce();
    const url = proofUrl(endpoint, nonce);
    let status: number;
    let text: string;
    try {
      const res = await request(url, {
        method: 'GET',
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = res.statusCode;
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > MAX_ANSWER_BYTES) {
          res.body.destroy();
          return `the answer at ${PROOF_PATH} is larger than ${MAX_ANSWER_BYTES} bytes`;
        }
        chunks.push(chunk);
      }
      text = Buffer.concat(chunks).toString('utf8');
    } catch (e) {
      return `no answer at ${PROOF_PATH} within ${timeoutMs} ms (${(e as Error).message})`;
    }
    if (status !== 200) return `${PROOF_PATH} answered HTTP ${status}`;
    let signature: unknown;
    try {
      signature = (JSON.parse(text) as { signature?: unknown }).signature;
    } catch {
      return `${PROOF_PATH} did not answer JSON`;
    }
    if (typeof signature !== 'string' || !verifyPayload('proof', nonce, signature, key))
      return `${PROOF_PATH} did not sign the nonce with the registering node's key`;
    return undefined;
  };
}
