import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Agent } from '../src/agent/agent.js';
import { type FileDataset, fileDataset } from '../src/agent/datasets.js';
import { httpControlCheck } from '../src/server/endpoint-proof.js';
import { generateIdentity } from '../src/wire/identity.js';
import { Descriptor, withDatasets } from '../src/wire/protocol.js';
import { descriptor, LOOPBACK, startCoordinator, startWorker, TOKEN_A, waitFor } from './server-kit.js';
import { meridian } from './support/cli.js';
import { tempDir } from './support/temp-dir.js';

/**
 * A data node beside a real backend: the agent holds a file as a dataset (`meridian agent --dataset`),
 * registers its Merkle root over 1 MiB chunks, and its front answers the coordinator's challenges over
 * HTTP on loopback. When the file's content changes under it, the next challenge fails and the dataset
 * leaves the view.
 */
const MODEL = 'llama-3.1-8b-instruct';
const tmp = tempDir('agent-datasets');
const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});
afterAll(() => tmp.remove());

describe('agent data node (meridian agent --dataset ID:VERSION:PATH --listen)', () => {
  it('proves a 3.5 MiB file (4 chunks) over HTTP, serves a request naming it, and loses it once the file changes', async () => {
    const file = join(tmp.dir, 'corpus.bin');
    writeFileSync(file, randomBytes(3.5 * 2 ** 20));
    const data: FileDataset = fileDataset('corpus', 4, file);
    cleanup.push(() => data.close());
    expect(data.held).toMatchObject({ id: 'corpus', version: 4, chunks: 4, chunkBytes: 2 ** 20 });
    expect(data.held.sizeGb).toBeCloseTo(0.00367, 5);

    const c = await startCoordinator(
      { registry: { allowEndpoints: LOOPBACK, dataProofEveryMs: 100 } },
      { controlCheck: httpControlCheck(2000) },
    );
    cleanup.push(() => c.close());
    const backend = await startWorker({ tokensPerSec: 1000 });
    cleanup.push(() => backend.close());
    await c.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = c.app.server.address() as { port: number };
    const agent = new Agent({
      coordinator: `http://127.0.0.1:${port}`,
      backend: backend.url,
      kind: 'vllm',
      token: TOKEN_A,
      node: withDatasets(Descriptor.parse(descriptor('d1')), [data.held]),
      datasets: [data],
      key: generateIdentity(),
      intervalMs: 60_000,
      listen: { host: '127.0.0.1', port: 0 },
    });
    cleanup.push(() => agent.stop());
    await agent.tick();
    const proofs = c.coordinator.dataProofs;
    await waitFor('corpus proven twice', async () =>
      (proofs.statusOf('d1')[0]?.passed ?? 0) >= 2 ? true : undefined,
    );
    expect(proofs.proven('d1').map((h) => h.id)).toEqual(['corpus']);

    const res = await c.app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      headers: { 'x-meridian-dataset': 'corpus' },
      payload: { model: MODEL, messages: [{ role: 'user', content: 'hi' }], max_tokens: 3 },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-meridian-node']).toBe('d1');

    // Every chunk changes: whichever chunk the next challenge picks no longer leads to the root.
    writeFileSync(file, randomBytes(3.5 * 2 ** 20));
    await waitFor('corpus dropped', async () => (proofs.proven('d1').length === 0 ? true : undefined));
    expect(proofs.statusOf('d1')[0]).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/does not lead to the registered root/),
    });
    const gone = await c.app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      headers: { 'x-meridian-dataset': 'corpus' },
      payload: { model: MODEL, messages: [{ role: 'user', content: 'hi' }], max_tokens: 3 },
    });
    expect(gone.statusCode).toBe(404);
  });

  it('refuses --dataset without --listen and a malformed one, exit 2 with the flag in the message', async () => {
    const node = join(tmp.dir, 'node.yaml');
    writeFileSync(node, JSON.stringify(descriptor('d2')));
    const base = [
      'agent',
      '--backend',
      'http://127.0.0.1:9',
      '--kind',
      'vllm',
      '--coordinator',
      'http://127.0.0.1:9',
    ];
    const noListen = await meridian(...base, '--node', node, '--token', TOKEN_A, '--dataset', `x:1:${node}`);
    expect(noListen.code).toBe(2);
    expect(noListen.stderr).toMatch(/--dataset needs --listen/);
    const bad = await meridian(...base, '--node', node, '--token', TOKEN_A, '--dataset', 'x:/data');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/expected ID:VERSION:PATH/);
  });
});
