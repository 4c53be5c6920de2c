import { describe, expect, it } from 'vitest';
import type { Delivered } from './attempt.js';
import type { AttemptLog } from './forward.js';
import {
  attemptWindow,
  completionTokens,
  PredictionErrors,
  predictionError,
  streamedEvents,
} from './learn-gateway.js';

const delivered = (nodeId: string): Delivered =>
  ({
    ok: true,
    nodeId,
    status: 200,
    contentType: 'application/json',
    body: Buffer.alloc(0),
    abort() {},
  }) as Delivered;

describe('gateway learning helpers', () => {
  it('times a fallback from the end of the failed attempt before it: sent at 120 ms, settled at 400 ms', () => {
    const logs: AttemptLog[] = [
      { nodeId: 'a', outcome: 'skipped', atMs: 0 },
      { nodeId: 'b', outcome: 'connect', atMs: 120 },
      { nodeId: 'c', outcome: 'ok', atMs: 400 },
    ];
    expect(attemptWindow(logs, delivered('c'), 50)).toEqual({ sentMs: 120, settledMs: 400 });
  });

  it('times a winning hedge copy from the hedge delay (80 ms)', () => {
    const logs: AttemptLog[] = [
      { nodeId: 'h', outcome: 'ok', atMs: 300, hedge: true },
      { nodeId: 'p', outcome: 'aborted', atMs: 301 },
    ];
    expect(attemptWindow(logs, delivered('h'), 80)).toEqual({ sentMs: 80, settledMs: 300 });
  });

  it('reads 7 output tokens from usage.completion_tokens and none from a body that is not JSON', () => {
    expect(completionTokens(Buffer.from('{"usage":{"completion_tokens":7}}'))).toBe(7);
    expect(completionTokens(Buffer.from('oops'))).toBeUndefined();
  });

  it('reads the usage of a body as a whole parse would: last key, pretty-printed, not last, nested, in a string', () => {
    const cases: [string, number | undefined][] = [
      [
        '{"id":"a","choices":[{"message":{"content":"hi"}}],"usage":{"prompt_tokens":3,"completion_tokens":12}}',
        12,
      ],
      ['{\n  "usage" : {\n    "completion_tokens" : 5\n  },\n  "id": "x"\n}\n', 5],
      ['{"usage":{"completion_tokens":4},"extra":{"usage":{"completion_tokens":99}}}', 4],
      [
        '{"choices":[{"text":"\\"usage\\":{\\"completion_tokens\\":50}"}],"usage":{"completion_tokens":6}}',
        6,
      ],
      ['{"a":{"usage":{"completion_tokens":1}},"t":"x\\"usage"}', undefined],
      ['{"t":"ends in a backslash \\\\","usage":{"completion_tokens":2}}', 2],
      ['{"usage":{"completion_tokens":8},"usage":{"completion_tokens":9}}', 9],
      ['{"usage":{"completion_tokens":-1}}', undefined],
      ['{"usage":null}', undefined],
      ['[{"usage":{"completion_tokens":3}}]', undefined],
    ];
    for (const [text, expected] of cases) {
      expect(completionTokens(Buffer.from(text)), text).toBe(expected);
      const whole = (JSON.parse(text) as { usage?: { completion_tokens?: number } }).usage?.completion_tokens;
      expect(whole !== undefined && whole >= 0 ? whole : undefined, text).toBe(expected);
    }
  });

  it('reads the tokens of an answer already parsed (250,000) without parsing its body again', () => {
    const body = Buffer.from('not parsed again');
    expect(completionTokens(body, { usage: { completion_tokens: 250_000 } })).toBe(250_000);
    expect(completionTokens(body, { choices: [] })).toBeUndefined();
    expect(completionTokens(body)).toBeUndefined();
  });

  it('counts 2 data events in a chunk with 2 tokens and [DONE]', () => {
    expect(streamedEvents(Buffer.from('data: {"a":1}\n\ndata: {"a":2}\n\ndata: [DONE]\n\n'))).toBe(2);
  });

  it('the prediction error of 150 ms for 200 ms is 0.25; a non-positive realized time has none', () => {
    expect(predictionError(150, 200)).toBeCloseTo(0.25, 12);
    expect(predictionError(150, 0)).toBeUndefined();
  });

  it('summarizes the first 10 errors apart from the last 50: first median 0.5, recent median 0.05 after 60', () => {
    const p = new PredictionErrors();
    for (let k = 0; k < 10; k++) p.observe(0.5);
    for (let k = 0; k < 50; k++) p.observe(0.05);
    const s = p.summary();
    expect(s).toMatchObject({ count: 60, firstMedian: 0.5, recentMedian: 0.05 });
  });
});
