import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Agent, type AgentStatus, type Refusal } from '../src/agent/agent.js';
import { CoordinatorError } from '../src/agent/coordinator-client.js';
import { refusalMessage } from '../src/cli/agent.js';
import { generateIdentity } from '../src/wire/identity.js';
import type { DescriptorInput } from '../src/wire/protocol.js';
import {
  builtMain,
  deregister,
  descriptor,
  register,
  startCoordinator,
  startWorker,
  type TestCoordinator,
  TOKEN_A,
  tempDir,
  writeYaml,
} from './server-kit.js';
import { meridian } from './support/cli.js';

/**
 * The agent gives up when the coordinator refuses the node in a way no retry can change (a wrong token,
 * a descriptor it cannot take, a key it no longer accepts) instead of repeating the refused request
 * forever while it looks alive; outages and refusals that may pass are still retried. Ticks are driven
 * by hand; the last tests run the built binary.
 */
const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** What `p` has settled with by now, or 'pending'. */
async function settled<T>(p: Promise<T>): Promise<T | 'pending'> {
  return Promise.race([p, new Promise<'pending'>((r) => setImmediate(() => r('pending')))]);
}

function agentFor(
  coordinator: string,
  opt: { token?: string; node?: DescriptorInput & { id: string } } = {},
) {
  const statuses: AgentStatus[] = [];
  const agent = new Agent({
    coordinator,
    backend: 'http://127.0.0.1:9',
    kind: 'openai',
    token: opt.token ?? TOKEN_A,
    node: opt.node ?? descriptor('n1'),
    key: generateIdentity(),
    intervalMs: 60_000,
    onStatus: (s) => statuses.push(s),
  });
  closers.push(() => agent.stop());
  return { agent, statuses };
}

async function coordinator(): Promise<TestCoordinator & { url: string }> {
  const c = await startCoordinator();
  closers.push(() => c.close());
  await c.app.listen({ host: '127.0.0.1', port: 0 });
  return { ...c, url: `http://127.0.0.1:${(c.app.server.address() as AddressInfo).port}` };
}

/** A stand-in coordinator: registrations and heartbeats answered with the statuses set (201/200 when 0). */
async function stub(answers: { register: number; heartbeat: number }) {
  const hits = { register: 0, heartbeat: 0 };
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const which = req.url === '/v1/nodes' ? 'register' : 'heartbeat';
      hits[which]++;
      const status = answers[which];
      const body =
        status !== 0
          ? { error: { code: `code_${status}`, message: `said with ${status}` } }
          : which === 'register'
            ? { nodeId: 'n1', operator: 'op-a', lastSeq: 1, heartbeatIntervalMs: 60_000 }
            : {};
      res.writeHead(status || (which === 'register' ? 201 : 200), { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise((r) => server.close(r)));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits, answers };
}

describe('agent: registration refused', () => {
  it.each([400, 401, 403, 404, 413])(
    'gives up on a registration answered %i: refused resolves with the answer and the request is not sent again',
    async (status) => {
      const s = await stub({ register: status, heartbeat: 0 });
      const { agent, statuses } = agentFor(s.url);
      await agent.tick();
      const refusal = (await settled(agent.refused)) as Refusal;
      expect(refusal.during).toBe('registration');
      expect([refusal.error.status, refusal.error.code, refusal.error.reason]).toEqual([
        status,
        `code_${status}`,
        `said with ${status}`,
      ]);
      expect(statuses).toEqual([]);
      await agent.tick();
      expect(s.hits.register).toBe(1);
    },
  );

  it.each([408, 409, 425, 429, 500, 502, 503])(
    'retries a registration answered %i (it may pass later), reporting it once, and registers once it does',
    async (status) => {
      const s = await stub({ register: status, heartbeat: 0 });
      const { agent, statuses } = agentFor(s.url);
      await agent.tick();
      await agent.tick();
      expect(s.hits.register).toBe(2);
      expect(await settled(agent.refused)).toBe('pending');
      s.answers.register = 0;
      await agent.tick();
      expect(statuses.map((x) => x.kind)).toEqual(['register-failed', 'registered', 'backend-failed']);
      expect((statuses[0] as { message: string }).message).toBe(
        `coordinator answered ${status} code_${status}: said with ${status}`,
      );
    },
  );

  it('once registered, a re-registration answered 404 or 400 is retried (something in front of a restarting coordinator), 401 gives up', async () => {
    const s = await stub({ register: 0, heartbeat: 0 });
    const { agent } = agentFor(s.url);
    await agent.tick();
    s.answers.heartbeat = 404; // the coordinator forgot the node: the agent registers again
    await agent.tick();
    for (const status of [404, 400]) {
      s.answers.register = status;
      await agent.tick();
      expect(await settled(agent.refused)).toBe('pending');
    }
    s.answers.register = 401;
    await agent.tick();
    const refusal = (await settled(agent.refused)) as Refusal;
    expect([refusal.during, refusal.error.status]).toEqual(['registration', 401]);
  });

  it('retries while the coordinator cannot be reached', async () => {
    const { agent, statuses } = agentFor('http://127.0.0.1:9');
    await agent.tick();
    expect(statuses.map((x) => x.kind)).toEqual(['register-failed']);
    expect(await settled(agent.refused)).toBe('pending');
  });

  it('gives up on a real coordinator that does not know the token: 401 unauthorized', async () => {
    const c = await coordinator();
    const { agent } = agentFor(c.url, { token: 'not-a-token-of-this-coordinator' });
    await agent.tick();
    const refusal = (await settled(agent.refused)) as Refusal;
    expect(refusal.error.message).toBe('coordinator answered 401 unauthorized: unknown operator token');
    expect(c.coordinator.registry.all()).toEqual([]);
  });

  it('gives up on a real coordinator that cannot take the descriptor: 400 naming location.metro', async () => {
    const c = await coordinator();
    const node = descriptor('n1', { location: { lat: 0, lon: 0, metro: 'atlantis' } });
    const { agent } = agentFor(c.url, { node });
    await agent.tick();
    const refusal = (await settled(agent.refused)) as Refusal;
    expect([refusal.error.status, refusal.error.code]).toEqual([400, 'invalid_input']);
    expect(refusal.error.reason).toMatch(/location\.metro: unknown metro \(got "atlantis"\)/);
  });

  it('retries while a real coordinator holds the node id under another key (409), and registers once it is deregistered', async () => {
    const c = await coordinator();
    await register(c, descriptor('n1'), 'http://127.0.0.1:8');
    const { agent, statuses } = agentFor(c.url);
    await agent.tick();
    expect((statuses[0] as { message: string }).message).toMatch(/^coordinator answered 409 key_mismatch/);
    expect(await settled(agent.refused)).toBe('pending');
    await deregister(c, 'n1');
    await agent.tick();
    expect(statuses.map((x) => x.kind)).toEqual(['register-failed', 'registered', 'backend-failed']);
  });
});

describe('agent: heartbeat refused once registered', () => {
  it.each([401, 403])(
    'gives up on a heartbeat answered %i: the coordinator no longer accepts the node',
    async (status) => {
      const s = await stub({ register: 0, heartbeat: status });
      const { agent, statuses } = agentFor(s.url);
      await agent.tick();
      const refusal = (await settled(agent.refused)) as Refusal;
      expect([refusal.during, refusal.error.status]).toEqual(['heartbeat', status]);
      expect(statuses.map((x) => x.kind)).toEqual(['registered', 'backend-failed']);
      await agent.tick();
      expect(s.hits).toEqual({ register: 1, heartbeat: 1 });
    },
  );

  it.each([400, 429, 500])('keeps heartbeating after a heartbeat answered %i', async (status) => {
    const s = await stub({ register: 0, heartbeat: status });
    const { agent } = agentFor(s.url);
    await agent.tick();
    await agent.tick();
    expect(s.hits).toEqual({ register: 1, heartbeat: 2 });
    expect(await settled(agent.refused)).toBe('pending');
  });

  it('gives up when a real coordinator has the node id registered again under another key: 401 bad_signature', async () => {
    const c = await coordinator();
    const w = await startWorker();
    closers.push(() => w.close());
    const agent = new Agent({
      coordinator: c.url,
      backend: w.url,
      kind: 'vllm',
      token: TOKEN_A,
      node: descriptor('n1'),
      key: generateIdentity(),
      intervalMs: 60_000,
    });
    closers.push(() => agent.stop(true));
    await agent.tick();
    await deregister(c, 'n1');
    const other = await register(c, descriptor('n1'), 'http://127.0.0.1:8');
    await agent.tick();
    const refusal = (await settled(agent.refused)) as Refusal;
    expect([refusal.during, refusal.error.status, refusal.error.code]).toEqual([
      'heartbeat',
      401,
      'bad_signature',
    ]);
    // Stopping with deregistration sends nothing: the node is another key's now.
    await agent.stop(true);
    expect(c.coordinator.registry.get('n1')?.record.publicKey).toBe(other.key.publicKeyText);
  });
});

describe('the line meridian agent ends with when refused', () => {
  const tmp = tempDir('agent-refusal-lines');
  afterAll(() => tmp.remove());

  it('agent --node with a metro the coordinator does not know: exit 2, the 400 naming location.metro, and --node FILE to check', async () => {
    const c = await coordinator();
    const node = writeYaml(
      join(tmp.dir, 'node.yaml'),
      descriptor('m1', { location: { lat: 0, lon: 0, metro: 'atlantis' } }),
    );
    const r = await meridian(
      'agent',
      ...['--backend', 'http://127.0.0.1:9', '--kind', 'vllm', '--coordinator', c.url],
      ...['--node', node, '--key', join(tmp.dir, 'm1.key'), '--token', TOKEN_A],
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `meridian: agent: the coordinator refused to register node m1, not retrying: 400 invalid_input: body.payload.node: location.metro: unknown metro (got "atlantis"); check --node ${node}`,
    );
  });

  it('a heartbeat refused with 401 names the key file and the node id to check', () => {
    const error = new CoordinatorError(
      401,
      'bad_signature',
      "the heartbeat message is not signed by node n1's key",
    );
    const hints = { token: '--token', key: '--key (n1.key)', node: '--node n1.yaml', endpoint: '--listen' };
    expect(refusalMessage('agent', 'n1', { during: 'heartbeat', error }, hints)).toBe(
      "agent: the coordinator refused a heartbeat of node n1, not retrying: 401 bad_signature: the heartbeat message is not signed by node n1's key; the coordinator no longer accepts node n1's key (deregistered, or registered again under another key): check --key (n1.key) and that no other node runs as n1",
    );
  });
});

describe('meridian agent and meridian worker refused by the coordinator (built binary)', () => {
  const tmp = tempDir('agent-refusals');
  afterAll(() => tmp.remove());

  const withoutToken = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => k !== 'MERIDIAN_TOKEN'),
  );

  /** Runs the built CLI to its exit (killed after `limitMs`); its exit code, stderr and time taken. */
  function run(args: string[], env: NodeJS.ProcessEnv = {}, limitMs = 15_000) {
    const began = Date.now();
    const child = spawn(process.execPath, [builtMain(), ...args], {
      env: { ...withoutToken, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.stdout.resume();
    const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    return new Promise<{ code: number | null; stderr: string; ms: number }>((resolve) => {
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stderr: stderr.trim(), ms: Date.now() - began });
      });
    });
  }

  it('agent --token naming no operator token: exit 2 within seconds, one line with the 401 and --token', async () => {
    const c = await coordinator();
    const node = writeYaml(join(tmp.dir, 'node.yaml'), descriptor('p1'));
    const key = join(tmp.dir, 'p1.key');
    const r = await run([
      'agent',
      ...['--backend', 'http://127.0.0.1:9', '--kind', 'vllm', '--coordinator', c.url],
      ...['--node', node, '--key', key, '--token', 'wrong-token-0123456789'],
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'meridian: agent: the coordinator refused to register node p1, not retrying: 401 unauthorized: unknown operator token; check --token',
    );
    expect(r.ms).toBeLessThan(5000);
  });

  it('worker --coordinator with a wrong MERIDIAN_TOKEN: exit 2 within seconds, naming the variable', async () => {
    const c = await coordinator();
    const profile = writeYaml(join(tmp.dir, 'w.yaml'), {
      models: [{ id: 'llama-3.1-8b-instruct' }],
      node: descriptor('w1'),
    });
    const r = await run(['worker', '--emulate', '--profile', profile, '--coordinator', c.url], {
      MERIDIAN_TOKEN: 'wrong-token-0123456789',
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'meridian: worker: the coordinator refused to register node w1, not retrying: 401 unauthorized: unknown operator token; check MERIDIAN_TOKEN (or --token)',
    );
    expect(r.ms).toBeLessThan(5000);
  });
});
