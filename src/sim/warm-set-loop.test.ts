import { describe, expect, it } from 'vitest';
import { Model } from '../model/model.js';
import { Node } from '../model/node.js';
import { NetworkState } from '../network/state.js';
import { Rng } from '../util/rng.js';
import { WarmSetParams } from '../warmset/params.js';
import { AttemptStore } from './attempts.js';
import { EventQueue } from './event-queue.js';
import { EV_LOADED } from './events.js';
import { HiddenTruth, NO_TRUTH } from './hidden-truth.js';
import type { WarmSetRecord } from './metrics.js';
import { SimNetwork } from './network.js';
import { NodeModel } from './node-model.js';
import { GPU_LOADING, GPU_NONE, GPU_RESIDENT } from './node-states.js';
import { carryOut, WarmSetLoop } from './warm-set-loop.js';

const model = (id: string, gb: number) =>
  Model.parse({
    id,
    kind: 'llm',
    weightsGb: gb,
    performance: { h100: { prefillMsPer1k: 100, decodeMsPerToken: 10, decodeSlope: 0 } },
  });

/** An 80 GB, 2-slot H100 node of `provider` holding a warm and b on local disk (4 GB/s). */
const node = (
  id: string,
  provider: string,
  holds: Array<{ model: string; tier: string }>,
  location = { lat: 50, lon: 8, metro: 'frankfurt' },
) =>
  Node.parse({
    id,
    roles: ['inference'],
    location,
    labels: { provider, asn: id, datacenter: id, operator: id, country: 'DE' },
    hardware: { accelerator: 'h100', count: 1, memoryGb: 80 },
    storage: { localDiskGBps: 4, hostRamGb: 0 },
    slots: 2,
    models: holds,
  });

/** One node: a (50 GB) warm, b (40 GB) on local disk; true load times × a hidden factor (σ = 0.5). */
function oneNode() {
  const net = SimNetwork.of(
    [
      node('n', 'p', [
        { model: 'a', tier: 'gpu' },
        { model: 'b', tier: 'localDisk' },
      ]),
    ],
    [model('a', 50), model('b', 40)],
  );
  const atts = new AttemptStore(4);
  const q = new EventQueue(16);
  const hidden = new HiddenTruth({ ...NO_TRUTH, loadSigma: 0.5 }, 1, 3600, new Rng(7));
  const nodes = new NodeModel(net, atts, q, undefined, hidden);
  const record: WarmSetRecord = { actions: [] };
  const order = (kind: 'load' | 'unload', m: number, t: number) =>
    carryOut([{ kind, node: 0, model: m, reason: 'test' }], nodes, net, t, record);
  /** A request for a (1,000 tokens in, 10 out) reaching the node at t = 0: it runs at once. */
  const serveA = () => {
    const a = atts.alloc();
    atts.node[a] = 0;
    atts.model[a] = 0;
    atts.input[a] = 1000;
    atts.output[a] = 10;
    nodes.reach(a, 0);
    return a;
  };
  return { net, atts, q, hidden, nodes, record, order, serveA };
}

describe('warm-set orders on the true nodes', () => {
  it("a load takes the node's true cold start: 40 GB at 4 GB/s = 10 s × the hidden load factor", () => {
    const { q, hidden, nodes, order } = oneNode();
    order('unload', 0, 0);
    order('load', 1, 1_000);
    expect(hidden.load[0]).not.toBe(1);
    expect(nodes.gpu[1]).toBe(GPU_LOADING);
    expect(q.pop()).toBe(true);
    expect(q.k).toBe(EV_LOADED);
    expect(q.t).toBeCloseTo(1_000 + 10_000 * hidden.load[0]!, 6);
    expect(nodes.coldStarts).toBe(1);
  });

  it('memory is respected: b (40 GB) does not fit beside a (50 GB) on 80 GB while a serves a request; once a is idle it is evicted for b', () => {
    const { q, nodes, record, order, serveA } = oneNode();
    const a = serveA();
    order('load', 1, 10);
    expect(record.actions.at(-1)!.done).toBe(false);
    expect(nodes.gpu[1]).toBe(GPU_NONE);
    expect(nodes.memUsed[0]).toBe(50);
    q.pop();
    nodes.complete(a, q.t);
    order('load', 1, q.t);
    expect(record.actions.at(-1)!.done).toBe(true);
    expect(nodes.gpu[0]).toBe(GPU_NONE);
    expect(nodes.memUsed[0]).toBe(40);
  });

  it('an unload of an idle model frees its memory at once (50 GB → 0)', () => {
    const { nodes, record, order } = oneNode();
    order('unload', 0, 5);
    expect(record.actions[0]).toMatchObject({ kind: 'unload', node: 'n', model: 'a', done: true });
    expect(nodes.memUsed[0]).toBe(0);
    expect(nodes.gpu[0]).toBe(GPU_NONE);
  });

  it('an unload of a model serving a request is taken: a leaves (shown gone to the router) and frees its 50 GB when the request ends', () => {
    const { atts, q, nodes, record, order, serveA } = oneNode();
    const a = serveA();
    order('unload', 0, 5);
    expect(record.actions[0]!.done).toBe(true);
    expect([nodes.gpu[0], nodes.leaving[0], nodes.memUsed[0]]).toEqual([GPU_RESIDENT, 1, 50]);
    q.pop();
    nodes.complete(a, q.t);
    atts.release(a);
    expect([nodes.gpu[0], nodes.leaving[0], nodes.memUsed[0]]).toEqual([GPU_NONE, 0, 0]);
  });

  it("a load that needs a leaving model's memory waits for it: b (40 GB) loads when a's request ends, 10 s × the load factor", () => {
    const { hidden, q, nodes, record, order, serveA } = oneNode();
    const a = serveA();
    order('unload', 0, 5);
    order('load', 1, 5);
    expect(record.actions.map((x) => x.done)).toEqual([true, true]);
    expect([nodes.gpu[1], nodes.pendingLoad[0]]).toEqual([GPU_NONE, 1]);
    q.pop(); // a's request ends at 200 ms (1,000 tokens at 100 ms per 1k + 10 at 10 ms)
    expect(q.t).toBe(200);
    nodes.complete(a, q.t);
    expect([nodes.gpu[0], nodes.gpu[1], nodes.pendingLoad[0]]).toEqual([GPU_NONE, GPU_LOADING, -1]);
    expect(nodes.loadEta[1]).toBeCloseTo(200 + 10_000 * hidden.load[0]!, 6);
  });

  it('a load order for a model that is leaving keeps it; a load that could not fit even with the idle models gone is refused', () => {
    const { nodes, record, order, serveA } = oneNode();
    serveA();
    order('load', 1, 5); // a serves and is not leaving: 30 GB free, b needs 40
    expect(record.actions[0]!.done).toBe(false);
    order('unload', 0, 6);
    order('load', 0, 7);
    expect(record.actions.map((x) => x.done)).toEqual([false, true, true]);
    expect([nodes.gpu[0], nodes.leaving[0]]).toEqual([GPU_RESIDENT, 0]);
  });
});

describe('WarmSetLoop', () => {
  /** Three nodes: x1 and x2 of provider x hold a warm, y1 of provider y holds it on local disk. */
  function threeNodes() {
    const holds = (tier: string) => [{ model: 'a', tier }];
    const net = SimNetwork.of(
      [node('x1', 'x', holds('gpu')), node('x2', 'x', holds('gpu')), node('y1', 'y', holds('localDisk'))],
      [model('a', 50)],
    );
    return { net, view: new NetworkState(net.topology).snapshot(0) };
  }

  it('keeps two independent domains: a warm only in provider x (2 nodes) gets a load on y1, with the reason', () => {
    const { net, view } = threeNodes();
    const loop = new WarmSetLoop(net, WarmSetParams.parse({ controller: true }));
    // 0.1 req/s for a minute: far too little for queueing to pay a load, enough to count as demand.
    for (let k = 0; k < 6; k++) loop.observe(0, -1, 1000, 100, k * 10_000);
    const orders = loop.plan(view, 60_000);
    expect(orders).toEqual([
      { kind: 'load', node: 2, model: 0, reason: 'warm only in x; 0.10 req/s forecast' },
    ]);
  });

  it('does not load again within two horizons (2 × 900 s) a model it loaded that is gone again: y1 ordered at 60 s, not at 120, 960 or 1,859 s, again at 1,860 s', () => {
    const { net, view } = threeNodes();
    const loop = new WarmSetLoop(net, WarmSetParams.parse({ controller: true }));
    const plan = (t: number) => {
      for (let k = 0; k < 6; k++) loop.observe(0, -1, 1000, 100, t - 60_000 + k * 10_000);
      return loop.plan(view, t).map((o) => `${o.kind} ${net.nodes[o.node]!.id}`);
    };
    // The view never shows a on y1: as if the router's requests for another model had displaced it.
    expect(plan(60_000)).toEqual(['load y1']);
    expect(plan(120_000)).toEqual([]);
    expect(plan(960_000)).toEqual([]);
    expect(plan(1_859_000)).toEqual([]);
    expect(plan(1_860_000)).toEqual(['load y1']);
  });

  it('orders nothing without demand but unloads idle extra replicas, keeping the last one', () => {
    const { net, view } = threeNodes();
    const loop = new WarmSetLoop(net, WarmSetParams.parse({ controller: true }));
    const orders = loop.plan(view, 60_000);
    expect(orders.map((o) => `${o.kind} ${net.nodes[o.node]!.id}`)).toEqual(['unload x2']);
    expect(orders[0]!.reason).toMatch(/^idle: 0\.000 req\/s forecast/);
  });

  it('a model seen at 1 req/s is busy: its second replica on x2 stays, and it still gets a second domain on y1', () => {
    const { net, view } = threeNodes();
    const loop = new WarmSetLoop(net, WarmSetParams.parse({ controller: true }));
    for (let k = 0; k < 60; k++) loop.observe(0, -1, 1000, 100, k * 1000);
    const orders = loop.plan(view, 60_000);
    expect(orders.map((o) => `${o.kind} ${net.nodes[o.node]!.id}`)).toEqual(['load y1']);
  });

  it("follows demand by place: 0.5 req/s of a from Tokyo clients, a warm only in Frankfurt → the queueing gain (40 s over the horizon) pays a second replica, placed on the Tokyo node; without the clients' places on the first of the equal candidates, in Frankfurt", () => {
    const tokyo = { lat: 35.7, lon: 139.7, metro: 'tokyo' };
    const net = SimNetwork.of(
      [
        node('fra-a', 'p', [{ model: 'a', tier: 'gpu' }]),
        node('fra-b', 'p', [{ model: 'a', tier: 'localDisk' }]),
        node('tyo-b', 'p', [{ model: 'a', tier: 'localDisk' }], tokyo),
      ],
      [model('a', 50)],
    );
    const view = new NetworkState(net.topology).snapshot(0);
    const clients = { ids: ['tokyo'], table: Int32Array.of(net.topology.metros.index.get('tokyo')!) };
    const params = WarmSetParams.parse({ controller: true });
    const placed = new WarmSetLoop(net, params, clients);
    const placeless = new WarmSetLoop(net, params);
    for (let k = 0; k < 30; k++) {
      placed.observe(0, 0, 1000, 100, k * 2000);
      placeless.observe(0, -1, 1000, 100, k * 2000);
    }
    // Same queueing gain on either node; the Tokyo clients' round trips pick tyo-b.
    const loads = (loop: WarmSetLoop) =>
      loop.plan(view, 60_000).map((o) => `${o.kind} ${net.nodes[o.node]!.id}`);
    expect(loads(placed)).toEqual(['load tyo-b']);
    expect(loads(placeless)).toEqual(['load fra-b']);
  });
});
