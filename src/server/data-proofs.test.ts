import { describe, expect, it } from 'vitest';
import type { HeldDataset } from '../model/dataset.js';
import { HeldCopy } from '../trust/holdings/holder.js';
import { leafHash } from '../trust/holdings/merkle.js';
import { type DataChallenge, signDataProof } from '../wire/data-proof.js';
import { generateIdentity } from '../wire/identity.js';
import { checkDataAnswer, type DataVerdict } from './data-proof-check.js';
import { DataProofs } from './data-proofs.js';
import type { RegisteredNode } from './registry.js';

const key = generateIdentity();
const CHUNK = 64;
const content = Uint8Array.from({ length: 10 * CHUNK - 5 }, (_, i) => (i * 31 + 7) % 251);
const copy = new HeldCopy({
  chunks: 10,
  chunkBytes: CHUNK,
  chunk: (i) => content.subarray(i * CHUNK, (i + 1) * CHUNK),
});
const held: HeldDataset = {
  id: 'wiki',
  version: 2,
  sizeGb: 3,
  root: copy.root,
  chunks: 10,
  chunkBytes: CHUNK,
};
const challenge = (index: number): DataChallenge => ({
  nonce: 'n'.repeat(43),
  dataset: 'wiki',
  version: 2,
  index,
});

/** An answer as a node gives it, from `chunk` (the true one unless changed) and the true path. */
function answer(
  c: DataChallenge,
  over: { chunk?: Uint8Array; path?: (string | null)[]; index?: number } = {},
) {
  const p = copy.prove(c.index);
  const chunk = Buffer.from(over.chunk ?? p.chunk);
  return {
    index: over.index ?? c.index,
    chunk: chunk.toString('base64'),
    path: over.path ?? p.path,
    signature: signDataProof(key, c, leafHash(chunk).toString('hex')),
  };
}

describe("the coordinator's check of a dataset proof", () => {
  it('accepts the true chunk and path for every index 0 … 9, the last chunk 59 bytes', () => {
    for (let i = 0; i < 10; i++)
      expect(checkDataAnswer(held, challenge(i), answer(challenge(i)), key.publicKey)).toEqual({ ok: true });
  });

  it('calls a chunk one bit off wrong (evidence): its path misses the registered root', () => {
    const bad = Buffer.from(copy.prove(4).chunk);
    bad[0] = bad[0]! ^ 1;
    const v = checkDataAnswer(held, challenge(4), answer(challenge(4), { chunk: bad }), key.publicKey);
    expect(v).toMatchObject({ ok: false, kind: 'wrong', reason: expect.stringMatching(/registered root/) });
  });

  it('calls another chunk (index 5 for 4), a short chunk or a path of 3 hashes for 10 chunks (4 needed) wrong', () => {
    const c = challenge(4);
    const five = copy.prove(5);
    expect(
      checkDataAnswer(held, c, answer(c, { index: 5, chunk: five.chunk, path: five.path }), key.publicKey),
    ).toMatchObject({ kind: 'wrong', reason: 'answered chunk 5 for chunk 4' });
    const short = copy.prove(4).chunk.subarray(0, CHUNK - 1);
    expect(checkDataAnswer(held, c, answer(c, { chunk: short }), key.publicKey)).toMatchObject({
      kind: 'wrong',
      reason: expect.stringMatching(/63 bytes/),
    });
    const path = copy.prove(4).path.slice(0, 3);
    expect(checkDataAnswer(held, c, answer(c, { path }), key.publicKey)).toMatchObject({
      kind: 'wrong',
      reason: expect.stringMatching(/3 hashes; 10 chunks need 4/),
    });
  });

  it("calls an answer signed by another key, or over another nonce, missing: it is not the node's", () => {
    const c = challenge(1);
    const other = generateIdentity();
    expect(checkDataAnswer(held, c, answer(c), other.publicKey)).toMatchObject({
      ok: false,
      kind: 'missing',
    });
    expect(checkDataAnswer(held, { ...c, nonce: 'm'.repeat(43) }, answer(c), key.publicKey)).toMatchObject({
      kind: 'missing',
    });
    expect(checkDataAnswer(held, c, { error: 'nope' }, key.publicKey)).toMatchObject({ kind: 'missing' });
  });
});

function registered(id: string, datasets: HeldDataset[]): RegisteredNode {
  return {
    record: {
      id,
      operator: 'op',
      publicKey: key.publicKeyText,
      endpoint: `http://127.0.0.1:9/${id}`,
      descriptor: {},
      registeredAt: 0,
      updatedAt: 0,
      lastSeq: 0,
    },
    descriptor: { datasets } as RegisteredNode['descriptor'],
    key: key.publicKey,
  };
}

function proofs(verdicts: DataVerdict[]) {
  let t = 0;
  const calls: string[] = [];
  const changes: string[] = [];
  const evidence: boolean[] = [];
  const p = new DataProofs({
    challenge: async (_endpoint, _key, h) => {
      calls.push(h.id);
      return verdicts.shift() ?? { ok: true };
    },
    everyMs: 1000,
    now: () => t,
    onChange: (id) => changes.push(id),
    onVerdict: (_id, ok) => evidence.push(ok),
  });
  return { p, calls, changes, evidence, at: (ms: number) => (t = ms) };
}

describe('dataset proofs over time', () => {
  it('challenges a registered dataset at once; it is in the view only after the proof passes', async () => {
    const { p, calls, changes, evidence } = proofs([{ ok: true }]);
    p.registered(registered('d1', [held]));
    expect(p.proven('d1')).toEqual([]);
    expect(p.statusOf('d1')[0]!.status).toBe('pending');
    await p.settled();
    expect(calls).toEqual(['wiki']);
    expect(p.proven('d1')).toEqual([held]);
    expect(changes).toEqual(['d1']);
    expect(evidence).toEqual([true]);
  });

  it('drops a proven dataset after a wrong answer 1000 ms later (evidence false) and a missing one (no evidence)', async () => {
    const { p, changes, evidence, at } = proofs([
      { ok: true },
      { ok: false, kind: 'wrong', reason: 'chunk 3 does not lead to the registered root' },
      { ok: true },
      { ok: false, kind: 'missing', reason: 'no answer within 2000 ms' },
    ]);
    p.registered(registered('d1', [held]));
    await p.settled();
    at(999);
    p.due();
    await p.settled();
    expect(p.proven('d1')).toEqual([held]); // not due before 1000 ms
    at(1000);
    p.due();
    await p.settled();
    expect(p.proven('d1')).toEqual([]);
    expect(p.statusOf('d1')[0]).toMatchObject({ status: 'failed', passed: 1, failed: 1 });
    at(2000);
    p.due();
    await p.settled();
    expect(p.proven('d1')).toEqual([held]);
    at(3000);
    p.due();
    await p.settled();
    expect(p.statusOf('d1')[0]).toMatchObject({ status: 'failed', reason: 'no answer within 2000 ms' });
    expect(evidence).toEqual([true, false, true]);
    expect(p.tally()).toEqual({ pending: 0, proven: 0, failed: 1 });
    expect(changes).toEqual(['d1', 'd1', 'd1', 'd1']);
  });

  it('challenges a changed claim (version 3) anew and forgets a node that is removed', async () => {
    const { p, calls } = proofs([]);
    p.registered(registered('d1', [held]));
    await p.settled();
    p.registered(registered('d1', [held]));
    await p.settled();
    expect(calls).toEqual(['wiki']); // same claim: no new challenge
    p.registered(registered('d1', [{ ...held, version: 3 }]));
    expect(p.proven('d1')).toEqual([]);
    await p.settled();
    expect(calls).toEqual(['wiki', 'wiki']);
    p.removed('d1');
    expect(p.statusOf('d1')).toEqual([]);
  });
});

describe('a node that registers again at another endpoint', () => {
  it('is challenged at once (a restarted worker on a new port): the failure at the old address does not wait 30 s for its retry', async () => {
    const { p, calls } = proofs([
      { ok: false, kind: 'missing', reason: 'connect ECONNREFUSED' },
      { ok: true },
    ]);
    p.registered(registered('d1', [held]));
    await p.settled();
    expect(p.statusOf('d1')[0]!.status).toBe('failed');
    const moved = registered('d1', [held]);
    moved.record.endpoint = 'http://127.0.0.1:10/d1';
    p.registered(moved);
    await p.settled();
    expect(calls).toEqual(['wiki', 'wiki']);
    expect(p.proven('d1')).toEqual([held]);
  });

  it('drops a proven dataset from the view until the new address proves it', async () => {
    const { p, changes } = proofs([{ ok: true }, { ok: false, kind: 'missing', reason: 'no answer' }]);
    p.registered(registered('d1', [held]));
    await p.settled();
    const moved = registered('d1', [held]);
    moved.record.endpoint = 'http://127.0.0.1:10/d1';
    p.registered(moved);
    expect(p.proven('d1')).toEqual([]);
    await p.settled();
    expect(p.statusOf('d1')[0]!.status).toBe('failed');
    expect(changes).toEqual(['d1', 'd1']);
  });
});

describe('retrying a failed dataset', () => {
  it('with everyMs 300 s, re-challenges a failed dataset after 30 s and a proven one after 300 s', async () => {
    let t = 0;
    const verdicts: DataVerdict[] = [{ ok: false, kind: 'missing', reason: 'no answer within 2000 ms' }];
    const p = new DataProofs({
      challenge: async () => verdicts.shift() ?? { ok: true },
      everyMs: 300_000,
      now: () => t,
      onChange: () => {},
    });
    p.registered(registered('d1', [held]));
    await p.settled();
    expect(p.statusOf('d1')[0]!.status).toBe('failed');
    t = 29_999;
    p.due();
    await p.settled();
    expect(p.statusOf('d1')[0]!.status).toBe('failed');
    t = 30_000;
    p.due();
    await p.settled();
    expect(p.statusOf('d1')[0]).toMatchObject({ status: 'proven', checkedAt: 30_000 });
    t = 329_999;
    p.due();
    await p.settled();
    expect(p.statusOf('d1')[0]).toMatchObject({ passed: 1 });
    t = 330_000;
    p.due();
    await p.settled();
    expect(p.statusOf('d1')[0]).toMatchObject({ passed: 2 });
  });
});

describe('dataset proofs under load', () => {
  it('runs at most 4 challenges at once: 10 datasets registered together are challenged 4, 4 and 2 at a time', async () => {
    const waiting: (() => void)[] = [];
    let started = 0;
    const p = new DataProofs({
      challenge: () => {
        started++;
        return new Promise<DataVerdict>((resolve) => waiting.push(() => resolve({ ok: true })));
      },
      everyMs: 1000,
      now: () => 0,
      onChange: () => {},
      maxConcurrent: 4,
    });
    const many = Array.from({ length: 10 }, (_, k) => ({ ...held, id: `set-${k}` }));
    p.registered(registered('d1', many));
    const rounds: number[] = [];
    while (p.proven('d1').length < 10) {
      rounds.push(started);
      for (const release of waiting.splice(0)) release();
      await p.settled();
      p.due();
    }
    expect(rounds).toEqual([4, 8, 10]);
  });
});
