import { describe, expect, it } from 'vitest';
import { coldStartMs, fastestSourceGBps } from '../estimate/cold-start.js';
import { Model } from '../model/model.js';
import { Node } from '../model/node.js';
import { Rng } from '../util/rng.js';
import { ATT_RUNNING, AttemptStore } from './attempts.js';
import { EventQueue } from './event-queue.js';
import { EV_DONE, EV_LOADED } from './events.js';
import { HiddenTruth, NO_TRUTH, type TruthSpec } from './hidden-truth.js';
import { SimNetwork, TIER_HOST_RAM, TIER_REMOTE } from './network.js';
import { NodeModel } from './node-model.js';
import {
  GPU_LOADING,
  GPU_NONE,
  GPU_RESIDENT,
  REACH_DOWN,
  REACH_OK,
  REACH_UNSERVABLE,
} from './node-states.js';

/** One node with 80 GB, two slots; models a (50 GB, warm) and b (40 GB, on local disk at 4 GB/s). */
function setup(
  extraModels: Array<{ id: string; gb: number }> = [],
  drainAfterMs?: number,
  truth?: Partial<TruthSpec>,
) {
  const node = Node.parse({
    id: 'n',
    roles: ['inference'],
    location: { lat: 50, lon: 8, metro: 'frankfurt' },
    labels: { provider: 'p', asn: '1', datacenter: 'd', operator: 'o', country: 'DE' },
    hardware: { accelerator: 'h100', count: 1, memoryGb: 80 },
    storage: { localDiskGBps: 4, hostRamGb: 0 },
    slots: 2,
    models: [
      { model: 'a', tier: 'gpu' },
      { model: 'b', tier: 'localDisk' },
    ],
  });
  const model = (id: string, gb: number) =>
    Model.parse({
      id,
      kind: 'llm',
      weightsGb: gb,
      performance: { h100: { prefillMsPer1k: 100, decodeMsPerToken: 10, decodeSlope: 0.5 } },
    });
  const models = [model('a', 50), model('b', 40), ...extraModels.map((m) => model(m.id, m.gb))];
  const net = SimNetwork.of([node], models);
  const atts = new AttemptStore(4);
  const q = new EventQueue(16);
  const hidden = truth ? new HiddenTruth({ ...NO_TRUTH, ...truth }, 1, 3600, new Rng(1)) : undefined;
  const nodes = new NodeModel(net, atts, q, drainAfterMs, hidden);
  const send = (m: number, input = 1000, output = 10) => {
    const a = atts.alloc();
    atts.node[a] = 0;
    atts.model[a] = m;
    atts.input[a] = input;
    atts.output[a] = output;
    atts.vreq[a] = 0;
    return a;
  };
  return { net, atts, q, nodes, send };
}

describe('NodeModel', () => {
  it('serves at the hidden speed: a 3× straggler from t = 1 s takes 600 ms for a request the catalog puts at 200', () => {
    const { q, nodes, send } = setup([], undefined, {
      episodes: [{ node: 0, atS: 1, durationS: 10, factor: 3 }],
    });
    nodes.reach(send(0), 0);
    q.pop();
    nodes.complete(q.pa, q.t);
    expect(q.t).toBe(200); // before the episode: the catalog
    nodes.reach(send(0), 2000);
    q.pop();
    nodes.complete(q.pa, q.t);
    expect(q.t).toBe(2000 + 3 * 200);
    nodes.reach(send(0), 12_000);
    q.pop();
    nodes.complete(q.pa, q.t);
    expect(q.t).toBe(12_200); // released after 10 s
  });

  it('loads at the hidden bandwidth: a load factor of 2 makes the 10 s catalog load from disk take 20 s', () => {
    const { q, nodes, send } = setup([], undefined, {});
    // Without sigma every factor is 1; set one by hand to test the physics path.
    const { nodes: slow, q: q2, send: send2 } = setup([], undefined, { loadSigma: 1e-9 });
    (slow as unknown as { hidden: HiddenTruth }).hidden.load[0] = 2;
    nodes.reach(send(1), 0);
    slow.reach(send2(1), 0);
    q.pop();
    q2.pop();
    expect([q.t, q2.t]).toEqual([10_000, 20_000]);
  });

  it('starts a warm request at once: prefill + decode with the batch slope (α + β·batch)', () => {
    const { q, nodes, send } = setup();
    expect(nodes.reach(send(0), 0)).toBe(REACH_OK);
    expect(nodes.reach(send(0), 0)).toBe(REACH_OK);
    q.pop();
    // batch 1: 1,000 input tokens × 100 ms/1k + 10 tokens × 10 ms
    expect([q.t, q.k]).toEqual([200, EV_DONE]);
    q.pop();
    // batch 2: decode 10 × 10 × (1 + 0.5 × 1) = 150
    expect(q.t).toBe(250);
  });

  it('loads a cold model from local disk (40 GB at 4 GB/s = 10 s), evicting the idle LRU model to make room', () => {
    const { q, nodes, send } = setup();
    const a = send(1);
    expect(nodes.reach(a, 5)).toBe(REACH_OK);
    expect(nodes.gpu[1]).toBe(GPU_LOADING);
    expect(nodes.gpu[0]).toBe(GPU_NONE); // 50 + 40 > 80: model a evicted
    expect(nodes.coldStarts).toBe(1);
    q.pop();
    expect([q.t, q.k, q.pa, q.pb]).toEqual([10_005, EV_LOADED, 0, 1]);
    expect(nodes.loaded(0, 1, q.t)).toBe(true);
    expect(nodes.gpu[1]).toBe(GPU_RESIDENT);
    q.pop();
    expect([q.t, q.k, q.pa]).toEqual([10_205, EV_DONE, a]);
  });

  it('does not evict a model that has requests running; the load waits until it is idle', () => {
    const { atts, q, nodes, send } = setup();
    const warm = send(0);
    nodes.reach(warm, 0); // runs until 200
    nodes.reach(send(1), 1); // needs 40 GB: a is busy, so nothing loads yet
    expect(nodes.gpu[1]).toBe(GPU_NONE);
    expect(nodes.waiting[0]).toBe(1);
    q.pop();
    expect(q.pa).toBe(warm);
    nodes.complete(warm, q.t);
    atts.release(warm);
    expect(nodes.gpu[0]).toBe(GPU_NONE);
    expect(nodes.gpu[1]).toBe(GPU_LOADING);
    expect(nodes.loadEta[1]).toBe(200 + 10_000);
  });

  it('keeps serving the busy warm model while a load waits for memory, until the wait reaches drainAfterMs', () => {
    const { q, nodes, send } = setup([], 30_000);
    nodes.reach(send(0), 0); // a runs until 200
    nodes.reach(send(1), 1); // b needs a's memory: pending load
    expect([nodes.pendingLoad[0], nodes.pendingSince[0]]).toEqual([1, 1]);
    nodes.reach(send(0), 2); // not draining yet: starts
    expect(nodes.running[0]).toBe(2);
    q.pop();
    q.pop();
    expect(q.t).toBe(252);
  });

  it('drains once a load has waited drainAfterMs: starts nothing new and evicts a model that only has waiting requests', () => {
    const { atts, q, nodes, send } = setup([], 0);
    const first = send(0);
    nodes.reach(first, 0); // a runs until 200
    nodes.reach(send(1), 1); // b needs a's memory: pending load, draining at once
    nodes.reach(send(0), 2); // a is resident and a slot is free, but the node drains
    expect(nodes.running[0]).toBe(1);
    q.pop();
    nodes.complete(first, q.t);
    atts.release(first);
    // a has nothing running: evicted for b; a's waiting request makes a the next pending load
    expect(nodes.gpu[1]).toBe(GPU_LOADING);
    expect(nodes.gpu[0]).toBe(GPU_NONE);
    expect(nodes.pendingLoad[0]).toBe(0);
    expect(nodes.waiting[0]).toBe(2);
  });

  it('counts a request as waiting on a cold start when its model, resident on arrival, is evicted and loaded again while it waits', () => {
    const { atts, q, nodes, send } = setup([], 100);
    nodes.reach(send(0), 0);
    nodes.reach(send(0), 0); // a fills both slots
    const forB = send(1);
    nodes.reach(forB, 1); // b's load waits for a's memory
    const second = send(0);
    nodes.reach(second, 2); // a is resident: this request waits for a slot, not for a load
    expect(atts.coldWait[second]).toBe(0);
    const loads: string[] = [];
    while (atts.state[second] !== ATT_RUNNING && loads.length < 10 && q.pop()) {
      if (q.k === EV_DONE) nodes.complete(q.pa, q.t);
      else if (q.k === EV_LOADED) {
        loads.push(`${q.pb === 0 ? 'a' : 'b'} at ${Math.round(q.t)}`);
        nodes.loaded(q.pa, q.pb, q.t);
      }
    }
    // a drains and goes for b (10 s); b serves its request, then a comes back (50 GB at 4 GB/s = 12.5 s)
    expect(loads.length).toBe(2);
    expect(loads[0]).toMatch(/^b at /);
    expect(loads[1]).toMatch(/^a at /);
    expect([atts.coldWait[second], atts.coldWait[forB]]).toEqual([1, 1]);
  });

  it('gives a model that just loaded the drain time to serve what waited for it: with loads (10 s) longer than the drain (100 ms), each model still serves its request', () => {
    const { q, nodes, send } = setup([], 100);
    const forA = send(0);
    nodes.reach(send(0), 0);
    nodes.reach(send(0), 0);
    const forB = send(1);
    nodes.reach(forB, 1);
    nodes.reach(forA, 2);
    let loads = 0;
    const served: number[] = [];
    while (q.pop() && loads < 10) {
      if (q.k === EV_DONE) {
        served.push(q.pa);
        nodes.complete(q.pa, q.t);
      } else if (q.k === EV_LOADED) {
        loads++;
        nodes.loaded(q.pa, q.pb, q.t);
      }
    }
    expect(loads).toBe(2); // b in, a back: not a load after load with nothing served
    expect(served).toContain(forA);
    expect(served).toContain(forB);
  });

  it('lets requests for a resident model pass requests blocked on a loading model', () => {
    const { q, nodes, send } = setup([{ id: 'c', gb: 20 }]);
    // c (20 GB) fits beside a (50 GB): load it, queue one request for it, then a request for a
    nodes.reach(send(2), 0);
    expect(nodes.gpu[2]).toBe(GPU_LOADING);
    const forA = send(0);
    nodes.reach(forA, 1);
    q.pop();
    expect([q.t, q.k, q.pa]).toEqual([201, EV_DONE, forA]);
  });

  it('fails every attempt on a node that goes down and forgets its accelerator memory; a model it cannot hold is refused', () => {
    const { atts, nodes, send } = setup([{ id: 'huge', gb: 500 }]);
    const running = send(0);
    const waiting = send(1);
    nodes.reach(running, 0);
    nodes.reach(waiting, 0);
    const genBefore = atts.gen[running]!;
    const failed: number[] = [];
    nodes.fail(0, 50, failed);
    expect(failed.sort()).toEqual([running, waiting].sort());
    expect(atts.gen[running]).toBe(genBefore + 1);
    expect([nodes.running[0], nodes.waiting[0], nodes.memUsed[0]]).toEqual([0, 0, 0]);
    expect(nodes.gpu[0]).toBe(GPU_NONE);
    expect(nodes.reach(send(0), 60)).toBe(REACH_DOWN);
    nodes.recover(0);
    expect(nodes.reach(send(2), 70)).toBe(REACH_UNSERVABLE);
  });

  it('loads from the fastest source holding the weights, as the router estimates: 40 GB in host RAM at 2 GB/s but on disk at 4 GB/s → 10 s', () => {
    const node = Node.parse({
      id: 'n',
      roles: ['inference'],
      location: { lat: 50, lon: 8, metro: 'frankfurt' },
      labels: { provider: 'p', asn: '1', datacenter: 'd', operator: 'o', country: 'DE' },
      hardware: { accelerator: 'h100', count: 1, memoryGb: 80 },
      storage: { hostRamGBps: 2, localDiskGBps: 4, remoteGBps: 1 },
      models: [{ model: 'b', tier: 'hostRam' }],
    });
    const b = Model.parse({
      id: 'b',
      kind: 'llm',
      weightsGb: 40,
      performance: { h100: { prefillMsPer1k: 100, decodeMsPerToken: 10 } },
    });
    const net = SimNetwork.of([node], [b]);
    const belief = coldStartMs(40, fastestSourceGBps(TIER_HOST_RAM, 2, 4, 1, 0), 0, 0);
    expect(net.loadMs(0, 0, TIER_HOST_RAM)).toBe(10_000);
    expect(net.loadMs(0, 0, TIER_HOST_RAM)).toBe(belief);
    expect(net.loadMs(0, 0, TIER_REMOTE)).toBe(40_000);
  });
});

describe('NodeModel check jobs (a verifier checking a proof: a slot, no weights)', () => {
  it('a 50 ms check queued behind two busy slots runs at 200 ms, first of the waiting, and delays a request waiting since 20 ms from 200 to 250 ms', () => {
    const { atts, q, nodes, send } = setup();
    const a1 = send(0);
    const a2 = send(0);
    expect(nodes.reach(a1, 0)).toBe(REACH_OK);
    expect(nodes.reach(a2, 0)).toBe(REACH_OK);
    const check = send(1);
    atts.checkMs[check] = 50;
    expect(nodes.reach(check, 10)).toBe(REACH_OK);
    const a3 = send(0);
    expect(nodes.reach(a3, 20)).toBe(REACH_OK);
    expect(nodes.waiting[0]).toBe(2);
    while (q.pop()) {
      if (q.k === EV_DONE) nodes.complete(q.pa, q.t);
      if (atts.startT[a3]! > 0) break;
    }
    expect(atts.startT[check]).toBe(200);
    expect(atts.endT[check]).toBe(250);
    expect(atts.startT[a3]).toBe(250);
    expect(nodes.coldStarts).toBe(0); // model b was not loaded for the check
    expect(nodes.busySlotMs).toBeGreaterThanOrEqual(200 + 250 + 50);
  });

  it('a check job on a node that fails is dropped with the node’s queue: nothing waits afterwards', () => {
    const { atts, nodes, send } = setup();
    nodes.reach(send(0), 0);
    nodes.reach(send(0), 0);
    const check = send(0);
    atts.checkMs[check] = 50;
    nodes.reach(check, 5);
    const failed: number[] = [];
    nodes.fail(0, 10, failed);
    expect(failed).toContain(check);
    expect(nodes.waiting[0]).toBe(0);
    expect(nodes.running[0]).toBe(0);
  });
});
