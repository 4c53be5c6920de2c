import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Agent } from '../src/agent/agent.js';
import { generateIdentity } from '../src/wire/identity.js';
import type { HeartbeatInput } from '../src/wire/protocol.js';
import { descriptor, startCoordinator, startWorker, type TestWorker, TOKEN_A } from './server-kit.js';

/**
 * The agent carries out warm-set commands that arrive in heartbeat answers, on an emulated Ollama worker,
 * and answers in its next heartbeat. Ticks are driven by hand.
 */
const MODEL = 'llama-3.1-8b-instruct';
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function ollamaWorker(): Promise<TestWorker> {
  const w = await startWorker({ flavor: 'ollama', timeScale: 0, models: [{ id: MODEL, weightsGb: 16 }] });
  closers.push(() => w.close());
  return w;
}

function agentFor(coordinator: string, backend: string): Agent {
  const agent = new Agent({
    coordinator,
    backend,
    kind: 'ollama',
    token: TOKEN_A,
    node: descriptor('n1'),
    key: generateIdentity(),
    intervalMs: 60_000,
  });
  closers.push(() => agent.stop());
  return agent;
}

describe('the agent and warm-set commands', () => {
  it('loads llama on its Ollama worker when the coordinator commands it, and the record reads done', async () => {
    const c = await startCoordinator();
    await c.app.listen({ host: '127.0.0.1', port: 0 });
    closers.push(() => c.close());
    const url = `http://127.0.0.1:${(c.app.server.address() as AddressInfo).port}`;
    const w = await ollamaWorker();
    const agent = agentFor(url, w.url);
    await agent.tick(); // registers and reports llama on disk
    const [load] = await c.coordinator.warm.commands.issue([
      { kind: 'load', node: 'n1', model: MODEL, reason: 'by hand', gainMs: 0, costMs: 0 },
    ]);
    await agent.tick(); // the answer carries the command
    await agent.idle();
    expect(w.engine.memory.ids('resident')).toEqual([MODEL]);
    await agent.tick(); // the answer rides in this heartbeat
    await c.coordinator.warm.commands.flush();
    const [record] = await c.store.listWarmActions(0, 10);
    expect(record).toMatchObject({ id: load!.id, status: 'done', reason: 'by hand' });
    expect(record!.detail).toMatch(/^loaded llama-3\.1-8b-instruct in \d+\.\d s$/);
  });

  it('ignores commands bound to another node or another heartbeat, and runs a command id once', async () => {
    const w = await ollamaWorker();
    const beats: HeartbeatInput[] = [];
    let bind = (hb: HeartbeatInput) => ({ nodeId: 'n2', seq: hb.seq });
    const fake: Server = createServer((req, res) => {
      let text = '';
      req.on('data', (d: Buffer) => (text += d.toString()));
      req.on('end', () => {
        res.setHeader('content-type', 'application/json');
        if (req.url === '/v1/nodes') {
          res
            .writeHead(201)
            .end(JSON.stringify({ nodeId: 'n1', operator: 'op-a', lastSeq: 0, heartbeatIntervalMs: 1000 }));
          return;
        }
        const hb = JSON.parse((JSON.parse(text) as { payload: string }).payload) as HeartbeatInput;
        beats.push(hb);
        const list = [{ id: 'c1', kind: 'load', model: MODEL, name: MODEL }];
        res.writeHead(200).end(JSON.stringify({ ok: true, seq: hb.seq, commands: { ...bind(hb), list } }));
      });
    });
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise<void>((r) => fake.close(() => r())));
    const agent = agentFor(`http://127.0.0.1:${(fake.address() as AddressInfo).port}`, w.url);
    await agent.tick(); // register + heartbeat 1: bound to n2
    bind = (hb) => ({ nodeId: 'n1', seq: hb.seq - 1 });
    await agent.tick(); // heartbeat 2: bound to the previous sequence
    await agent.idle();
    expect(w.engine.memory.ids('resident')).toEqual([]);
    bind = (hb) => ({ nodeId: 'n1', seq: hb.seq });
    await agent.tick(); // heartbeat 3: bound right
    await agent.idle();
    expect(w.engine.memory.ids('resident')).toEqual([MODEL]);
    await agent.tick(); // heartbeat 4 carries the answer; its reply repeats id c1
    await agent.idle();
    await agent.tick(); // heartbeat 5: nothing ran again, nothing to answer
    expect(beats.map((b) => (b.acks ?? []).map((a) => [a.id, a.status]))).toEqual([
      [],
      [],
      [],
      [['c1', 'done']],
      [],
    ]);
  });
});
