import { fastestSourceGBps, transferMs } from '../estimate/cold-start.js';
import type { Dataset } from '../model/dataset.js';
import { dimensionCodes, type LabelCodes } from '../model/label-codes.js';
import type { Model } from '../model/model.js';
import type { Node } from '../model/node.js';
import { VERIFICATION_REQUIREMENTS } from '../model/request.js';
import { initialTiers, TIER_GPU, TIER_HOST_RAM, TIER_LOCAL_DISK, TIER_REMOTE } from '../network/dynamics.js';
import { ACCEL_API, ACCEL_COUNT, MODE_COUNT } from '../network/models.js';
import { ROLE_INFERENCE, Topology } from '../network/topology.js';

/** Where a node holds a model's weights, fastest first (the router's tier codes). */
export { TIER_GPU, TIER_HOST_RAM, TIER_LOCAL_DISK, TIER_REMOTE };

/** Number of verification requirements (`none`, `vanilla`, `tee`, `zkml`). */
export const VREQ = VERIFICATION_REQUIREMENTS.length;

/**
 * The static facts of a simulated network in flat arrays, read from the router's compiled `Topology` (one
 * compilation of nodes, models, labels and capability for both): per node, per model, per (node, model) and
 * per (model, accelerator class). The arrays below are views of the topology's or derived from it once per
 * run (the requirement-indexed verification tables, the capable matrix, the initial tiers); nothing here
 * changes during a run.
 */
export class SimNetwork {
  readonly nodeCount: number;
  readonly modelCount: number;
  readonly nodes: readonly Node[];
  readonly models: readonly Model[];
  /** Accelerator class index of each node (`ACCELERATOR_CLASSES` order). */
  readonly classOf: Uint8Array;
  readonly slots: Int32Array;
  /** Resident capacity, GB (`residentCapacityGb`: host RAM for `cpu`, unbounded for `api`). */
  readonly memoryGb: Float64Array;
  readonly isApi: Uint8Array;
  readonly hostRamGBps: Float64Array;
  readonly localDiskGBps: Float64Array;
  readonly remoteGBps: Float64Array;
  readonly hostRamGb: Float64Array;
  readonly price: Float64Array;
  readonly inference: Uint8Array;
  readonly weightsGb: Float64Array;
  /** [model * classes + class]; meaningful only where the class has numbers (see `capable`). */
  readonly prefillPer1k: Float64Array;
  readonly decodePerToken: Float64Array;
  readonly decodeSlope: Float64Array;
  /** [model * VREQ + requirement]: execution cost multiplier; NaN when the model lacks the mode. */
  readonly costFactor: Float64Array;
  /** [model * VREQ + requirement]: time for a verifier to check one result, ms. */
  readonly verifyMs: Float64Array;
  /** [node * VREQ + requirement]: 1 when the node can execute under the requirement. */
  readonly nodeMode: Uint8Array;
  /** [node * models + model]: 1 when the node can serve the model (`Topology.canServe`). */
  readonly capable: Uint8Array;
  /** Per model: the nodes that can serve it, ascending. */
  readonly capableNodes: Int32Array[];
  /** [node * models + model]: tier holding the weights at the start (`initialTiers`). */
  readonly initialTier: Uint8Array;
  /** Label codes of each node (`model/label-codes.ts`: NO_LABEL for a node without the label). */
  readonly provider: LabelCodes;
  readonly operator: LabelCodes;
  /** Node indices holding each dataset, and the GB moved per request. */
  readonly datasetHolders: Int32Array[];
  readonly datasetGb: Float64Array;
  readonly nodeIndex: ReadonlyMap<string, number>;
  readonly modelIndex: ReadonlyMap<string, number>;

  constructor(readonly topology: Topology) {
    const t = topology;
    const N = t.n;
    const M = t.models.count;
    this.nodeCount = N;
    this.modelCount = M;
    this.nodes = t.nodes;
    this.models = t.models.models;
    this.nodeIndex = t.index;
    this.modelIndex = t.models.index;
    this.classOf = t.accel;
    this.slots = t.slots;
    this.memoryGb = t.memGb;
    this.isApi = Uint8Array.from(t.accel, (a) => (a === ACCEL_API ? 1 : 0));
    this.hostRamGBps = t.hostRamGBps;
    this.localDiskGBps = t.localDiskGBps;
    this.remoteGBps = t.remoteGBps;
    this.hostRamGb = t.hostRamGb;
    this.price = t.price;
    this.inference = Uint8Array.from(t.roleBits, (b) => (b & ROLE_INFERENCE ? 1 : 0));
    this.weightsGb = t.models.weightsGb;
    this.prefillPer1k = t.models.prefillMsPer1k;
    this.decodePerToken = t.models.decodeMsPerToken;
    this.decodeSlope = t.models.decodeSlope;

    // Requirement r ≥ 1 is execution mode r − 1 (vanilla, tee, zkml); `none` and `vanilla` run everywhere.
    this.costFactor = new Float64Array(M * VREQ).fill(Number.NaN);
    this.verifyMs = new Float64Array(M * VREQ);
    for (let m = 0; m < M; m++) {
      this.costFactor[m * VREQ] = 1;
      for (let r = 1; r < VREQ; r++) {
        const mode = m * MODE_COUNT + r - 1;
        if (r === 1 || t.models.modeBits[m]! & (1 << (r - 1)))
          this.costFactor[m * VREQ + r] = t.models.costFactor[mode]!;
        this.verifyMs[m * VREQ + r] = t.models.verifyMs[mode]!;
      }
    }
    this.nodeMode = new Uint8Array(N * VREQ);
    for (let i = 0; i < N; i++) {
      this.nodeMode[i * VREQ] = 1;
      for (let r = 1; r < VREQ; r++) if (t.modeBits[i]! & (1 << (r - 1))) this.nodeMode[i * VREQ + r] = 1;
    }

    this.capable = new Uint8Array(N * M);
    for (let i = 0; i < N; i++) for (let m = 0; m < M; m++) if (t.canServe(i, m)) this.capable[i * M + m] = 1;
    this.capableNodes = Array.from({ length: M }, (_, m) => {
      const list: number[] = [];
      for (let i = 0; i < N; i++) if (this.capable[i * M + m]) list.push(i);
      return Int32Array.from(list);
    });
    this.initialTier = initialTiers(t);
    const labels = t.nodes.map((n) => n.labels);
    this.provider = dimensionCodes(labels, 'provider');
    this.operator = dimensionCodes(labels, 'operator');
    const holders = t.datasets.holders;
    this.datasetHolders = t.datasets.ids.map((_, d) =>
      holders.items.subarray(holders.start[d]!, holders.start[d + 1]!),
    );
    this.datasetGb = t.datasets.moveGb;
  }

  /** Compiles `{ nodes, models, datasets }` into a topology (as the router does) and reads it. */
  static of(nodes: readonly Node[], models: readonly Model[], datasets: readonly Dataset[] = []): SimNetwork {
    return new SimNetwork(new Topology({ nodes, models, datasets }));
  }

  /** Index of a (model, class) cell in the performance arrays. */
  perfCell(model: number, node: number): number {
    return model * ACCEL_COUNT + this.classOf[node]!;
  }

  /**
   * Cold start (ms) of model `m` on node `i` from `tier`; 0 for proxy nodes and resident weights. `factor`
   * divides the catalog bandwidth (the simulator's hidden truth; 1: the catalog).
   */
  loadMs(i: number, m: number, tier: number, factor = 1): number {
    if (this.isApi[i] === 1 || tier === TIER_GPU) return 0;
    const GBps = fastestSourceGBps(
      tier,
      this.hostRamGBps[i]!,
      this.localDiskGBps[i]!,
      this.remoteGBps[i]!,
      0,
    );
    return transferMs(this.weightsGb[m]!, GBps / factor);
  }
}
