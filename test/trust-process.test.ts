import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { Children } from '../src/fleet/children.js';
import {
  ADMIN,
  builtMain,
  descriptor,
  LOOPBACK,
  TOKEN_A,
  TOKEN_B,
  tempDir,
  waitFor,
  writeYaml,
} from './server-kit.js';

/**
 * Issue 13, live: a coordinator in Frankfurt (`meridian serve`, location checks on, probes every 300 ms)
 * and eight emulated workers with their agents, all in Frankfurt. Five lie one way each
 * (`meridian worker --lie`): a warm liar reports two models loaded that do not fit its 80 GB together
 * (70.6 + 65 GB), a queue liar with one slot reports nothing running or waiting while five requests are
 * outstanding there, a location liar claims the metro nearest its antipode (a probe answered in a few ms
 * cannot cross ≥ 12,000 km of fibre), an output liar of a second operator returns other text than the
 * two honest nodes that serve the same model (every non-streamed answer is spot-checked on a node of the
 * other operator, a mismatch tie-broken by a third), a speed liar registers an h100 and runs 8 times
 * slower than the catalog says an h100 decodes its model (its answers stay slow beyond the 10 s the
 * coordinator is configured to wait before a slow spell counts, instead of 5 minutes). Three are honest,
 * one of them a straggler decoding at 4 tokens/s against 200 (31× slower than its declared h100): it can
 * get streamed requests only in the first seconds, a slow spell shorter than 10 s, as a straggler episode
 * is shorter than 5 minutes. Streamed requests go to
 * the honest ones meanwhile; the coordinator must quarantine each liar for its own lie, flag no honest
 * node, and route nothing more to the quarantined.
 */
const children = new Children();
const tmp = tempDir('trust-process');
afterAll(async () => {
  await children.stopAll();
  tmp.remove();
});

const SHARED = 'llama-3.1-8b-instruct';
const QUEUE_MODEL = 'qwen2.5-7b-instruct';
const FAR_MODEL = 'llama-3.2-1b-instruct';
const CHECKED_MODEL = 'mistral-7b-instruct-v0.3';
const SPEED_MODEL = 'gemma-2-9b-it';
/** How long a node's streamed answers must stay over 4× slower than declared before one contradicts. */
const SPEED_PERSIST_MS = 10_000;

type Profile = Record<string, unknown>;

const WORKERS: { id: string; lie?: string; operator?: 'op-b'; profile: Profile }[] = [
  {
    id: 'honest-1',
    profile: { slots: 8, tokensPerSec: 200, models: [{ id: SHARED }, { id: CHECKED_MODEL }] },
  },
  {
    id: 'honest-2',
    profile: {
      slots: 8,
      tokensPerSec: 200,
      models: [{ id: SHARED }, { id: FAR_MODEL }, { id: CHECKED_MODEL }],
    },
  },
  {
    id: 'output-liar',
    lie: 'output',
    operator: 'op-b',
    profile: { slots: 8, tokensPerSec: 200, models: [{ id: CHECKED_MODEL }] },
  },
  { id: 'straggler', profile: { slots: 8, tokensPerSec: 4, models: [{ id: SHARED }] } },
  {
    id: 'warm-liar',
    lie: 'warm',
    profile: {
      flavor: 'ollama',
      memoryGb: 80,
      models: [{ id: 'llama-3.3-70b-instruct-fp8' }, { id: 'qwen2.5-32b-instruct' }],
    },
  },
  {
    id: 'queue-liar',
    lie: 'queue',
    profile: { slots: 1, queueLimit: 64, tokensPerSec: 2, models: [{ id: QUEUE_MODEL }] },
  },
  {
    id: 'location-liar',
    lie: 'location',
    profile: { slots: 8, tokensPerSec: 200, models: [{ id: FAR_MODEL }] },
  },
  // No tokensPerSec: the emulator runs the catalog's h100 speed, then 8 times slower for the lie.
  { id: 'speed-liar', lie: 'speed', profile: { slots: 8, models: [{ id: SPEED_MODEL }] } },
];

interface NodesView {
  nodes: {
    id: string;
    metro: string;
    health: string;
    trust: { quarantined: boolean; reason?: string; score: number } | null;
  }[];
}

async function nodes(url: string): Promise<NodesView['nodes']> {
  const res = await request(`${url}/v1/nodes`, { headers: { authorization: `Bearer ${ADMIN}` } });
  if (res.statusCode !== 200) throw new Error(`GET /v1/nodes: HTTP ${res.statusCode}`);
  return ((await res.body.json()) as NodesView).nodes;
}

function complete(url: string, model: string, maxTokens: number, stream: boolean): Promise<number> {
  return request(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model,
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: maxTokens,
      stream,
    }),
  }).then(async (r) => {
    await r.body.dump();
    return r.statusCode;
  });
}

describe('the coordinator checks what live workers claim', () => {
  it('quarantines a warm, a queue, a location, an output and a speed liar for their own lie and no honest node (straggler included)', async () => {
    const main = builtMain();
    const config = writeYaml(join(tmp.dir, 'coordinator.yaml'), {
      listen: { host: '127.0.0.1', port: 0 },
      dataDir: join(tmp.dir, 'data'),
      adminToken: ADMIN,
      operators: [
        { id: 'op-a', token: TOKEN_A },
        { id: 'op-b', token: TOKEN_B },
      ],
      registry: { allowEndpoints: LOOPBACK },
      gateway: {
        metro: 'frankfurt',
        probes: { intervalMs: 300 },
        trust: { location: true, queue: true, spotCheckRate: 1, speed: { persistMs: SPEED_PERSIST_MS } },
        // Requests wait their turn at the one-slot queue liar instead of being given up after 2 s.
        timing: { firstByteFloorMs: 30_000 },
      },
      telemetry: { heartbeatIntervalMs: 200 },
    });
    const coord = await children.spawn('coordinator', ['serve', '--config', config], { main });
    for (const w of WORKERS) {
      const file = writeYaml(join(tmp.dir, `${w.id}.yaml`), {
        ...w.profile,
        node: descriptor(w.id, {
          slots: (w.profile.slots as number | undefined) ?? 8,
          labels: { operator: w.operator ?? 'op-a' },
        }),
      });
      const token = w.operator === 'op-b' ? TOKEN_B : TOKEN_A;
      const args = ['worker', '--emulate', '--profile', file, '--coordinator', coord.url, '--token', token];
      await children.spawn(w.id, w.lie === undefined ? args : [...args, '--lie', w.lie], { main });
    }
    // Registered and reporting: a node's models come with its first heartbeat.
    await waitFor('eight nodes registered and reporting', async () => {
      const v = await nodes(coord.url);
      return v.length === 8 && v.every((n) => n.health === 'fresh') ? true : undefined;
    });
    // The speed liar's first slow answer (once its heartbeat lists the model) begins its spell.
    await waitFor('the speed liar answers', async () =>
      (await complete(coord.url, SPEED_MODEL, 8, true)) === 200 ? true : undefined,
    );
    const spellBegan = Date.now();

    // Five requests of 4 tokens at 2 tokens/s behind one slot: ≈ 10 s with four waiting at the queue liar.
    const queued = Array.from({ length: 5 }, () => complete(coord.url, QUEUE_MODEL, 4, false));
    // Meanwhile streamed requests, four at a time, to the honest nodes (and the straggler).
    for (let round = 0; round < 10; round++)
      await Promise.all(Array.from({ length: 4 }, () => complete(coord.url, SHARED, 8, true)));
    expect(await Promise.all(queued)).toEqual([200, 200, 200, 200, 200]);
    // Every non-streamed answer of the checked model is re-run on a node of the other operator.
    const byLiar: string[] = [];
    const checked = async () => {
      const res = await request(`${coord.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: CHECKED_MODEL,
          messages: [{ role: 'user', content: 'hi' }],
          max_tokens: 4,
        }),
      });
      await res.body.dump();
      expect(res.statusCode).toBe(200);
      if (res.headers['x-meridian-node'] === 'output-liar')
        byLiar.push(String(res.headers['x-meridian-receipt']));
    };
    for (let k = 0; k < 30; k++) await checked();

    // Slow answers of the speed liar once its spell is older than SPEED_PERSIST_MS: two contradictions.
    await new Promise((r) => setTimeout(r, Math.max(0, spellBegan + SPEED_PERSIST_MS + 500 - Date.now())));
    for (let k = 0; k < 2; k++) expect(await complete(coord.url, SPEED_MODEL, 8, true)).toBe(200);

    const expected: Record<string, string> = {
      'warm-liar': 'warm',
      'queue-liar': 'queue',
      'location-liar': 'location',
      'output-liar': 'output',
      'speed-liar': 'speed',
    };
    let last: NodesView['nodes'] = [];
    let extra = 0;
    const view = await waitFor(
      'every liar quarantined',
      async () => {
        const v = await nodes(coord.url);
        last = v;
        // The output liar is caught only through the answers the router gives it: on a loaded machine
        // its share of the 30 above can be small, so keep asking (at most 90 more) until it is.
        if (!v.find((n) => n.id === 'output-liar')?.trust?.quarantined && byLiar.length < 6 && extra++ < 90)
          await checked();
        return Object.keys(expected).every((id) => v.find((n) => n.id === id)?.trust?.quarantined)
          ? v
          : undefined;
      },
      60_000,
    ).catch((e: Error) => {
      throw new Error(`${e.message}: ${JSON.stringify(last.map((n) => [n.id, n.metro, n.trust]))}`);
    });
    for (const n of view) {
      if (expected[n.id] !== undefined)
        expect(n.trust, n.id).toMatchObject({ quarantined: true, reason: expected[n.id] });
      else {
        // Checked and believed: its claims held (a score above the 0.5 of a node never checked).
        expect(n.trust, n.id).toMatchObject({ quarantined: false });
        expect(n.trust!.score, n.id).toBeGreaterThan(0.5);
      }
    }
    expect(view.find((n) => n.id === 'location-liar')?.metro).not.toBe('frankfurt');
    // The receipt of a spot-checked answer of the output liar carries the verdict against it.
    const verdicts = await Promise.all(
      byLiar.map(async (id) => {
        const res = await request(`${coord.url}/v1/receipts/${id}`, {
          headers: { authorization: `Bearer ${ADMIN}` },
        });
        return ((await res.body.json()) as { spotCheck?: { verdict: string } }).spotCheck?.verdict;
      }),
    );
    expect(verdicts).toContain('executor');
    // Nothing is routed to a quarantined node: the queue liar held the only copy of its model.
    expect(await complete(coord.url, QUEUE_MODEL, 1, false)).not.toBe(200);
    expect(await complete(coord.url, SHARED, 1, true)).toBe(200);
  }, 120_000);
});
