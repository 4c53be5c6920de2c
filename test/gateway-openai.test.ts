import { join } from 'node:path';
import OpenAI from 'openai';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Children } from '../src/fleet/children.js';
import { builtMain, LOOPBACK, TOKEN_A, tempDir, waitFor, workerProfile, writeYaml } from './server-kit.js';

/** The official openai npm client against a real coordinator process and a real emulated worker process. */
const children = new Children();
const tmp = tempDir('openai');
let client: OpenAI;

beforeAll(async () => {
  const main = builtMain();
  const config = writeYaml(join(tmp.dir, 'coordinator.yaml'), {
    listen: { host: '127.0.0.1', port: 0 },
    dataDir: ':memory:',
    registry: { allowEndpoints: LOOPBACK },
    operators: [{ id: 'op-a', token: TOKEN_A }],
  });
  const coord = await children.spawn('coordinator', ['serve', '--config', config], { main });
  const profile = writeYaml(join(tmp.dir, 'w1.yaml'), workerProfile('w1', 'op-a', { tokensPerSec: 500 }));
  await children.spawn(
    'worker',
    ['worker', '--emulate', '--profile', profile, '--coordinator', coord.url, '--heartbeat-ms', '100'],
    {
      main,
      env: { MERIDIAN_TOKEN: TOKEN_A },
    },
  );
  await waitFor('the model to be served', async () => {
    const res = await request(`${coord.url}/v1/models`);
    const body = (await res.body.json()) as { data: { warm_replicas: number }[] };
    return body.data[0]?.warm_replicas === 1 ? true : undefined;
  });
  client = new OpenAI({ baseURL: `${coord.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});
afterAll(async () => {
  await children.stopAll();
  tmp.remove();
});

describe('official openai client through the gateway', () => {
  it('lists the served model', async () => {
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['llama-3.1-8b-instruct']);
  });

  it('gets a chat completion and sees the node and receipt headers', async () => {
    const { data, response } = await client.chat.completions
      .create({
        model: 'llama-3.1-8b-instruct',
        messages: [{ role: 'user', content: 'Say three words' }],
        max_tokens: 3,
      })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('w0 w1 w2 ');
    expect(data.usage?.completion_tokens).toBe(3);
    expect(response.headers.get('x-meridian-node')).toBe('w1');
    expect(response.headers.get('x-meridian-receipt')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('streams a chat completion chunk by chunk', async () => {
    const stream = await client.chat.completions.create({
      model: 'llama-3.1-8b-instruct',
      messages: [{ role: 'user', content: 'Count' }],
      max_tokens: 4,
      stream: true,
    });
    const parts: string[] = [];
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      parts.push(chunk.choices[0]?.delta.content ?? '');
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(parts.join('')).toBe('w0 w1 w2 w3 ');
    expect(finish).toBe('length');
  });

  it('gets a legacy completion, streamed and not', async () => {
    const full = await client.completions.create({
      model: 'llama-3.1-8b-instruct',
      prompt: 'Once',
      max_tokens: 2,
    });
    expect(full.choices[0]?.text).toBe('w0 w1 ');
    const stream = await client.completions.create({
      model: 'llama-3.1-8b-instruct',
      prompt: 'Once',
      max_tokens: 2,
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
    expect(text).toBe('w0 w1 ');
  });

  it('surfaces an unknown model as a 404 NotFoundError listing the served models', async () => {
    const err = await client.chat.completions
      .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect((err as InstanceType<typeof OpenAI.NotFoundError>).message).toContain(
      'served models: llama-3.1-8b-instruct',
    );
  });
});
