import { join } from 'node:path';
import OpenAI from 'openai';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Children } from '../src/fleet/children.js';
import { builtMain, LOOPBACK, TOKEN_A, tempDir, waitFor, workerProfile, writeYaml } from './server-kit.js';

/**
 * Meridian's options asked for through the official openai npm client (extra create params for the body
 * field `meridian`, request options' `headers` for `x-meridian-*`), against a real coordinator process and
 * two emulated worker processes: `w-fra` in Frankfurt (DE, 0.0005 USD per 1k tokens) and `w-tok` in Tokyo
 * (JP, 0.01 USD per 1k tokens). The gateway takes clients to be in Frankfurt unless they say otherwise.
 */
const MODEL = 'llama-3.1-8b-instruct';
const children = new Children();
const tmp = tempDir('options');
let url: string;
let client: OpenAI;

const TOKYO = { lat: 35.68, lon: 139.69, metro: 'tokyo' };
const FRANKFURT = { lat: 50.11, lon: 8.68, metro: 'frankfurt' };

beforeAll(async () => {
  const main = builtMain();
  const config = writeYaml(join(tmp.dir, 'coordinator.yaml'), {
    listen: { host: '127.0.0.1', port: 0 },
    dataDir: ':memory:',
    registry: { allowEndpoints: LOOPBACK },
    operators: [{ id: 'op-a', token: TOKEN_A }],
  });
  const coord = await children.spawn('coordinator', ['serve', '--config', config], { main });
  url = coord.url;
  const nodes = [
    { id: 'w-fra', location: FRANKFURT, country: 'DE', pricePer1kTokens: 0.0005 },
    { id: 'w-tok', location: TOKYO, country: 'JP', pricePer1kTokens: 0.01 },
  ];
  for (const n of nodes) {
    const base = workerProfile(n.id, 'op-a') as { node: { labels: Record<string, unknown> } };
    const profile = writeYaml(join(tmp.dir, `${n.id}.yaml`), {
      ...base,
      node: {
        ...base.node,
        location: n.location,
        labels: { ...base.node.labels, country: n.country },
        pricePer1kTokens: n.pricePer1kTokens,
      },
    });
    await children.spawn(
      n.id,
      ['worker', '--emulate', '--profile', profile, '--coordinator', url, '--heartbeat-ms', '100'],
      { main, env: { MERIDIAN_TOKEN: TOKEN_A } },
    );
  }
  await waitFor('both nodes to serve the model', async () => {
    const res = await request(`${url}/v1/models`);
    const body = (await res.body.json()) as { data: { warm_replicas: number }[] };
    return body.data[0]?.warm_replicas === 2 ? true : undefined;
  });
  client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'unused', maxRetries: 0 });
}, 60_000);
afterAll(async () => {
  await children.stopAll();
  tmp.remove();
});

/** Extra create params: openai-node sends fields it does not know as they are. */
type Extra = { meridian?: Record<string, unknown> };
const ask = (extra: Extra = {}, headers: Record<string, string> = {}) =>
  client.chat.completions
    .create(
      { model: MODEL, messages: [{ role: 'user', content: 'Say two words' }], max_tokens: 2, ...extra },
      { headers },
    )
    .withResponse();

async function receipt(id: string | null): Promise<{
  request: { options: Record<string, unknown> };
  decision: { receipt: { filtered: Record<string, number> } };
}> {
  const res = await request(`${url}/v1/receipts/${id}`);
  expect(res.statusCode).toBe(200);
  return (await res.body.json()) as never;
}

async function refusal(p: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  const e = await p.catch((x: unknown) => x);
  expect(e).toBeInstanceOf(OpenAI.APIError);
  return e as InstanceType<typeof OpenAI.APIError>;
}

describe('meridian options through the official openai client', () => {
  it('a Frankfurt client with no options is served next door, by w-fra', async () => {
    const { response } = await ask();
    expect(response.headers.get('x-meridian-node')).toBe('w-fra');
  });

  it('countries ["JP"] in the body sends a Frankfurt client to the Tokyo node, and the receipt records it', async () => {
    const { data, response } = await ask({ meridian: { countries: ['JP'] } });
    expect(data.choices[0]?.message.content).toBe('w0 w1 ');
    expect(response.headers.get('x-meridian-node')).toBe('w-tok');
    const r = await receipt(response.headers.get('x-meridian-receipt'));
    expect(r.request.options).toEqual({ countries: ['JP'] });
    expect(r.decision.receipt.filtered).toEqual({ 'country not allowed': 1 });
  });

  it('x-meridian-countries: jp as a header does the same', async () => {
    const { response } = await ask({}, { 'x-meridian-countries': 'jp' });
    expect(response.headers.get('x-meridian-node')).toBe('w-tok');
  });

  it('a Tokyo client goes to w-tok (0.01 USD/1k), and with a ceiling of 0.001 USD/1k to w-fra (0.0005)', async () => {
    const near = await ask({ meridian: { client_metro: 'tokyo' } });
    expect(near.response.headers.get('x-meridian-node')).toBe('w-tok');
    const cheap = await ask({ meridian: { client_metro: 'tokyo', max_price_per_1k_tokens: 0.001 } });
    expect(cheap.response.headers.get('x-meridian-node')).toBe('w-fra');
    const r = await receipt(cheap.response.headers.get('x-meridian-receipt'));
    expect(r.request.options).toEqual({ max_price_per_1k_tokens: 0.001 });
    expect(r.decision.receipt.filtered).toEqual({ 'price above maximum': 1 });
  });

  it('streams under the options too: countries JP streamed from w-tok, word by word', async () => {
    const { data: stream, response } = await client.chat.completions
      .create({
        model: MODEL,
        messages: [{ role: 'user', content: 'Count' }],
        max_tokens: 3,
        stream: true,
        meridian: { countries: ['JP'] },
      } as OpenAI.ChatCompletionCreateParamsStreaming)
      .withResponse();
    expect(response.headers.get('x-meridian-node')).toBe('w-tok');
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('w0 w1 w2 ');
    const completion = await client.completions
      .create(
        { model: MODEL, prompt: 'Once', max_tokens: 2, stream: true },
        { headers: { 'x-meridian-countries': 'JP' } },
      )
      .withResponse();
    expect(completion.response.headers.get('x-meridian-node')).toBe('w-tok');
    for await (const _ of completion.data) {
      // drained
    }
  });

  it('JP and a ceiling of 0.001 USD/1k together leave no node: 503 naming the filter and the options', async () => {
    const e = await refusal(ask({ meridian: { countries: ['JP'], max_price_per_1k_tokens: 0.001 } }));
    expect(e.status).toBe(503);
    expect(e.message).toContain(
      `no node can take ${MODEL} now under the request's options (countries ["JP"], max_price_per_1k_tokens 0.001)`,
    );
    expect(e.message).toContain('1 country not allowed, 1 price above maximum');
  });

  it('tee: true with no TEE node: 503 naming the verification filter', async () => {
    const e = await refusal(ask({}, { 'x-meridian-tee': 'true' }));
    expect(e.status).toBe(503);
    expect(e.message).toContain('2 verification mode unsupported');
  });

  it('a dataset the network does not hold: 404 naming the dataset', async () => {
    const e = await refusal(ask({ meridian: { dataset: 'genomes-eu' } }));
    expect(e).toBeInstanceOf(OpenAI.NotFoundError);
    expect(e.message).toContain('dataset "genomes-eu" is not held by this network');
  });

  it.each([
    [
      { meridian: { verification: 'strong' } },
      {},
      'body: meridian.verification: expected one of none, vanilla, tee, zkml (got "strong")',
    ],
    [{ meridian: { countries: ['Japan'] } }, {}, 'body: meridian.countries: expected ISO 3166-1 alpha-2'],
    [{ meridian: { max_price: 1 } }, {}, 'body: meridian.max_price: not a meridian option'],
    [
      {},
      { 'x-meridian-max-price': '-1' },
      'headers: x-meridian-max-price: expected a price in USD per 1,000 tokens, 0 or more (got "-1")',
    ],
    [
      {},
      { 'x-meridian-verification': 'TEE!' },
      'headers: x-meridian-verification: expected one of none, vanilla, tee, zkml (got "TEE!")',
    ],
    [
      { meridian: { countries: ['DE'] } },
      { 'x-meridian-countries': 'JP' },
      'request: x-meridian-countries and meridian.countries: the header and the body field disagree',
    ],
  ])('refuses %j with headers %j: 400 "%s"', async (extra, headers, words) => {
    const e = await refusal(ask(extra as Extra, headers));
    expect(e).toBeInstanceOf(OpenAI.BadRequestError);
    expect(e.message).toContain(words);
  });

  it('verification zkml, which the model does not offer: 400 naming the mode', async () => {
    const e = await refusal(ask({ meridian: { verification: 'zkml' } }));
    expect(e).toBeInstanceOf(OpenAI.BadRequestError);
    expect(e.message).toContain(`model "${MODEL}" does not support zkml execution`);
  });
});
