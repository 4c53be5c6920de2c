import type { Dynamics } from './dynamics.js';
import type { Topology } from './topology.js';

/**
 * A view's tier and exclusion matrices again, transposed to `model × n + node`: one byte per (model,
 * node) with the TIER_* code in the low two bits and `CELL_EXCLUDED` set where the node is excluded from
 * the model.
 *
 * Why a second copy: a decision reads one model's cell for a few dozen nodes scattered over the network.
 * In the node-major matrices (`node × models + model`, the layout the state writes) each of those reads
 * is a cache line of its own; here one model's cells are `n` consecutive bytes (10 kB at 10,000 nodes),
 * which stay in cache across the decisions for the popular models. The state keeps the copy in step
 * whenever it copies the matrices into the view (`snapshot`, `refresh`), so it always equals them.
 */
export const CELL_TIER = 3;
export const CELL_EXCLUDED = 4;

/** Fills `out` (allocated when absent) from `dyn`'s tier and exclusion matrices; returns it. */
export function buildModelCells(t: Topology, dyn: Dynamics, out?: Uint8Array): Uint8Array {
  const n = t.n;
  const m = t.models.count;
  const cells = out ?? new Uint8Array(n * m);
  const tier = dyn.tier;
  const excluded = dyn.excluded;
  // Model by model: reads stride through the node-major matrices, writes run along one model's cells.
  for (let k = 0; k < m; k++) {
    const col = k * n;
    for (let i = 0, cell = k; i < n; i++, cell += m)
      cells[col + i] = tier[cell]! | (excluded[cell] === 0 ? 0 : CELL_EXCLUDED);
  }
  return cells;
}

/** Rewrites the cells of the nodes in `rows` from `dyn` (after their rows of the matrices were copied). */
export function patchModelCells(
  t: Topology,
  dyn: Dynamics,
  rows: readonly number[],
  cells: Uint8Array,
): void {
  const n = t.n;
  const m = t.models.count;
  const tier = dyn.tier;
  const excluded = dyn.excluded;
  for (const i of rows) {
    for (let k = 0, cell = i * m; k < m; k++, cell++)
      cells[k * n + i] = tier[cell]! | (excluded[cell] === 0 ? 0 : CELL_EXCLUDED);
  }
}
