import { describe, expect, it } from 'vitest';
import { demandOf } from './gateway-receipt.js';

describe('demandOf: how a gateway request counts as demand', () => {
  it.each([
    ['no answer delivered (shed, or failed on every node)', undefined, 'unmet'],
    ['a 200 answer', 200, 'met'],
    ['a 400 for the client’s input (max_tokens 5,000,000)', 400, 'none'],
    ['a 413 (prompt too large)', 413, 'none'],
    ['a 422 (unprocessable body)', 422, 'none'],
    ['a 401 (the backend wants a key the gateway lacks)', 401, 'unmet'],
    ['a 403 (the backend refuses the gateway)', 403, 'unmet'],
  ] as const)('%s counts as %s', (_what, status, counted) => {
    expect(demandOf(status === undefined ? undefined : { status })).toBe(counted);
  });
});
