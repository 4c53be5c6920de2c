import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dataset } from '../src/model/dataset.js';
import { NetworkState } from '../src/network/state.js';
import { policyByName } from '../src/routing/profiles.js';
import { route } from '../src/routing/route.js';
import { readOptions } from '../src/server/meridian-options.js';
import { parseBody, toRouteRequest } from '../src/server/openai.js';
import { Rng } from '../src/util/rng.js';
import { LLAMA_70B, node } from './route-support.js';
import { beat, descriptor, register, startCoordinator, type TestCoordinator } from './server-kit.js';

const MODEL = 'llama-3.1-8b-instruct';

/** A node on loopback that keeps every completion body it receives and answers it (SSE when asked). */
let server: Server;
let nodeUrl: string;
const received: Record<string, unknown>[] = [];
let c: TestCoordinator;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [{ id: MODEL, object: 'model' }] }));
      return;
    }
    let text = '';
    req.on('data', (d: Buffer) => {
      text += d.toString('utf8');
    });
    req.on('end', () => {
      const body = JSON.parse(text) as Record<string, unknown>;
      received.push(body);
      const choice = { index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' };
      if (body.stream === true) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end(
          `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: 'ok' } }] })}\n\ndata: [DONE]\n\n`,
        );
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: 'x', object: 'chat.completion', choices: [choice] }));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  nodeUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  c = await startCoordinator();
  const t = await register(c, descriptor('n1'), nodeUrl);
  expect(await beat(c, t)).toBe(200);
});
afterAll(async () => {
  await c.close();
  await new Promise((r) => server.close(r));
});

describe('the body a node receives', () => {
  it.each([
    ['chat', '/v1/chat/completions', { messages: [{ role: 'user', content: 'hi' }], temperature: 0.3 }],
    ['streamed chat', '/v1/chat/completions', { messages: [{ role: 'user', content: 'hi' }], stream: true }],
    ['completion', '/v1/completions', { prompt: 'Once', user: 'u-7' }],
  ])('%s: without the meridian field, every other field as the client sent it', async (_name, url, rest) => {
    const sent = { model: MODEL, ...rest, meridian: { countries: ['DE'], tee: false } };
    const res = await c.app.inject({ method: 'POST', url, payload: sent });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-meridian-node']).toBe('n1');
    expect(received.at(-1)).toEqual({ model: MODEL, ...rest });
  });
});

describe('a dataset asked for through the gateway', () => {
  /** Frankfurt and New York can run the model; a data node in New York holds a 50 GB dataset. */
  const state = NetworkState.fromScenario({
    nodes: [
      node({ id: 'fra', metro: 'frankfurt', provider: 'a', models: [{ model: 'llama-70b', tier: 'gpu' }] }),
      node({ id: 'nyc', metro: 'new-york', provider: 'b', models: [{ model: 'llama-70b', tier: 'gpu' }] }),
      node({ id: 'data-nyc', metro: 'new-york', provider: 'c', roles: ['data'] }),
    ],
    models: [LLAMA_70B],
    datasets: [Dataset.parse({ id: 'logs', sizeGb: 50, heldBy: ['data-nyc'] })],
  });
  const frankfurt = { lat: 50.11, lon: 8.68, metro: 'frankfurt' };

  function primaryFor(headers: Record<string, string>, meridian?: unknown): string | undefined {
    const raw = { model: 'llama-70b', messages: [{ role: 'user', content: 'q' }], max_tokens: 16, meridian };
    if (meridian === undefined) delete raw.meridian;
    const { body, options } = readOptions(headers, parseBody('chat', raw), frankfurt);
    const req = toRouteRequest('chat', body, options, {
      defaultOutputTokens: 16,
      fallbacks: 0,
      hedge: false,
    });
    const d = route(req, state.snapshot(0), policyByName('meridian'), new Rng(1));
    return d.ok ? d.primary : undefined;
  }

  it('a Frankfurt client runs in Frankfurt without a dataset, and next to the 50 GB in New York with one', () => {
    expect(primaryFor({})).toBe('fra');
    expect(primaryFor({}, { dataset: 'logs' })).toBe('nyc');
    expect(primaryFor({ 'x-meridian-dataset': 'logs' })).toBe('nyc');
  });
});
