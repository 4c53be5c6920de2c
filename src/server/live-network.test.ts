import type { KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { metroById } from '../geo/metros.js';
import { TIER_CODES } from '../network/dynamics.js';
import { Descriptor, type HeartbeatInput, HeartbeatPayload } from '../wire/protocol.js';
import { modelCatalog } from './coordinator.js';
import { LiveNetwork } from './live-network.js';
import type { RegisteredNode } from './registry.js';

const LLAMA = 'llama-3.1-8b-instruct';

/** Two h100 nodes in Frankfurt; unhealthy after 10 s of silence. */
function setup() {
  let now = 1_000_000;
  const fra = metroById('frankfurt')!;
  const node = (id: string): RegisteredNode => {
    const descriptor = Descriptor.parse({
      id,
      roles: ['inference'],
      location: { lat: fra.lat, lon: fra.lon, metro: 'frankfurt' },
      labels: { provider: 'p', asn: 'a', datacenter: `d-${id}`, operator: `o-${id}`, country: 'DE' },
      hardware: { accelerator: 'h100', count: 1, memoryGb: 80 },
      slots: 8,
    });
    const record = {
      id,
      operator: `o-${id}`,
      publicKey: '',
      endpoint: `http://${id}`,
      descriptor,
      registeredAt: 0,
      updatedAt: 0,
      lastSeq: 0,
    };
    return { record, descriptor, key: {} as KeyObject };
  };
  const nodes = [node('a'), node('b')];
  const open = new Set<string>();
  const network = new LiveNetwork({
    models: modelCatalog([]),
    thresholds: { staleAfterMs: 3000, unhealthyAfterMs: 10_000 },
    now: () => now,
    blocked: (id) => open.has(id),
  });
  network.reset(nodes);
  let seq = 0;
  const heartbeat = (nodeId: string, over: Partial<HeartbeatInput> = {}) => {
    const hb = HeartbeatPayload.parse({
      nodeId,
      seq: ++seq,
      sentAt: now,
      slots: 8,
      inFlight: 0,
      queue: 0,
      models: [{ id: LLAMA, state: 'warm' }],
      ...over,
    });
    network.onEvent({ type: 'heartbeat', nodeId, heartbeat: hb, receivedAt: now }, () => nodes);
  };
  const advance = (ms: number) => {
    now += ms;
  };
  const llama = () => network.availability().find((a) => a.id === LLAMA);
  const at = (id: string) => network.topology.index.get(id)!;
  return { network, heartbeat, advance, llama, open, at };
}

describe('LiveNetwork availability', () => {
  it('counts a model warm on the heartbeat that says so, 10 ms after one that said loading', () => {
    const { heartbeat, advance, llama } = setup();
    heartbeat('a', { models: [{ id: LLAMA, state: 'loading' }] });
    expect(llama()).toMatchObject({ warm: 0, loading: 1, nodes: 1 });
    advance(10);
    heartbeat('a');
    expect(llama()).toMatchObject({ warm: 1, loading: 0, nodes: 1 });
  });

  it('counts a node again on its first heartbeat after 12 s of silence, asked 10 ms before and after', () => {
    const { heartbeat, advance, llama } = setup();
    heartbeat('a');
    heartbeat('b');
    advance(12_000);
    heartbeat('a');
    expect(llama()).toMatchObject({ warm: 1, nodes: 1 });
    advance(10);
    heartbeat('b');
    expect(llama()).toMatchObject({ warm: 2, nodes: 2 });
  });

  it('keeps the list it made when 100 heartbeats repeat the same models in the same states', () => {
    const { network, heartbeat, advance } = setup();
    heartbeat('a');
    heartbeat('b');
    const list = network.availability();
    for (let k = 0; k < 100; k++) {
      advance(1);
      heartbeat(k % 2 === 0 ? 'a' : 'b', { inFlight: k % 8 });
    }
    expect(network.availability()).toBe(list);
    advance(250);
    expect(network.availability()).not.toBe(list);
    expect(network.availability()).toEqual(list);
  });
});

describe('LiveNetwork views', () => {
  it('counts 3 requests another coordinator has at node a in the view 20 ms later, node b heartbeating meanwhile', () => {
    const { network, heartbeat, advance, at } = setup();
    heartbeat('a');
    heartbeat('b');
    expect(network.currentView().dyn.running[at('a')]).toBe(0);
    network.setRemoteInflight('a', 3);
    advance(10);
    heartbeat('b', { inFlight: 1 });
    advance(10);
    const view = network.currentView();
    expect(view.dyn.running[at('a')]).toBe(3);
    expect(view.dyn.running[at('b')]).toBe(1);
  });

  it('takes out of the view a node whose breaker opened within 300 ms (a full pass every 250 ms, a refresh every 20), though its telemetry and load did not change', () => {
    const { network, heartbeat, advance, open, at } = setup();
    heartbeat('a');
    heartbeat('b');
    expect(network.currentView().dyn.healthy[at('a')]).toBe(1);
    open.add('a');
    for (let t = 0; t < 300; t += 10) {
      advance(10);
      heartbeat('b');
      network.currentView();
    }
    expect(network.currentView().dyn.healthy[at('a')]).toBe(0);
    expect(network.currentView().dyn.healthy[at('b')]).toBe(1);
  });

  it('keeps a model warm through 3 heartbeats that repeat it with new loads, and drops it on the 4th, which lists it on disk', () => {
    const { network, heartbeat, advance, at } = setup();
    const cell = () => at('a') * network.topology.models.count + network.topology.models.index.get(LLAMA)!;
    heartbeat('a');
    for (const inFlight of [1, 2, 3]) {
      advance(20);
      heartbeat('a', { inFlight });
      const view = network.currentView();
      expect(view.dyn.tier[cell()]).toBe(TIER_CODES.gpu);
      expect(view.dyn.running[at('a')]).toBe(inFlight);
    }
    advance(20);
    heartbeat('a', { inFlight: 0, models: [{ id: LLAMA, state: 'localDisk' }] });
    expect(network.currentView().dyn.tier[cell()]).toBe(TIER_CODES.localDisk);
  });

  it('marks a node unhealthy 10 s after its last heartbeat while another keeps the view changing every 20 ms', () => {
    const { network, heartbeat, advance, at } = setup();
    heartbeat('a');
    for (let t = 0; t < 10_250; t += 20) {
      advance(20);
      heartbeat('b');
      network.currentView();
    }
    expect(network.currentView().dyn.healthy[at('a')]).toBe(0);
    expect(network.currentView().dyn.healthy[at('b')]).toBe(1);
  });
});
