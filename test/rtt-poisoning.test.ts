import { afterEach, describe, expect, it } from 'vitest';
import { metroById } from '../src/geo/metros.js';
import {
  beat,
  descriptor,
  register,
  startCoordinator,
  startWorker,
  type TestCoordinator,
  type TestNode,
  type TestWorker,
} from './server-kit.js';

/**
 * Issue 10, item 1 (RTT poisoning), reproduced on loopback: a node's heartbeat RTT samples used to set
 * the shared metro-pair cell, so one node's claim moved every node of that metro. Now a claim is evidence
 * about the claiming node only, refused below the fibre floor and when it disagrees with the round trips
 * the coordinator measures itself (its probes), and bounded.
 */

const MODEL = 'llama-3.1-8b-instruct';

function at(metro: string): { lat: number; lon: number; metro: string } {
  const m = metroById(metro)!;
  return { lat: m.lat, lon: m.lon, metro };
}

let c: TestCoordinator | undefined;
const workers: TestWorker[] = [];
afterEach(async () => {
  await c?.close();
  c = undefined;
  for (const w of workers.splice(0)) await w.close();
});

/** Registers `id` in `metro` on an emulated worker on loopback and sends one heartbeat (warm model). */
async function node(id: string, metro: string): Promise<TestNode> {
  const w = await startWorker();
  workers.push(w);
  // Eight devices: the catalog's typical H100 node, so service is short and own sends hardly queue.
  const n = await register(
    c!,
    descriptor(id, { location: at(metro), hardware: { accelerator: 'h100', count: 8, memoryGb: 80 } }),
    w.url,
  );
  expect(await beat(c!, n)).toBe(200);
  return n;
}

/** Round trips the coordinator measured to each node (as its probes report them), 5 each, ms. */
function measured(ms: Record<string, number>): void {
  for (let k = 0; k < 5; k++)
    for (const [id, v] of Object.entries(ms)) c!.coordinator.network.observeMeasured(id, v);
}

/** The RTT the router uses from a client at `metro` to each node (from a decision's receipt), ms. */
async function rtts(metro: string): Promise<Record<string, number>> {
  const m = metroById(metro)!;
  const res = await c!.app.inject({
    method: 'POST',
    url: '/v1/route',
    payload: { model: MODEL, client: { lat: m.lat, lon: m.lon, metro }, inputTokens: 100, outputTokens: 50 },
  });
  const top = (res.json() as { receipt: { top: { node: string; rttMs: number }[] } }).receipt.top;
  return Object.fromEntries(top.map((r) => [r.node, r.rttMs]));
}

/** Primaries of `count` decisions for a client at `metro`. */
async function primaries(metro: string, count: number): Promise<string[]> {
  const m = metroById(metro)!;
  const out: string[] = [];
  for (let k = 0; k < count; k++) {
    const res = await c!.app.inject({
      method: 'POST',
      url: '/v1/route',
      payload: {
        model: MODEL,
        client: { lat: m.lat, lon: m.lon, metro },
        inputTokens: 100,
        outputTokens: 50,
      },
    });
    expect(res.statusCode).toBe(200);
    out.push((res.json() as { primary: string }).primary);
  }
  return out;
}

describe('RTT poisoning (issue 10, item 1)', () => {
  it('a Sydney node reporting {to: frankfurt, ms: 0} leaves every node’s Frankfurt RTT unchanged and takes 0 of 50 Frankfurt decisions (the report is below the fibre floor)', async () => {
    c = await startCoordinator({ gateway: { metro: 'frankfurt' } });
    await node('fra-1', 'frankfurt');
    await node('fra-2', 'frankfurt');
    const syd = await node('syd-1', 'sydney');
    measured({ 'fra-1': 10, 'fra-2': 10, 'syd-1': 320 });
    const before = c.coordinator.network.rtt.offsetMs('syd-1');
    const seen = await rtts('frankfurt');
    for (let k = 0; k < 10; k++) expect(await beat(c, syd, { rtt: [{ to: 'frankfurt', ms: 0 }] })).toBe(200);
    expect(await rtts('frankfurt')).toEqual(seen);

    const picks = await primaries('frankfurt', 50);
    expect(picks.filter((p) => p === 'syd-1')).toHaveLength(0);
    expect(c.coordinator.network.rtt.refused.below_fibre_floor).toBe(10);
    expect(c.coordinator.network.rtt.offsetMs('syd-1')).toBe(before);
  });

  it('a Frankfurt node reporting 600,000 ms to London leaves every node’s London RTT unchanged and ≥ 25 of 50 London decisions in Frankfurt (was 0): the report is 10 of 10 inconsistent with the coordinator’s 10 ms probes', async () => {
    c = await startCoordinator({ gateway: { metro: 'frankfurt' } });
    const liar = await node('fra-1', 'frankfurt');
    await node('fra-2', 'frankfurt');
    await node('nyc-1', 'new-york');
    measured({ 'fra-1': 10, 'fra-2': 10, 'nyc-1': 90 });
    const before = [c.coordinator.network.rtt.offsetMs('fra-1'), c.coordinator.network.rtt.offsetMs('fra-2')];
    const seen = await rtts('london');
    for (let k = 0; k < 10; k++)
      expect(await beat(c, liar, { rtt: [{ to: 'london', ms: 600_000 }] })).toBe(200);
    expect(await rtts('london')).toEqual(seen);

    // Frankfurt is ~80 ms nearer London than New York: most decisions stay there (New York takes only
    // what load-spreading within one view sends it; the poisoned table sent it all 50).
    const picks = await primaries('london', 50);
    expect(picks.filter((p) => p.startsWith('fra-')).length).toBeGreaterThanOrEqual(25);
    expect(c.coordinator.network.rtt.refused.inconsistent).toBe(10);
    expect([
      c.coordinator.network.rtt.offsetMs('fra-1'),
      c.coordinator.network.rtt.offsetMs('fra-2'),
    ]).toEqual(before);
  });

  it("a probe's round trip on loopback is the coordinator's own evidence: 1 probe round verifies the Frankfurt node, and a loopback node claiming Sydney is refused below the fibre floor", async () => {
    c = await startCoordinator({ gateway: { metro: 'frankfurt' } });
    await node('fra-1', 'frankfurt');
    await node('syd-1', 'sydney');
    await c.coordinator.prober.round();
    expect(c.coordinator.network.rtt.verified('fra-1')).toBe(true);
    expect(c.coordinator.network.rtt.verified('syd-1')).toBe(false);
    expect(c.coordinator.network.rtt.refused.below_fibre_floor).toBe(1);
  });

  it('a node the coordinator has not measured moves nothing by its reports (gateway.metro unset: 10 of 10 unverified)', async () => {
    c = await startCoordinator();
    const n = await node('fra-1', 'frankfurt');
    for (let k = 0; k < 10; k++) expect(await beat(c, n, { rtt: [{ to: 'london', ms: 400 }] })).toBe(200);
    expect(c.coordinator.network.rtt.refused.unverified).toBe(10);
    expect(c.coordinator.network.rtt.offsetMs('fra-1')).toBe(0);
  });
});
