import { FIT_HEADROOM } from '../model/catalog/derive.js';
import type { Model } from '../model/model.js';
import type { Hardware, Storage } from '../model/node.js';

/**
 * Memory (GB) a node can hold resident models in: accelerator memory; host RAM for `cpu` nodes;
 * unbounded for `api` proxies (the upstream holds the model).
 */
export function residentCapacityGb(hardware: Hardware, storage: Pick<Storage, 'hostRamGb'>): number {
  if (hardware.accelerator === 'api') return Number.POSITIVE_INFINITY;
  if (hardware.accelerator === 'cpu') return storage.hostRamGb;
  return hardware.count * hardware.memoryGb;
}

/** Memory a resident model takes on a node: its weights plus headroom for KV cache and activations. */
export function residentFootprintGb(model: Pick<Model, 'weightsGb'>): number {
  return model.weightsGb * FIT_HEADROOM;
}

/** The node's accelerator has a profile for the model and its memory can hold the model resident. */
export function canServe(
  model: Pick<Model, 'weightsGb' | 'performance'>,
  hardware: Hardware,
  storage: Pick<Storage, 'hostRamGb'>,
): boolean {
  if (model.performance[hardware.accelerator] === undefined) return false;
  return residentFootprintGb(model) <= residentCapacityGb(hardware, storage);
}
