import { describe, expect, it } from 'vitest';
import { outputDigest } from './spot-checks.js';

const chat = (content: unknown) => Buffer.from(JSON.stringify({ choices: [{ message: { content } }] }));

describe('outputDigest', () => {
  it('is equal for equal chat texts and differs for "w0 w1 " against "x0 x1 "', () => {
    expect(outputDigest(chat('w0 w1 '))).toBe(outputDigest(chat('w0 w1 ')));
    expect(outputDigest(chat('w0 w1 '))).not.toBe(outputDigest(chat('x0 x1 ')));
  });

  it('reads a completion text like a chat message (same text, same digest)', () => {
    expect(outputDigest(Buffer.from(JSON.stringify({ choices: [{ text: 'w0 ' }] })))).toBe(
      outputDigest(chat('w0 ')),
    );
  });

  it('is undefined without a text: not JSON, no choices, a non-string content', () => {
    expect(outputDigest(Buffer.from('not json'))).toBeUndefined();
    expect(outputDigest(Buffer.from('{}'))).toBeUndefined();
    expect(outputDigest(chat(null))).toBeUndefined();
  });
});
