import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.js';
import { LOAD_TIERS, NodeSpeed, type ServedOutcome } from './node-speed.js';

interface Hidden {
  prefill: number;
  decode: number;
  remoteLoad: number;
}

/**
 * A request served by a node whose true speeds are the catalog's times `hidden`, with RTT and queue
 * wait that differ from what the router expected by up to ±20%, and 5% timing noise.
 */
function served(rng: Rng, node: number, hidden: Hidden, cold: boolean): ServedOutcome {
  const expected = { rttMs: 40, queueMs: 100, prefillMs: 300, decodeMsPerToken: 20 };
  const rtt = expected.rttMs * rng.uniform(0.8, 1.2);
  const queue = expected.queueMs * rng.uniform(0.8, 1.2);
  const loadMs = cold ? 10_000 * hidden.remoteLoad * rng.logNormal(1, 0.05) : 0;
  const prefill = expected.prefillMs * hidden.prefill * rng.logNormal(1, 0.05);
  const firstByteMs = rtt + queue + loadMs + prefill;
  const outputTokens = 200;
  const decode = (outputTokens - 1) * expected.decodeMsPerToken * hidden.decode * rng.logNormal(1, 0.05);
  return {
    node,
    outputTokens,
    firstByteMs,
    doneMs: firstByteMs + decode,
    expected,
    ...(cold ? { load: { tier: 'remote' as const, observedMs: loadMs, expectedMs: 10_000 } } : {}),
  };
}

describe('NodeSpeed', () => {
  it.each([
    { seed: 1, hidden: { prefill: 0.6, decode: 1.8, remoteLoad: 2 } },
    { seed: 2, hidden: { prefill: 1.5, decode: 0.7, remoteLoad: 0.5 } },
    { seed: 3, hidden: { prefill: 1, decode: 1, remoteLoad: 1 } },
  ])(
    'learns hidden prefill $hidden.prefill, decode $hidden.decode and remote load $hidden.remoteLoad within 10% from 60 requests (seed $seed)',
    ({ seed, hidden }) => {
      const rng = new Rng(seed);
      const speed = new NodeSpeed(3);
      for (let k = 0; k < 60; k++) speed.observe(served(rng, 1, hidden, k % 10 === 0), k * 500);
      expect(speed.decode.factor(1) / hidden.decode).toBeCloseTo(1, 1);
      expect(Math.abs(speed.prefill.factor(1) / hidden.prefill - 1)).toBeLessThan(0.1);
      expect(
        Math.abs(speed.loadFactor(1, LOAD_TIERS.indexOf('remote')) / hidden.remoteLoad - 1),
      ).toBeLessThan(0.1);
      expect(speed.decode.factor(0)).toBe(1);
      expect(speed.decode.factor(2)).toBe(1);
    },
  );

  it('learns nothing about prefill when it is under 5% of the first byte (30 ms under a 2 s queue)', () => {
    const speed = new NodeSpeed(1);
    speed.observe(
      {
        node: 0,
        outputTokens: 1,
        firstByteMs: 2100,
        doneMs: 2100,
        expected: { rttMs: 40, queueMs: 2000, prefillMs: 30, decodeMsPerToken: 20 },
      },
      0,
    );
    expect(speed.prefill.samples(0)).toBe(0);
    expect(speed.decode.samples(0)).toBe(0);
  });

  it('ignores an outcome for a node it does not know', () => {
    const speed = new NodeSpeed(1);
    speed.observe(served(new Rng(1), 5, { prefill: 2, decode: 2, remoteLoad: 2 }, true), 0);
    expect(speed.decode.samples(0)).toBe(0);
  });
});
