import type { Dataset, Model, Node } from '../model/index.js';
import { ACCELERATOR_CLASSES, acceleratorMemoryGb, VERIFICATION_REQUIREMENTS } from '../model/index.js';
import { dimensionCodes, type LabelCodes } from '../model/label-codes.js';

/** Where a node holds a model's weights, fastest first. */
export const TIER_GPU = 0;
export const TIER_HOST_RAM = 1;
export const TIER_LOCAL_DISK = 2;
export const TIER_REMOTE = 3;

const TIER_BY_NAME = {
  gpu: TIER_GPU,
  hostRam: TIER_HOST_RAM,
  localDisk: TIER_LOCAL_DISK,
  remote: TIER_REMOTE,
};

/** Number of verification requirements (`none`, `vanilla`, `tee`, `zkml`). */
export const VREQ = VERIFICATION_REQUIREMENTS.length;

/**
 * The static facts of a simulated network in flat arrays: per node, per model, per (node, model) and per
 * (model, accelerator class). Built once per run; nothing here changes during a run.
 */
export class SimNetwork {
  readonly nodeCount: number;
  readonly modelCount: number;
  readonly classOf: Int32Array;
  readonly slots: Int32Array;
  readonly memoryGb: Float64Array;
  readonly isApi: Uint8Array;
  readonly hostRamGBps: Float64Array;
  readonly localDiskGBps: Float64Array;
  readonly remoteGBps: Float64Array;
  readonly hostRamGb: Float64Array;
  readonly price: Float64Array;
  readonly inference: Uint8Array;
  readonly weightsGb: Float64Array;
  /** [model * classes + class]; NaN when the class cannot run the model. */
  readonly prefillPer1k: Float64Array;
  readonly decodePerToken: Float64Array;
  readonly decodeSlope: Float64Array;
  /** [model * VREQ + requirement]: execution cost multiplier; NaN when the model lacks the mode. */
  readonly costFactor: Float64Array;
  /** [model * VREQ + requirement]: time for a verifier to check one result, ms. */
  readonly verifyMs: Float64Array;
  /** [node * VREQ + requirement]: 1 when the node can execute under the requirement. */
  readonly nodeMode: Uint8Array;
  /** [node * models + model]: 1 when the node can serve the model (class has numbers, weights fit). */
  readonly capable: Uint8Array;
  /** Per model: the nodes that can serve it, ascending. */
  readonly capableNodes: Int32Array[];
  /** [node * models + model]: tier holding the weights at the start. */
  readonly initialTier: Uint8Array;
  /** Label codes of each node (`model/label-codes.ts`: NO_LABEL for a node without the label). */
  readonly provider: LabelCodes;
  readonly operator: LabelCodes;
  /** Node indices holding each dataset, and the GB moved per request. */
  readonly datasetHolders: Int32Array[];
  readonly datasetGb: Float64Array;
  readonly nodeIndex: Map<string, number>;
  readonly modelIndex: Map<string, number>;

  constructor(
    readonly nodes: readonly Node[],
    readonly models: readonly Model[],
    readonly datasets: readonly Dataset[],
  ) {
    const N = nodes.length;
    const M = models.length;
    const C = ACCELERATOR_CLASSES.length;
    this.nodeCount = N;
    this.modelCount = M;
    this.nodeIndex = new Map(nodes.map((n, i) => [n.id, i]));
    this.modelIndex = new Map(models.map((m, i) => [m.id, i]));
    const classIndex = new Map<string, number>(ACCELERATOR_CLASSES.map((c, i) => [c, i]));
    this.classOf = Int32Array.from(nodes, (n) => classIndex.get(n.hardware.accelerator) ?? 0);
    this.slots = Int32Array.from(nodes, (n) => n.slots);
    // Same rule as the routing topology: a `cpu` node runs models from host RAM.
    this.memoryGb = Float64Array.from(nodes, (n) =>
      n.hardware.accelerator === 'cpu' ? n.storage.hostRamGb : acceleratorMemoryGb(n),
    );
    this.isApi = Uint8Array.from(nodes, (n) => (n.hardware.accelerator === 'api' ? 1 : 0));
    this.hostRamGBps = Float64Array.from(nodes, (n) => n.storage.hostRamGBps);
    this.localDiskGBps = Float64Array.from(nodes, (n) => n.storage.localDiskGBps);
    this.remoteGBps = Float64Array.from(nodes, (n) => n.storage.remoteGBps);
    this.hostRamGb = Float64Array.from(nodes, (n) => n.storage.hostRamGb);
    this.price = Float64Array.from(nodes, (n) => n.pricePer1kTokens);
    this.inference = Uint8Array.from(nodes, (n) => (n.roles.includes('inference') ? 1 : 0));
    this.weightsGb = Float64Array.from(models, (m) => m.weightsGb);

    this.prefillPer1k = new Float64Array(M * C).fill(Number.NaN);
    this.decodePerToken = new Float64Array(M * C).fill(Number.NaN);
    this.decodeSlope = new Float64Array(M * C).fill(Number.NaN);
    models.forEach((m, mi) => {
      for (const [cls, perf] of Object.entries(m.performance)) {
        const c = classIndex.get(cls);
        if (c === undefined || !perf) continue;
        this.prefillPer1k[mi * C + c] = perf.prefillMsPer1k;
        this.decodePerToken[mi * C + c] = perf.decodeMsPerToken;
        this.decodeSlope[mi * C + c] = perf.decodeSlope;
      }
    });

    this.costFactor = new Float64Array(M * VREQ).fill(Number.NaN);
    this.verifyMs = new Float64Array(M * VREQ);
    models.forEach((m, mi) => {
      this.costFactor[mi * VREQ] = 1; // none
      const vanilla = m.verification.find((v) => v.mode === 'vanilla');
      this.costFactor[mi * VREQ + 1] = vanilla?.costFactor ?? 1;
      this.verifyMs[mi * VREQ + 1] = vanilla?.verifyMs ?? 0;
      for (const v of m.verification) {
        const r = VERIFICATION_REQUIREMENTS.indexOf(v.mode);
        if (r < 0) continue;
        this.costFactor[mi * VREQ + r] = v.costFactor;
        this.verifyMs[mi * VREQ + r] = v.verifyMs;
      }
    });
    this.nodeMode = new Uint8Array(N * VREQ);
    nodes.forEach((n, i) => {
      this.nodeMode[i * VREQ] = 1;
      for (const mode of n.verification) {
        const r = VERIFICATION_REQUIREMENTS.indexOf(mode);
        if (r >= 0) this.nodeMode[i * VREQ + r] = 1;
      }
    });

    this.capable = new Uint8Array(N * M);
    this.initialTier = new Uint8Array(N * M).fill(TIER_REMOTE);
    nodes.forEach((n, i) => {
      if (!this.inference[i]) return;
      const c = this.classOf[i]!;
      for (let mi = 0; mi < M; mi++) {
        const has = !Number.isNaN(this.decodePerToken[mi * C + c]!);
        const fits = this.isApi[i] === 1 || this.weightsGb[mi]! <= this.memoryGb[i]!;
        if (has && fits) this.capable[i * M + mi] = 1;
      }
      for (const h of n.models) {
        const mi = this.modelIndex.get(h.model);
        if (mi !== undefined) this.initialTier[i * M + mi] = TIER_BY_NAME[h.tier];
      }
    });

    this.capableNodes = Array.from({ length: M }, (_, mi) => {
      const list: number[] = [];
      for (let i = 0; i < N; i++) if (this.capable[i * M + mi]) list.push(i);
      return Int32Array.from(list);
    });
    const labels = nodes.map((n) => n.labels);
    this.provider = dimensionCodes(labels, 'provider');
    this.operator = dimensionCodes(labels, 'operator');
    this.datasetHolders = datasets.map((d) =>
      Int32Array.from(d.heldBy.map((id) => this.nodeIndex.get(id) ?? -1).filter((i) => i >= 0)),
    );
    this.datasetGb = Float64Array.from(datasets, (d) => d.queryGb ?? d.sizeGb);
  }

  /** Index of a (model, class) cell in the performance arrays. */
  perfCell(model: number, node: number): number {
    return model * ACCELERATOR_CLASSES.length + this.classOf[node]!;
  }

  /** Bandwidth (GB/s) into accelerator memory from `tier` on node `i`. */
  tierGBps(i: number, tier: number): number {
    return tier === TIER_HOST_RAM
      ? this.hostRamGBps[i]!
      : tier === TIER_LOCAL_DISK
        ? this.localDiskGBps[i]!
        : this.remoteGBps[i]!;
  }

  /** Cold start (ms) of model `m` on node `i` from `tier`; 0 for proxy nodes and resident weights. */
  loadMs(i: number, m: number, tier: number): number {
    if (this.isApi[i] === 1 || tier === TIER_GPU) return 0;
    return (this.weightsGb[m]! / this.tierGBps(i, tier)) * 1000;
  }
}
