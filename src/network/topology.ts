import { InputError, type InputIssue } from '../errors.js';
import { rttMs as geoRttMs } from '../geo/rtt-model.js';
import { canServe, residentCapacityGb } from '../model/capability.js';
import type { Dataset } from '../model/dataset.js';
import type { Model } from '../model/model.js';
import type { Node, Role } from '../model/node.js';
import { type Buckets, buildBuckets, type RunBuckets, runEnds } from './csr.js';
import { buildLabelIndex, type LabelIndex } from './labels.js';
import { buildMetroTable, type MetroTable, type RttFunction } from './metros.js';
import { ACCEL_INDEX, acceleratorRank, buildModelTable, MODE_INDEX, type ModelTable } from './models.js';

export const ROLE_INFERENCE = 1;
export const ROLE_FULL = 2;
export const ROLE_DATA = 4;
export const ROLE_STORAGE = 8;
const ROLE_BITS: Record<Role, number> = {
  inference: ROLE_INFERENCE,
  full: ROLE_FULL,
  data: ROLE_DATA,
  storage: ROLE_STORAGE,
};

export interface TopologyInput {
  nodes: readonly Node[];
  models: readonly Model[];
  datasets?: readonly Dataset[];
}

export interface TopologyOptions {
  /** RTT model for the metro table; default: the geo model `rttMs` of src/geo/rtt-model.ts. */
  rtt?: RttFunction;
  /** Add every catalog metro as a client metro (default true). */
  catalogMetros?: boolean;
}

/** Datasets as dense tables; `holders` buckets hold the node indexes of each dataset's copies. */
export interface DatasetTable {
  readonly ids: readonly string[];
  readonly index: ReadonlyMap<string, number>;
  /** GB actually moved per request: the smaller of the whole set and the query. */
  readonly moveGb: Float64Array;
  readonly holders: Buckets;
}

/**
 * Everything about a network that does not change between telemetry reports: nodes, their hardware,
 * labels and places; models; datasets; the metro RTT table; and the per-model indexes of capable nodes
 * bucketed by metro. Built once; shared by the mutable state and every view snapshot.
 */
export class Topology {
  readonly n: number;
  readonly nodes: readonly Node[];
  readonly ids: readonly string[];
  readonly index: ReadonlyMap<string, number>;
  readonly metros: MetroTable;
  readonly nodeMetro: Int32Array;
  readonly models: ModelTable;
  readonly labels: LabelIndex;
  readonly accel: Uint8Array;
  /** Speed rank of each accelerator class (0 = fastest decode across the models). */
  readonly accelRank: Uint8Array;
  /**
   * Node indexes, fastest accelerator class first (then by index). Every bucket (capable, warm) lists its
   * nodes in this order, so a search that stops early sees the fast machines first.
   */
  readonly speedOrder: Int32Array;
  /** Resident capacity in GB (`residentCapacityGb`: accelerator memory, host RAM for `cpu`, unlimited for `api`). */
  readonly memGb: Float64Array;
  readonly slots: Int32Array;
  readonly price: Float64Array;
  readonly roleBits: Uint8Array;
  /** Bit `1 << mode` per verification mode the node can execute in. */
  readonly modeBits: Uint8Array;
  /** Host RAM capacity, GB (copies of weights kept off the accelerator). */
  readonly hostRamGb: Float64Array;
  readonly hostRamGBps: Float64Array;
  readonly localDiskGBps: Float64Array;
  readonly remoteGBps: Float64Array;
  /** Capable inference nodes per `model × nodeMetroCount + metro`, fastest class first. */
  readonly capable: RunBuckets;
  /** Healthy-or-not full (verifier) nodes per node metro. */
  readonly full: Buckets;
  readonly datasets: DatasetTable;
  /** Dimension index of `country`, or -1. */
  readonly countryDim: number;
  readonly rtt: RttFunction;

  constructor(input: TopologyInput, options: TopologyOptions = {}) {
    const { nodes } = input;
    const n = nodes.length;
    this.n = n;
    this.nodes = nodes;
    this.rtt = options.rtt ?? geoRttMs;
    const issues: InputIssue[] = [];
    const index = new Map<string, number>();
    nodes.forEach((node, i) => {
      if (index.has(node.id))
        issues.push({ path: `nodes[${i}].id`, message: 'duplicate node id', value: node.id });
      else index.set(node.id, i);
    });
    this.ids = nodes.map((x) => x.id);
    this.index = index;
    this.models = buildModelTable(input.models);
    this.labels = buildLabelIndex(nodes.map((x) => x.labels));
    this.countryDim = this.labels.dimIndex.get('country') ?? -1;
    this.metros = buildMetroTable(
      nodes.map((x) => ({ metro: x.location.metro, lat: x.location.lat, lon: x.location.lon })),
      this.rtt,
      options.catalogMetros ?? true,
    );
    this.nodeMetro = Int32Array.from(nodes, (x) => this.metros.index.get(x.location.metro)!);
    this.accel = Uint8Array.from(nodes, (x) => ACCEL_INDEX.get(x.hardware.accelerator)!);
    this.accelRank = acceleratorRank(this.models);
    this.speedOrder = Int32Array.from({ length: n }, (_, i) => i).sort(
      (a, b) => this.accelRank[this.accel[a]!]! - this.accelRank[this.accel[b]!]! || a - b,
    );
    this.memGb = Float64Array.from(nodes, (x) => residentCapacityGb(x.hardware, x.storage));
    this.hostRamGb = Float64Array.from(nodes, (x) => x.storage.hostRamGb);
    this.slots = Int32Array.from(nodes, (x) => x.slots);
    this.price = Float64Array.from(nodes, (x) => x.pricePer1kTokens);
    this.roleBits = Uint8Array.from(nodes, (x) => x.roles.reduce((b, r) => b | ROLE_BITS[r], 0));
    this.modeBits = Uint8Array.from(nodes, (x) =>
      x.verification.reduce((b, v) => b | (1 << MODE_INDEX.get(v)!), 0),
    );
    this.hostRamGBps = Float64Array.from(nodes, (x) => x.storage.hostRamGBps);
    this.localDiskGBps = Float64Array.from(nodes, (x) => x.storage.localDiskGBps);
    this.remoteGBps = Float64Array.from(nodes, (x) => x.storage.remoteGBps);
    nodes.forEach((node, i) => {
      node.models.forEach((h, k) => {
        if (!this.models.index.has(h.model))
          issues.push({ path: `nodes[${i}].models[${k}].model`, message: 'unknown model', value: h.model });
      });
    });
    const mn = this.metros.nodeMetroCount;
    const capable = buildBuckets(this.models.count * mn, (emit) => {
      for (let m = 0; m < this.models.count; m++) {
        for (const i of this.speedOrder) if (this.canServe(i, m)) emit(m * mn + this.nodeMetro[i]!, i);
      }
    });
    this.capable = { ...capable, runEnd: runEnds(capable, (i) => this.accelRank[this.accel[i]!]!) };
    this.full = buildBuckets(mn, (emit) => {
      for (let i = 0; i < n; i++) if (this.roleBits[i]! & ROLE_FULL) emit(this.nodeMetro[i]!, i);
    });
    this.datasets = this.buildDatasets(input.datasets ?? [], issues);
    if (issues.length > 0) throw new InputError('network', issues);
  }

  /** Whether node `i` can serve model `m` at all: the capability rule of `src/model/capability.ts`. */
  canServe(i: number, m: number): boolean {
    return canServe(this.nodes[i]!, this.models.models[m]!);
  }

  /** Number of nodes capable of model `m`. */
  capableCount(m: number): number {
    const mn = this.metros.nodeMetroCount;
    return this.capable.start[(m + 1) * mn]! - this.capable.start[m * mn]!;
  }

  private buildDatasets(datasets: readonly Dataset[], issues: InputIssue[]): DatasetTable {
    const index = new Map<string, number>();
    datasets.forEach((d, k) => {
      index.set(d.id, k);
    });
    const holders = buildBuckets(datasets.length, (emit) => {
      datasets.forEach((d, k) => {
        d.heldBy.forEach((id) => {
          const i = this.index.get(id);
          if (i !== undefined) emit(k, i);
        });
      });
    });
    datasets.forEach((d, k) => {
      d.heldBy.forEach((id, j) => {
        if (!this.index.has(id))
          issues.push({ path: `datasets[${k}].heldBy[${j}]`, message: 'unknown node', value: id });
      });
    });
    return {
      ids: datasets.map((d) => d.id),
      index,
      moveGb: Float64Array.from(datasets, (d) => Math.min(d.sizeGb, d.queryGb ?? d.sizeGb)),
      holders,
    };
  }
}
