import type { KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { metroById } from '../geo/metros.js';
import { Request } from '../model/request.js';
import { Descriptor, type HeartbeatInput, HeartbeatPayload } from '../wire/protocol.js';
import { modelCatalog } from './coordinator.js';
import { LiveNetwork } from './live-network.js';
import { LiveTrust } from './live-trust.js';
import type { RegisteredNode } from './registry.js';

/**
 * One 80 GB h100 node `n` with `slots` slots at `metro`, seen by a coordinator in Frankfurt. The ledger's
 * tests (ledger.ts): warm and queue alarm after three contradictions in a row (3 × ln(0.3/0.02) = 8.1 ≥ 8),
 * location after one (ln(0.5/0.01) = 3.9 ≥ 3.5).
 */
function setup(slots = 8, metro = 'frankfurt', queue = true) {
  let now = 1_000_000;
  const m = metroById(metro)!;
  const descriptor = Descriptor.parse({
    id: 'n',
    roles: ['inference'],
    location: { lat: m.lat, lon: m.lon, metro },
    labels: { provider: 'p', asn: 'a', datacenter: 'd', operator: 'o', country: 'DE' },
    hardware: { accelerator: 'h100', count: 1, memoryGb: 80 },
    slots,
  });
  const node = {
    record: {
      id: 'n',
      operator: 'o',
      publicKey: '',
      endpoint: 'http://n',
      descriptor,
      registeredAt: 0,
      updatedAt: 0,
      lastSeq: 0,
    },
    descriptor,
    key: {} as KeyObject,
  } satisfies RegisteredNode;
  let trust: LiveTrust | undefined;
  const network = new LiveNetwork({
    models: modelCatalog([]),
    thresholds: { staleAfterMs: 3000, unhealthyAfterMs: 10_000 },
    now: () => now,
    quarantined: (id) => trust?.quarantined(id) === true,
  });
  network.reset([node]);
  const fra = metroById('frankfurt')!;
  trust = new LiveTrust(network, {
    now: () => now,
    location: true,
    queue,
    coordinatorPlace: { lat: fra.lat, lon: fra.lon },
  });
  let seq = 0;
  const heartbeat = (over: Partial<HeartbeatInput>) => {
    now += 200;
    const hb = HeartbeatPayload.parse({
      nodeId: 'n',
      seq: ++seq,
      sentAt: now,
      slots,
      inFlight: 0,
      queue: 0,
      models: [],
      ...over,
    });
    network.onEvent({ type: 'heartbeat', nodeId: 'n', heartbeat: hb, receivedAt: now }, () => [node]);
    trust!.heartbeat('n', hb);
  };
  return { network, trust, heartbeat };
}

const LLAMA = 'llama-3.1-8b-instruct';
const request = Request.parse({
  id: 'r',
  model: LLAMA,
  inputTokens: 10,
  outputTokens: 8,
  client: { lat: 50.11, lon: 8.68 },
});
const streamed = (firstByteMs: number) => ({
  firstByteMs,
  doneMs: firstByteMs + 100,
  outputTokens: 8,
  streamed: true,
});

describe('LiveTrust', () => {
  it('quarantines for warm at the third report of 70.6 + 65 GB warm on 80 GB, and the view drops the node', () => {
    const { network, trust, heartbeat } = setup();
    const both = [
      { id: 'llama-3.3-70b-instruct-fp8', state: 'warm' as const },
      { id: 'qwen2.5-32b-instruct', state: 'warm' as const },
    ];
    heartbeat({ models: both });
    heartbeat({ models: both });
    expect(trust.mark('n').quarantined).toBe(false);
    heartbeat({ models: both });
    expect(trust.mark('n')).toMatchObject({ quarantined: true, reason: 'warm' });
    expect(network.currentView().dyn.quarantined[0]).toBe(1);
  });

  it('never contradicts 16 GB warm on 80 GB (100 reports)', () => {
    const { trust, heartbeat } = setup();
    for (let k = 0; k < 100; k++) heartbeat({ models: [{ id: LLAMA, state: 'warm' }] });
    expect(trust.mark('n').quarantined).toBe(false);
    expect(trust.mark('n').score).toBeGreaterThan(0.9);
  });

  it('quarantines for queue a 1-slot node reporting 0 load while 5 of its requests stay outstanding: the 4th report is the 3rd contradiction', () => {
    const { network, trust, heartbeat } = setup(1);
    for (let k = 0; k < 5; k++) network.begin('n');
    heartbeat({}); // nothing outstanding at a previous report yet: unchecked
    heartbeat({});
    heartbeat({});
    expect(trust.mark('n').quarantined).toBe(false);
    heartbeat({});
    expect(trust.mark('n')).toMatchObject({ quarantined: true, reason: 'queue' });
  });

  it('with the queue check off (the default), never charges the same 0-load reports (an Ollama agent sees no queue)', () => {
    const { network, trust, heartbeat } = setup(1, 'frankfurt', false);
    for (let k = 0; k < 5; k++) network.begin('n');
    for (let k = 0; k < 20; k++) heartbeat({});
    expect(trust.mark('n').quarantined).toBe(false);
  });

  it('believes a 1-slot node that reports its 5 requests (1 running, 4 waiting)', () => {
    const { network, trust, heartbeat } = setup(1);
    for (let k = 0; k < 5; k++) network.begin('n');
    for (let k = 0; k < 20; k++) heartbeat({ inFlight: 1, queue: 4 });
    expect(trust.mark('n').quarantined).toBe(false);
  });

  it('charges a 30 s first byte after a warm, idle report to warm (longer than 16 GB from host RAM), three times: quarantined', () => {
    const { trust, heartbeat } = setup();
    heartbeat({ models: [{ id: LLAMA, state: 'warm' }] });
    for (let k = 0; k < 3; k++) trust.served('n', request, streamed(30_000));
    expect(trust.mark('n')).toMatchObject({ quarantined: true, reason: 'warm' });
  });

  it('leaves a 30 s first byte unchecked after a report of the model on disk or of a queue, and believes a 100 ms one', () => {
    const { trust, heartbeat } = setup();
    for (const report of [
      { models: [{ id: LLAMA, state: 'localDisk' as const }] },
      { models: [{ id: LLAMA, state: 'warm' as const }], inFlight: 8, queue: 3 },
    ]) {
      heartbeat(report);
      const before = trust.mark('n');
      for (let k = 0; k < 5; k++) trust.served('n', request, streamed(30_000));
      expect(trust.mark('n')).toEqual(before);
    }
    heartbeat({ models: [{ id: LLAMA, state: 'warm' }] });
    const before = trust.mark('n').score;
    for (let k = 0; k < 5; k++) trust.served('n', request, streamed(100));
    expect(trust.mark('n').quarantined).toBe(false);
    expect(trust.mark('n').score).toBeGreaterThan(before);
  });

  it('refutes a claimed Sydney with one 5 ms probe from Frankfurt (fibre floor ≈ 160 ms), not a claimed Frankfurt', () => {
    const far = setup(8, 'sydney');
    far.trust.probed('n', 5);
    expect(far.trust.mark('n')).toMatchObject({ quarantined: true, reason: 'location' });
    const near = setup(8, 'frankfurt');
    for (let k = 0; k < 20; k++) near.trust.probed('n', 5);
    expect(near.trust.mark('n').quarantined).toBe(false);
  });
});
