import { canHold, residentCapacityGb, residentFootprintGb } from '../model/capability.js';
import type { Model } from '../model/model.js';
import type { Hardware, Holding, Storage } from '../model/node.js';
import type { Rng } from '../util/rng.js';

/** The warm-model policy of a generator, as parsed. */
export interface WarmPolicy {
  k: number;
  hostRam: number;
  localDisk: number;
  storageModels: number;
  pick: 'top' | 'weighted';
}

/** A model with its demand popularity (weights sum to 1 over the scenario's models). */
export interface RankedModel {
  model: Model;
  weight: number;
}

/**
 * Candidate order for one node: the models it can serve, most popular first (`top`), or in
 * popularity-weighted random order (`weighted`, Efraimidis–Spirakis keys: ascending Exp(1)/weight).
 */
export function candidateOrder(
  servable: readonly RankedModel[],
  pick: WarmPolicy['pick'],
  rng: Rng,
): RankedModel[] {
  if (pick === 'top') return [...servable];
  const keys = new Float64Array(servable.length);
  for (let i = 0; i < servable.length; i++) {
    const w = servable[i]!.weight;
    keys[i] = w > 0 ? rng.exponential(1) / w : Number.POSITIVE_INFINITY;
  }
  const order = Array.from({ length: servable.length }, (_, i) => i).sort(
    (a, b) => keys[a]! - keys[b]! || a - b,
  );
  return order.map((i) => servable[i]!);
}

/** The models of `ranked` that a node with this hardware can serve, popularity order kept. */
export function servableModels(
  ranked: readonly RankedModel[],
  hardware: Hardware,
  storage: Storage,
): RankedModel[] {
  return ranked.filter((r) => canHold(r.model, hardware, storage));
}

/**
 * Fills a node's tiers from `order`: the first `k` models that fit go warm (accelerator memory, or host
 * RAM on a cpu node), the next `hostRam` to host RAM and the next `localDisk` to local disk, each within
 * the tier's capacity.
 */
export function fillTiers(
  order: readonly RankedModel[],
  policy: Pick<WarmPolicy, 'k' | 'hostRam' | 'localDisk'>,
  hardware: Hardware,
  storage: Storage,
): Holding[] {
  const out: Holding[] = [];
  const cpu = hardware.accelerator === 'cpu';
  let gpuFree = residentCapacityGb(hardware, storage);
  let ramFree = storage.hostRamGb;
  let diskFree = storage.localDiskGb;
  let warm = 0;
  let ram = 0;
  let disk = 0;
  for (const { model } of order) {
    if (warm >= policy.k && ram >= policy.hostRam && disk >= policy.localDisk) break;
    const footprint = residentFootprintGb(model.weightsGb);
    if (warm < policy.k && footprint <= gpuFree) {
      out.push({ model: model.id, tier: 'gpu' });
      warm++;
      gpuFree -= footprint;
      if (cpu) ramFree -= footprint;
    } else if (ram < policy.hostRam && model.weightsGb <= ramFree && (!cpu || model.weightsGb <= gpuFree)) {
      out.push({ model: model.id, tier: 'hostRam' });
      ram++;
      ramFree -= model.weightsGb;
      if (cpu) gpuFree -= model.weightsGb;
    } else if (disk < policy.localDisk && model.weightsGb <= diskFree) {
      out.push({ model: model.id, tier: 'localDisk' });
      disk++;
      diskFree -= model.weightsGb;
    }
  }
  return out;
}

/** A storage node also keeps the `count` most popular models it does not hold yet on local disk. */
export function addStorageCopies(
  holdings: Holding[],
  ranked: readonly RankedModel[],
  count: number,
  storage: Storage,
): Holding[] {
  const held = new Set(holdings.map((h) => h.model));
  let diskFree =
    storage.localDiskGb -
    holdings
      .filter((h) => h.tier === 'localDisk')
      .reduce((s, h) => s + (ranked.find((r) => r.model.id === h.model)?.model.weightsGb ?? 0), 0);
  const out = [...holdings];
  let added = 0;
  for (const { model } of ranked) {
    if (added >= count) break;
    if (held.has(model.id) || model.weightsGb > diskFree) continue;
    out.push({ model: model.id, tier: 'localDisk' });
    diskFree -= model.weightsGb;
    added++;
  }
  return out;
}
