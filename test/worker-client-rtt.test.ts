import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metroById } from '../src/geo/metros.js';
import { rttMs } from '../src/geo/rtt-model.js';
import { networkDelayMs } from '../src/worker/app.js';
import { parseProfile } from '../src/worker/profile.js';
import {
  beat,
  descriptor,
  register,
  startCoordinator,
  startWorker,
  type TestCoordinator,
  type TestWorker,
} from './server-kit.js';

/**
 * The live fleet's emulated delay must be what the router believes: the modelled RTT between the
 * request's client and the node, not the coordinator's (Frankfurt's) for every client.
 */

const FRANKFURT = metroById('frankfurt')!;
const TOKYO = metroById('tokyo')!;
const TOKYO_FRANKFURT_MS = rttMs(TOKYO, FRANKFURT);
const SAME_METRO_MS = rttMs(FRANKFURT, FRANKFURT);

describe('the emulated delay of one request (worker --client-rtt)', () => {
  const profile = parseProfile({ networkDelayMs: 9, models: [{ id: 'llama-3.1-8b-instruct' }] }, 'p');
  const at = { clientRttFrom: { lat: FRANKFURT.lat, lon: FRANKFURT.lon } };

  it('a Tokyo client at a Frankfurt node: the modelled Tokyo–Frankfurt RTT (≈ 181 ms), a Frankfurt client ≈ 8.8 ms', () => {
    expect(TOKYO_FRANKFURT_MS).toBeGreaterThan(170);
    expect(TOKYO_FRANKFURT_MS).toBeLessThan(190);
    expect(networkDelayMs(profile, { 'x-meridian-client-metro': 'tokyo' }, at)).toBe(TOKYO_FRANKFURT_MS);
    expect(networkDelayMs(profile, { 'x-meridian-client-metro': 'frankfurt' }, at)).toBe(SAME_METRO_MS);
    expect(networkDelayMs(profile, { 'x-meridian-client': `${TOKYO.lat},${TOKYO.lon}` }, at)).toBeCloseTo(
      TOKYO_FRANKFURT_MS,
      9,
    );
  });

  it('no client named (or an unknown metro): the profile delay of 9 ms; without --client-rtt always 9 ms', () => {
    expect(networkDelayMs(profile, {}, at)).toBe(9);
    expect(networkDelayMs(profile, { 'x-meridian-client-metro': 'atlantis' }, at)).toBe(9);
    expect(networkDelayMs(profile, { 'x-meridian-client-metro': 'tokyo' }, {})).toBe(9);
  });
});

describe('through the gateway: the client the gateway routed for reaches the worker', () => {
  let c: TestCoordinator;
  let w: TestWorker;
  beforeAll(async () => {
    w = await startWorker(
      { networkDelayMs: 0 },
      { clientRttFrom: { lat: FRANKFURT.lat, lon: FRANKFURT.lon } },
    );
    c = await startCoordinator();
    const node = await register(c, descriptor('fra'), w.url);
    expect(await beat(c, node)).toBe(200);
  });
  afterAll(async () => {
    await c?.close();
    await w?.close();
  });

  async function timed(metro: string): Promise<number> {
    const t0 = performance.now();
    const res = await c.app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      headers: { 'x-meridian-client-metro': metro },
      payload: { model: 'llama-3.1-8b-instruct', messages: [{ role: 'user', content: 'hi' }], max_tokens: 1 },
    });
    expect(res.statusCode).toBe(200);
    return performance.now() - t0;
  }

  it('a Tokyo client waits ≥ the modelled 181 ms at a Frankfurt worker; a Frankfurt client ≥ 100 ms less', async () => {
    await timed('frankfurt'); // warm the connection pool
    const tokyo = await timed('tokyo');
    const frankfurt = await timed('frankfurt');
    expect(tokyo).toBeGreaterThanOrEqual(TOKYO_FRANKFURT_MS - 2);
    expect(tokyo).toBeLessThan(TOKYO_FRANKFURT_MS + 400);
    expect(frankfurt).toBeGreaterThanOrEqual(SAME_METRO_MS - 2);
    expect(frankfurt).toBeLessThan(tokyo - 100);
  });
});
