import type { UiNode, UiNodeDyn, UiNodeFixed } from './snapshot.js';

/**
 * What the live stream sends one page per tick: the whole node list when nodes joined, left or changed
 * place, labels or slots (`full`), else only the nodes whose changing part differs from what this page was
 * last sent (`changed`, possibly empty). One instance per page: the first call is always `full`. A fixed
 * part is compared by identity (the snapshot makes one object per registry entry), a changing part by value.
 */
export type NodeDelta =
  | { readonly kind: 'full'; readonly nodes: readonly UiNode[] }
  | { readonly kind: 'changed'; readonly changed: readonly (readonly [string, UiNodeDyn])[] };

export class NodeDeltas {
  private fixed: readonly UiNodeFixed[] = [];
  private sent = new Map<string, string>();
  private started = false;

  next(parts: readonly { fixed: UiNodeFixed; dyn: UiNodeDyn }[]): NodeDelta {
    const dyns = parts.map((p) => JSON.stringify(p.dyn));
    const same =
      this.started && parts.length === this.fixed.length && parts.every((p, k) => p.fixed === this.fixed[k]);
    if (!same) {
      this.started = true;
      this.fixed = parts.map((p) => p.fixed);
      this.sent = new Map(parts.map((p, k) => [p.fixed.id, dyns[k]!]));
      return { kind: 'full', nodes: parts.map((p) => ({ ...p.fixed, dyn: p.dyn })) };
    }
    const changed: [string, UiNodeDyn][] = [];
    parts.forEach((p, k) => {
      if (this.sent.get(p.fixed.id) === dyns[k]) return;
      this.sent.set(p.fixed.id, dyns[k]!);
      changed.push([p.fixed.id, p.dyn]);
    });
    return { kind: 'changed', changed };
  }
}
