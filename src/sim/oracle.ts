import { dataFetchMs as fetchMs } from '../estimate/data-fetch.js';
import { decodeMs, prefillMs } from '../estimate/service.js';
import { ACCELERATOR_CLASSES } from '../model/common.js';
import type { HiddenTruth } from './hidden-truth.js';
import { type SimNetwork, VREQ } from './network.js';
import type { NodeModel } from './node-model.js';
import { GPU_RESIDENT } from './node-states.js';
import type { TruthRtt } from './truth-rtt.js';

/**
 * Nodes kept per (metro, model, verification requirement, accelerator class), best first; a full scan
 * covers the rare case that they are all down.
 */
const KEEP_PER_CLASS = 32;

interface Candidates {
  /** Per class c: entries [start[c], start[c + 1]) of `node` and `key`, key ascending. */
  start: Int32Array;
  node: Int32Array;
  /** RTT + initial cold start, ms. */
  key: Float64Array;
  /** Per class: 1 when entries were left out (more than KEEP_PER_CLASS capable nodes). */
  truncated: Uint8Array;
  /** Classes with at least one entry. */
  classes: Int32Array;
}

/** Lower bounds of one request (ms): end-to-end and time to first token. Infinity when no node can serve it. */
export interface Bound {
  e2e: number;
  ttft: number;
}

/**
 * The clairvoyant lower bound: for each request, the minimum over nodes that are up at arrival and can serve
 * the model under the request's verification requirement of RTT + data fetch + cold start from the initial
 * placement (0 where the model starts warm) + prefill + decode at batch 1, with no queue. It knows the
 * hidden truth: each node's true speed and load factors and the straggler episodes active at arrival.
 */
export class Oracle {
  /** Candidate lists by (metro × models + model) × VREQ + requirement, built on first use. */
  private readonly lists: Array<Candidates | undefined> = [];
  /** [node * models + model]: cold start from the initial placement, ms. */
  private readonly coldMs: Float64Array;
  /** Per model, aligned with `net.capableNodes[model]`: class, initial cold start, mode bits. */
  private readonly capClass: Uint8Array[];
  private readonly capCold: Float64Array[];
  private readonly capModes: Uint8Array[];
  /** Per model: bit v set when every capable node supports requirement v (its list is the unfiltered one). */
  private readonly allSupport: Uint8Array;
  /** Time of the request being bounded (straggler episodes depend on it). */
  private tMs = 0;

  constructor(
    private readonly net: SimNetwork,
    private readonly rtt: TruthRtt,
    initial: NodeModel,
    /** The nodes' hidden speeds; with deviations every capable node is considered (classes differ inside). */
    private readonly hidden?: HiddenTruth,
  ) {
    const N = net.nodeCount;
    const M = net.modelCount;
    this.coldMs = new Float64Array(N * M);
    for (let n = 0; n < N; n++) {
      for (let m = 0; m < M; m++) {
        const c = n * M + m;
        this.coldMs[c] = initial.gpu[c] === GPU_RESIDENT ? 0 : initial.loadMs(n, m, initial.store[c]!);
      }
    }
    this.capClass = net.capableNodes.map((nodes) => Uint8Array.from(nodes, (n) => net.classOf[n]!));
    this.capCold = net.capableNodes.map((nodes, m) =>
      Float64Array.from(nodes, (n) => this.coldMs[n * M + m]!),
    );
    this.capModes = net.capableNodes.map((nodes) =>
      Uint8Array.from(nodes, (n) => {
        let bits = 0;
        for (let v = 0; v < VREQ; v++) if (net.nodeMode[n * VREQ + v]) bits |= 1 << v;
        return bits;
      }),
    );
    this.allSupport = Uint8Array.from(this.capModes, (modes) =>
      modes.reduce((all, b) => all & b, (1 << VREQ) - 1),
    );
  }

  bound(
    metro: number,
    model: number,
    input: number,
    output: number,
    vreq: number,
    dataset: number,
    up: Uint8Array,
    out: Bound,
    tMs = 0,
  ): void {
    this.tMs = tMs;
    out.e2e = Number.POSITIVE_INFINITY;
    out.ttft = Number.POSITIVE_INFINITY;
    const net = this.net;
    const cf = net.costFactor[model * VREQ + vreq]!;
    if (Number.isNaN(cf)) return;
    if (dataset >= 0 || this.hidden?.deviates) {
      this.scan(metro, model, input, output, vreq, cf, dataset, up, out);
      return;
    }
    const list = this.candidates(metro, model, vreq);
    const classes = list.classes;
    for (let x = 0; x < classes.length; x++) {
      const c = classes[x]!;
      const end = list.start[c + 1]!;
      let found = false;
      for (let k = list.start[c]!; k < end; k++) {
        const n = list.node[k]!;
        if (up[n] === 0) continue;
        this.consider(list.key[k]!, n, model, input, output, cf, out);
        found = true;
        break;
      }
      if (!found && list.truncated[c] === 1) {
        this.scan(metro, model, input, output, vreq, cf, -1, up, out);
        return;
      }
    }
  }

  private consider(
    key: number,
    n: number,
    model: number,
    input: number,
    output: number,
    cf: number,
    out: Bound,
  ): void {
    const net = this.net;
    const cell = net.perfCell(model, n);
    const f = cf * net.topology.timeFactor(model, n);
    const h = this.hidden;
    const p = prefillMs(net.prefillPer1k[cell]! * (h ? h.prefillAt(n, this.tMs) : 1), input, f);
    const d = decodeMs(
      net.decodePerToken[cell]! * (h ? h.decodeAt(n, this.tMs) : 1),
      net.decodeSlope[cell]!,
      output,
      1,
      f,
    );
    if (key + p < out.ttft) out.ttft = key + p;
    if (key + p + d < out.e2e) out.e2e = key + p + d;
  }

  /** Every capable node (dataset requests, or when all kept candidates are down). */
  private scan(
    metro: number,
    model: number,
    input: number,
    output: number,
    vreq: number,
    cf: number,
    dataset: number,
    up: Uint8Array,
    out: Bound,
  ): void {
    const net = this.net;
    const M = net.modelCount;
    const capable = net.capableNodes[model]!;
    for (let x = 0; x < capable.length; x++) {
      const n = capable[x]!;
      if (up[n] === 0 || net.nodeMode[n * VREQ + vreq] === 0) continue;
      const fetch = dataset >= 0 ? dataFetchMs(net, this.rtt, up, dataset, n) : 0;
      this.consider(
        this.rtt.client(metro, n) + this.coldMs[n * M + model]! + fetch,
        n,
        model,
        input,
        output,
        cf,
        out,
      );
    }
  }

  private candidates(metro: number, model: number, vreq: number): Candidates {
    const v = (this.allSupport[model]! >> vreq) & 1 ? 0 : vreq;
    const id = (metro * this.net.modelCount + model) * VREQ + v;
    let list = this.lists[id];
    if (list === undefined) {
      list = this.build(metro, model, v);
      this.lists[id] = list;
    }
    return list;
  }

  /** Keeps, per accelerator class, the KEEP_PER_CLASS smallest keys (ties: lower node index) by insertion. */
  private build(metro: number, model: number, vreq: number): Candidates {
    const net = this.net;
    const N = net.nodeCount;
    const rtt = this.rtt.clientNode;
    const capable = net.capableNodes[model]!;
    const classes = this.capClass[model]!;
    const colds = this.capCold[model]!;
    const modes = this.capModes[model]!;
    const bit = 1 << vreq;
    const row = metro * N;
    const C = ACCELERATOR_CLASSES.length;
    const K = KEEP_PER_CLASS;
    const keys = new Float64Array(C * K);
    const nodes = new Int32Array(C * K);
    const counts = new Int32Array(C);
    const truncated = new Uint8Array(C);
    for (let x = 0; x < capable.length; x++) {
      if ((modes[x]! & bit) === 0) continue;
      const n = capable[x]!;
      const c = classes[x]!;
      const key = rtt[row + n]! + colds[x]!;
      const base = c * K;
      let len = counts[c]!;
      if (len === K) {
        truncated[c] = 1;
        if (key >= keys[base + K - 1]!) continue;
        len--;
      } else counts[c] = len + 1;
      let j = len;
      while (j > 0 && keys[base + j - 1]! > key) {
        keys[base + j] = keys[base + j - 1]!;
        nodes[base + j] = nodes[base + j - 1]!;
        j--;
      }
      keys[base + j] = key;
      nodes[base + j] = n;
    }
    const start = new Int32Array(C + 1);
    for (let c = 0; c < C; c++) start[c + 1] = start[c]! + counts[c]!;
    const node = new Int32Array(start[C]!);
    const key = new Float64Array(start[C]!);
    for (let c = 0; c < C; c++) {
      node.set(nodes.subarray(c * K, c * K + counts[c]!), start[c]!);
      key.set(keys.subarray(c * K, c * K + counts[c]!), start[c]!);
    }
    const nonEmpty: number[] = [];
    for (let c = 0; c < C; c++) if (counts[c]! > 0) nonEmpty.push(c);
    return { start, node, key, truncated, classes: Int32Array.from(nonEmpty) };
  }
}

/**
 * Time (ms) for node `n` to get the data of `dataset`: 0 when it holds a copy, else one RTT to the nearest
 * holder that is up (any holder when none is) + the transfer at the slower of the two remote bandwidths.
 */
export function dataFetchMs(
  net: SimNetwork,
  rtt: TruthRtt,
  up: Uint8Array,
  dataset: number,
  n: number,
): number {
  const holders = net.datasetHolders[dataset];
  if (!holders || holders.length === 0) return 0;
  let best = Number.POSITIVE_INFINITY;
  let bestH = -1;
  for (let pass = 0; pass < 2 && bestH < 0; pass++) {
    for (let k = 0; k < holders.length; k++) {
      const h = holders[k]!;
      if (h === n) return 0;
      if (pass === 0 && up[h] === 0) continue;
      const r = rtt.between(n, h);
      if (r < best) {
        best = r;
        bestH = h;
      }
    }
  }
  const gbps = Math.min(net.remoteGBps[n]!, net.remoteGBps[bestH]!);
  return fetchMs(false, best, net.datasetGb[dataset]!, gbps);
}
