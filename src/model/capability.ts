/**
 * The one rule for "can node N serve model M", used by the router's topology, the simulator, the scenario
 * generator, the placement advisor and the independence analysis. Everything that asks the question calls
 * `canServe` (a concrete node) or `canHold` (hardware a node could have, before it lists any model).
 *
 * A node can serve a model when
 * - it has the `inference` role (when roles are known),
 * - its accelerator class has a performance entry for the model (the catalog leaves out classes that
 *   cannot run it),
 * - the model fits resident: weights × FIT_HEADROOM ≤ accelerator memory (count × memory per device;
 *   host RAM for a `cpu` node, which runs models from it),
 * - and, for an `api` proxy node (no memory of its own: the upstream holds the model), only for the
 *   models it lists.
 */

/**
 * A resident model takes its weights plus 20% for KV cache and activations. The built-in catalog sizes
 * its device counts with the same constant, so a class it gives numbers for can hold the model.
 */
export const FIT_HEADROOM = 1.2;

/** The hardware facts the rule reads. */
export interface CapabilityHardware {
  readonly accelerator: string;
  /** Number of accelerators. */
  readonly count: number;
  /** Memory per accelerator, GB (0 for `cpu` and `api`). */
  readonly memoryGb: number;
}

/** The model facts the rule reads: its size and the accelerator classes with performance numbers. */
export interface CapabilityModel {
  readonly id: string;
  readonly weightsGb: number;
  readonly performance: Readonly<Partial<Record<string, unknown>>>;
}

/** The node facts the rule reads. Missing roles: any role; missing storage: no host RAM (a `cpu` node holds nothing). */
export interface CapabilityNode {
  readonly roles?: readonly string[];
  readonly hardware?: CapabilityHardware;
  readonly storage?: { readonly hostRamGb: number };
  readonly models?: ReadonlyArray<{ readonly model: string }>;
}

/**
 * Memory (GB) a node can hold resident models in: accelerator memory; host RAM for `cpu` nodes;
 * unbounded for `api` proxies (the upstream holds the model).
 */
export function residentCapacityGb(
  hardware: CapabilityHardware,
  storage: { readonly hostRamGb: number } | undefined,
): number {
  if (hardware.accelerator === 'api') return Number.POSITIVE_INFINITY;
  if (hardware.accelerator === 'cpu') return storage?.hostRamGb ?? 0;
  return hardware.count * hardware.memoryGb;
}

/** Memory a resident model takes: its weights plus FIT_HEADROOM for KV cache and activations. */
export function residentFootprintGb(weightsGb: number): number {
  return weightsGb * FIT_HEADROOM;
}

/** Whether a model of `weightsGb` fits resident, with headroom, in `capacityGb` of memory. */
export function fitsResident(weightsGb: number, capacityGb: number): boolean {
  return residentFootprintGb(weightsGb) <= capacityGb;
}

/**
 * Whether hardware of this kind can hold the model: its class has performance numbers for it and the
 * model fits resident. True for an `api` class with numbers; whether a proxy serves the model depends on
 * the models it lists (see `canServe`).
 */
export function canHold(
  model: CapabilityModel,
  hardware: CapabilityHardware,
  storage: { readonly hostRamGb: number } | undefined,
): boolean {
  if (model.performance[hardware.accelerator] === undefined) return false;
  return fitsResident(model.weightsGb, residentCapacityGb(hardware, storage));
}

/** Whether the node can serve the model: the rule at the top of this file. */
export function canServe(node: CapabilityNode, model: CapabilityModel): boolean {
  const hardware = node.hardware;
  if (hardware === undefined) return false;
  if (node.roles !== undefined && !node.roles.includes('inference')) return false;
  if (!canHold(model, hardware, node.storage)) return false;
  if (hardware.accelerator !== 'api') return true;
  return node.models?.some((h) => h.model === model.id) ?? false;
}
