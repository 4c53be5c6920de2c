import { describe, expect, it } from 'vitest';
import { type AttemptResult, attempt, jsonAnswer } from './attempt.js';
import { SWEEP_MS } from './attempt-watch.js';
import type { AttemptLimits } from './timing.js';
import type { AbortBinding, BufferedResponse, UpstreamRequest, Upstreams } from './upstream.js';

/**
 * The attempts' limits are checked by one shared sweep (every SWEEP_MS = 10 ms), not by a timer each.
 * These run attempts against nodes that never answer, or answer after a set time, so the only way an
 * attempt ends early is a limit firing; the bounds allow for a loaded machine (a limit fires late, never
 * early).
 */

/** Nodes by id: answer after `ms` (200, "{}"), or never when absent; an abort rejects at once. */
function upstreams(answerAfterMs: Record<string, number> = {}): Upstreams {
  const fake = {
    requestBuffered(nodeId: string, req: UpstreamRequest): Promise<BufferedResponse> {
      return new Promise((resolve, reject) => {
        const ms = answerAfterMs[nodeId];
        const timer =
          ms === undefined
            ? undefined
            : setTimeout(() => resolve({ statusCode: 200, headers: {}, body: Buffer.from('{}') }), ms);
        (req.abortable as AbortBinding).bind(() => {
          clearTimeout(timer);
          reject(new Error('aborted'));
        });
      });
    },
  };
  return fake as unknown as Upstreams;
}

const limits = (firstByteMs: number, deadlineAt = Number.POSITIVE_INFINITY): AttemptLimits => ({
  firstByteMs,
  idleMs: 1000,
  deadlineAt,
});

async function timed(p: Promise<AttemptResult>): Promise<{ r: AttemptResult; ms: number }> {
  const t0 = Date.now();
  const r = await p;
  return { r, ms: Date.now() - t0 };
}

const input = (l: AttemptLimits) => ({ path: '/v1/chat/completions', body: '{}', stream: false, limits: l });

describe('attempt limits (one sweep for all attempts)', () => {
  it('ends three silent attempts at their own first-byte limits (40, 80 and 2,000 ms), none before it', async () => {
    const up = upstreams();
    // Started together, the last first in the list: the 40 ms one, last in it, must not wait for the others.
    const order = [40, 80, 2000];
    const runs = await Promise.all(order.map((ms) => timed(attempt(up, 'n', input(limits(ms))))));
    for (const [k, ms] of order.entries()) {
      const { r, ms: took } = runs[k]!;
      expect(r.ok).toBe(false);
      expect(r.ok ? undefined : r.kind).toBe('timeout');
      expect(r.ok ? '' : r.message).toBe(
        `no answer within the first-byte limit of ${ms.toLocaleString('en-US')} ms`,
      );
      expect(took).toBeGreaterThanOrEqual(ms - 1);
      expect(took).toBeLessThan(ms + 1000);
    }
  });

  it("ends an attempt at the client's deadline (60 ms away) although its first-byte limit is 10 s", async () => {
    const { r, ms } = await timed(attempt(upstreams(), 'n', input(limits(10_000, Date.now() + 60))));
    expect(r.ok ? undefined : r.kind).toBe('deadline');
    expect(ms).toBeGreaterThanOrEqual(59);
    expect(ms).toBeLessThan(1060);
  });

  it('lets an answer that comes in 30 ms through under a 500 ms limit, while a silent attempt beside it times out', async () => {
    const up = upstreams({ fast: 30 });
    const [fast, silent] = await Promise.all([
      attempt(up, 'fast', input(limits(500))),
      attempt(up, 'silent', input(limits(100))),
    ]);
    expect(fast.ok).toBe(true);
    expect(silent.ok ? undefined : silent.kind).toBe('timeout');
    // After both, a new attempt is still watched: the sweep, stopped by then (3 sweeps found none), starts again.
    await new Promise((r) => setTimeout(r, 3 * SWEEP_MS));
    const again = await attempt(up, 'silent', input(limits(50)));
    expect(again.ok ? undefined : again.kind).toBe('timeout');
  });
});

describe('a 200 answer is a JSON object or array', () => {
  const json = (text: string) => jsonAnswer(Buffer.from(text)) !== undefined;

  it('takes whole objects and arrays, brackets and escaped quotes inside strings included', () => {
    const answer = JSON.stringify({ choices: [{ message: { content: 'a } ] \\" { [ "quoted" \\' } }] });
    expect([json(answer), json(` \n${answer}\n `), json('[1,{"a":[]}]'), json('{}')]).toEqual([
      true,
      true,
      true,
      true,
    ]);
  });

  it('refuses an HTML page, an empty body, an answer cut short, two objects, a syntax error inside brackets and a bare value', () => {
    const cut = '{"choices":[{"message":{"content":"hal';
    for (const text of [
      '<html>oops</html>',
      '',
      '   ',
      cut,
      `${cut}"}}`,
      '{"a":1}{"b":2}',
      '{"a":1]',
      '{"a":}',
      '"text"',
      'null',
      '42',
    ])
      expect([text, json(text)]).toEqual([text, false]);
  });
});
