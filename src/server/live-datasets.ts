import type { Dataset, HeldDataset } from '../model/dataset.js';

/**
 * The datasets of the live view from the proven copies of each node: for each dataset id, its highest
 * version; at that version, the content (Merkle root) most nodes hold, ties to the smaller root; the
 * holders are the nodes with that content, the size is theirs (the first holder's by node id). A copy of
 * an older version, or other content under the same version, does not count as holding the dataset.
 * Ordered by dataset id; nodes are taken in the order given.
 */
export function liveDatasets(
  nodes: readonly { readonly nodeId: string; readonly held: readonly HeldDataset[] }[],
): Dataset[] {
  const byId = new Map<string, { nodeId: string; held: HeldDataset }[]>();
  for (const n of nodes)
    for (const h of n.held) {
      let list = byId.get(h.id);
      if (list === undefined) byId.set(h.id, (list = []));
      list.push({ nodeId: n.nodeId, held: h });
    }
  const out: Dataset[] = [];
  for (const [id, copies] of byId) {
    const version = Math.max(...copies.map((c) => c.held.version));
    const current = copies.filter((c) => c.held.version === version);
    const votes = new Map<string, number>();
    for (const c of current) votes.set(c.held.root, (votes.get(c.held.root) ?? 0) + 1);
    let root = '';
    let most = 0;
    for (const [r, k] of votes) if (k > most || (k === most && r < root)) [root, most] = [r, k];
    const holders = current.filter((c) => c.held.root === root);
    out.push({ id, sizeGb: holders[0]!.held.sizeGb, heldBy: holders.map((c) => c.nodeId) });
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
