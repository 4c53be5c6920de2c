import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { leafHash, verifyChunk } from '../trust/holdings/merkle.js';
import { type DataChallenge, dataProofText } from '../wire/data-proof.js';
import { generateIdentity, verifyPayload } from '../wire/identity.js';
import { datasetRoutes, parseDatasetSpec, SYNTHETIC_CHUNK_BYTES, syntheticDataset } from './datasets.js';

describe('synthetic datasets of an emulated data node', () => {
  it('150 GB at version 2 is 9,600 chunks of 4 KiB, the same root every time and another for version 3', () => {
    const a = syntheticDataset('imagenet', 150, 2);
    expect(a.held).toMatchObject({ id: 'imagenet', version: 2, sizeGb: 150, chunks: 9600, chunkBytes: 4096 });
    expect(syntheticDataset('imagenet', 150, 2).held.root).toBe(a.held.root);
    expect(syntheticDataset('imagenet', 150, 3).held.root).not.toBe(a.held.root);
  });

  it('parses ID:SIZE_GB[:VERSION] and names what is wrong', () => {
    expect(parseDatasetSpec('wiki:2.5')).toEqual({ id: 'wiki', sizeGb: 2.5, version: 1 });
    expect(parseDatasetSpec('imagenet:150:2')).toEqual({ id: 'imagenet', sizeGb: 150, version: 2 });
    expect(parseDatasetSpec('wiki')).toMatch(/expected ID:SIZE_GB\[:VERSION\]/);
    expect(parseDatasetSpec('wiki:0')).toMatch(/SIZE_GB must be in \(0, 10000\]/);
    expect(parseDatasetSpec('wiki:20000')).toMatch(/SIZE_GB/);
  });

  it('answers a challenge for chunk 77 with a signed chunk whose path leads to the root; a liar one bit off', async () => {
    const key = generateIdentity();
    const d = syntheticDataset('wiki', 2, 1);
    const c: DataChallenge = { nonce: 'A'.repeat(43), dataset: 'wiki', version: 1, index: 77 };
    for (const lie of [false, true]) {
      const app = Fastify();
      datasetRoutes(app, key, [d], lie);
      const res = await app.inject({
        url: `/meridian/dataset-proof?nonce=${c.nonce}&dataset=wiki&version=1&index=77`,
      });
      expect(res.statusCode).toBe(200);
      const a = res.json() as { index: number; chunk: string; path: string[]; signature: string };
      const chunk = Buffer.from(a.chunk, 'base64');
      expect(chunk.length).toBe(SYNTHETIC_CHUNK_BYTES);
      const leaf = leafHash(chunk).toString('hex');
      expect(verifyPayload('dataProof', dataProofText(c, leaf), a.signature, key.publicKey)).toBe(true);
      expect(verifyChunk(d.held.root, { index: 77, chunk, path: a.path })).toBe(!lie);
      await app.close();
    }
  });

  it('answers 404 for a version it does not hold, 400 for an empty index and for chunk 128 of 128', async () => {
    const app = Fastify();
    datasetRoutes(app, generateIdentity(), [syntheticDataset('wiki', 2, 1)]);
    const q = (v: number, i: number) =>
      `/meridian/dataset-proof?nonce=${'A'.repeat(43)}&dataset=wiki&version=${v}&index=${i}`;
    expect((await app.inject({ url: q(2, 0) })).statusCode).toBe(404);
    const empty = await app.inject({
      url: `/meridian/dataset-proof?nonce=${'A'.repeat(43)}&dataset=wiki&version=1&index=`,
    });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.message).toMatch(/index: expected a whole number/);
    const beyond = await app.inject({ url: q(1, 128) });
    expect(beyond.statusCode).toBe(400);
    expect(beyond.json().error.message).toMatch(/beyond the last chunk \(127\)/);
    await app.close();
  });
});
