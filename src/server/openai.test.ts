import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { ChatBody, CompletionBody, type Endpoint, parseBody } from './openai.js';

const chat = (over: Record<string, unknown>) => ({
  model: 'llama-3.1-8b-instruct',
  messages: [{ role: 'user', content: 'ping' }],
  ...over,
});
const completion = (over: Record<string, unknown>) => ({
  model: 'llama-3.1-8b-instruct',
  prompt: 'ping',
  ...over,
});

/** Bodies on both sides of every rule the quick check applies, and shapes only the schema judges. */
const CASES: [Endpoint, string, unknown][] = [
  ['chat', 'plain', chat({})],
  ['chat', 'extra fields pass through', chat({ temperature: 0.2, user: 'u', tools: [] })],
  ['chat', 'stream true, max_tokens 4', chat({ stream: true, max_tokens: 4 })],
  ['chat', 'stream null, max_tokens null', chat({ stream: null, max_tokens: null })],
  ['chat', 'max_tokens 10,000,000 (the most)', chat({ max_tokens: 10_000_000 })],
  ['chat', 'max_tokens 10,000,001', chat({ max_tokens: 10_000_001 })],
  ['chat', 'max_tokens 0', chat({ max_tokens: 0 })],
  ['chat', 'max_tokens 2.5', chat({ max_tokens: 2.5 })],
  ['chat', 'max_tokens "4"', chat({ max_tokens: '4' })],
  ['chat', 'max_completion_tokens 0', chat({ max_completion_tokens: 0 })],
  ['chat', 'stream "yes"', chat({ stream: 'yes' })],
  ['chat', 'model empty', chat({ model: '' })],
  ['chat', 'model of 256 characters', chat({ model: 'm'.repeat(256) })],
  ['chat', 'model of 257 characters', chat({ model: 'm'.repeat(257) })],
  ['chat', 'model missing', { messages: [{ role: 'user', content: 'x' }] }],
  ['chat', 'model a number', chat({ model: 7 })],
  ['chat', 'no messages', chat({ messages: [] })],
  ['chat', 'messages an object', chat({ messages: { role: 'user' } })],
  ['chat', 'a message that is an array', chat({ messages: [['user', 'x']] })],
  ['chat', 'a message without role', chat({ messages: [{ content: 'x' }] })],
  ['chat', 'role of 65 characters', chat({ messages: [{ role: 'r'.repeat(65), content: 'x' }] })],
  ['chat', 'content null (tool calls)', chat({ messages: [{ role: 'assistant', content: null }] })],
  ['chat', 'content missing', chat({ messages: [{ role: 'assistant' }] })],
  ['chat', 'content a number', chat({ messages: [{ role: 'user', content: 3 }] })],
  [
    'chat',
    'content parts: text',
    chat({ messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }] }] }),
  ],
  [
    'chat',
    'content parts: unknown type',
    chat({ messages: [{ role: 'user', content: [{ type: 'video' }] }] }),
  ],
  ['completions', 'plain', completion({})],
  ['completions', 'stream false, max_tokens 16', completion({ stream: false, max_tokens: 16 })],
  ['completions', 'prompt a list of strings', completion({ prompt: ['a', 'b'] })],
  ['completions', 'prompt token ids', completion({ prompt: [1, 2, 3] })],
  ['completions', 'prompt missing', { model: 'm' }],
  ['completions', 'prompt an object', completion({ prompt: { text: 'x' } })],
  ['completions', 'max_tokens -1', completion({ max_tokens: -1 })],
];

function viaSchema(endpoint: Endpoint, body: unknown): unknown {
  const r = (endpoint === 'chat' ? ChatBody : CompletionBody).safeParse(body);
  return r.success ? r.data : InputError;
}

function viaGateway(endpoint: Endpoint, body: unknown): unknown {
  try {
    return parseBody(endpoint, body);
  } catch (e) {
    if (e instanceof InputError) return InputError;
    throw e;
  }
}

describe('parseBody', () => {
  it.each(CASES)('%s, %s: accepted and refused exactly as the schema does', (endpoint, _name, body) => {
    expect(viaGateway(endpoint, body)).toEqual(viaSchema(endpoint, body));
  });

  it('takes a plain chat body and a text prompt as they are (no copy made by the schema)', () => {
    const c = chat({ max_tokens: 4 });
    const p = completion({});
    expect(parseBody('chat', c)).toBe(c);
    expect(parseBody('completions', p)).toBe(p);
  });

  it('refuses a body that is not an object: null, an array, a string', () => {
    for (const body of [null, [chat({})], 'ping'])
      expect(() => parseBody('chat', body)).toThrow('expected a JSON object');
  });
});
