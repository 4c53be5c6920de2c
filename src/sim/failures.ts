import type { Node } from '../model/node.js';
import { matchesSelector } from '../scenario/selector.js';
import type { Rng } from '../util/rng.js';
import type { FailureSpec } from './input.js';

/** One change of a node's health: `down` true at the start of a failure, false at its end. */
export interface FailureEvent {
  tMs: number;
  node: number;
  down: boolean;
}

/**
 * The failure schedule of a run, drawn once from the `failures` stream so every policy sees the same one:
 * outages take every matching node down at `atS` for `durationS`; random failures alternate exponential
 * up times (mean MTBF) and repair times (mean MTTR) per matching node (every node without a selector).
 * Events past the end of the run are left out; overlapping failures of one node nest (the simulation
 * counts them). Sorted by time, then node.
 */
export function failureSchedule(
  specs: readonly FailureSpec[],
  nodes: readonly Node[],
  durationS: number,
  rng: Rng,
): FailureEvent[] {
  const endMs = durationS * 1000;
  const out: FailureEvent[] = [];
  for (const spec of specs) {
    if (spec.kind === 'outage') {
      const start = spec.atS * 1000;
      if (start >= endMs || spec.durationS <= 0) continue;
      nodes.forEach((node, i) => {
        if (Object.keys(spec.selector).length === 0 || !matchesSelector(node, spec.selector)) return;
        out.push({ tMs: start, node: i, down: true });
        out.push({ tMs: start + spec.durationS * 1000, node: i, down: false });
      });
      continue;
    }
    const mtbf = spec.mtbfHours * 3_600_000;
    const mttr = spec.mttrMinutes * 60_000;
    if (!(mtbf > 0)) continue;
    nodes.forEach((node, i) => {
      if (spec.selector && !matchesSelector(node, spec.selector)) return;
      let t = rng.exponential(mtbf);
      while (t < endMs) {
        const repair = rng.exponential(mttr);
        out.push({ tMs: t, node: i, down: true });
        out.push({ tMs: t + repair, node: i, down: false });
        t += repair + rng.exponential(mtbf);
      }
    });
  }
  out.sort((a, b) => a.tMs - b.tMs || a.node - b.node || Number(b.down) - Number(a.down));
  return out;
}
