import { describe, expect, it } from 'vitest';
import { TrustLedger } from '../trust/ledger.js';
import {
  outputDigest,
  type SpotCheckDeps,
  SpotChecks,
  streamedText,
  textDigest,
  unstreamed,
} from './spot-checks.js';

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

const sse = (parts: string[]) =>
  `${parts.map((p) => `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: p } }] })}\n\n`).join('')}data: [DONE]\n\n`;

describe('streamedText', () => {
  it('assembles "w0 w1 " from a role event and two content events, whose digest equals the unstreamed answer’s', () => {
    const events = `data: ${JSON.stringify({ choices: [{ index: 0, delta: { role: 'assistant', content: '' } }] })}\n\n${sse(['w0 ', 'w1 '])}`;
    expect(streamedText(events)).toBe('w0 w1 ');
    expect(textDigest(streamedText(events)!)).toBe(outputDigest(chat('w0 w1 ')));
  });

  it('reads completion events (`text`) and is undefined for a stream without text', () => {
    const ev = (t: string) => `data: ${JSON.stringify({ choices: [{ index: 0, text: t }] })}\n\n`;
    expect(streamedText(ev('a') + ev('b'))).toBe('ab');
    expect(streamedText('data: [DONE]\n\n')).toBeUndefined();
    expect(streamedText('data: not json\n\n')).toBeUndefined();
  });
});

describe('unstreamed', () => {
  it('turns `stream: true` off and drops stream_options, keeping the rest; undefined for a non-object', () => {
    const body = JSON.stringify({
      model: 'm',
      stream: true,
      stream_options: { include_usage: true },
      seed: 1,
    });
    expect(JSON.parse(unstreamed(body)!)).toEqual({ model: 'm', seed: 1, stream: false });
    expect(unstreamed('[1]')).toBeUndefined();
    expect(unstreamed('nope')).toBeUndefined();
  });
});

/** Three nodes of three operators reporting model m; each answers with `answers[node]`. */
function harness(answers: Record<string, string>, now = () => 0) {
  const inflight = new Map<string, number>();
  const peak = new Map<string, number>();
  const ledger = new TrustLedger();
  const ids = ['exec', 'ver', 'third'];
  const deps = {
    network: {
      begin(n: string) {
        const v = (inflight.get(n) ?? 0) + 1;
        inflight.set(n, v);
        peak.set(n, Math.max(peak.get(n) ?? 0, v));
      },
      end(n: string) {
        inflight.set(n, (inflight.get(n) ?? 0) - 1);
      },
      telemetry: new Map(ids.map((id) => [id, { heartbeat: { models: [{ id: 'm' }] } }])),
    },
    trust: {
      ledger,
      quarantined: (n: string) => ledger.isQuarantined(n, now()),
      recordOutput: (n: string, held: boolean) => ledger.record(n, 'output', held, now()),
    },
    upstreams: {
      async request(n: string, opts: { body: string }) {
        expect(JSON.parse(opts.body).stream).toBe(false);
        expect(inflight.get(n)).toBe(1);
        return { statusCode: 200, body: { arrayBuffer: async () => chat(answers[n]!) } };
      },
    },
    receipts: { amend: async () => undefined },
    nodes: () => ids.map((id) => ({ record: { id, operator: `op-${id}` } })),
    rate: 0.05,
    random: () => 0,
  };
  const checks = new SpotChecks(deps as unknown as SpotCheckDeps);
  return { checks, ledger, inflight, peak };
}

async function settled(checks: SpotChecks, n: number): Promise<void> {
  for (let k = 0; k < 100 && checks.verdicts.length < n; k++) await new Promise((r) => setTimeout(r, 1));
}

describe('SpotChecks', () => {
  it('checks a streamed answer by its assembled text: "w0 w1 " against a verifier answering "w0 w1 " is a match, the verifier counted in flight (1) only while it ran', async () => {
    const { checks, ledger, inflight, peak } = harness({ ver: 'w0 w1 ', third: 'w0 w1 ' });
    checks.start({
      executor: 'exec',
      model: 'm',
      path: '/v1/chat/completions',
      answer: { text: streamedText(sse(['w0 ', 'w1 ']))! },
      bodyFor: () => JSON.stringify({ model: 'm', stream: true }),
      receipt: { id: 'r', createdAt: 0 },
    });
    await settled(checks, 1);
    expect(checks.verdicts).toEqual([{ executor: 'exec', verifier: 'ver', verdict: 'match' }]);
    expect(peak.get('ver')).toBe(1);
    expect(inflight.get('ver')).toBe(0);
    expect(ledger.claimScore('exec', 'output')).toBeCloseTo(2 / 3, 12);
  });

  it('draws at 10% for a node without output checks (base 5%) and at 100% once one contradiction stands', async () => {
    const { checks, ledger } = harness({ ver: 'right', third: 'right' });
    expect(checks.rateFor('exec')).toBeCloseTo(0.1, 12);
    checks.start({
      executor: 'exec',
      model: 'm',
      path: '/v1/chat/completions',
      answer: chat('wrong'),
      bodyFor: () => JSON.stringify({ model: 'm' }),
      receipt: { id: 'r', createdAt: 0 },
    });
    await settled(checks, 1);
    expect(checks.verdicts[0]!.verdict).toBe('executor');
    expect(ledger.suspect('exec', 'output')).toBe(true);
    expect(checks.rateFor('exec')).toBe(1);
  });
});
