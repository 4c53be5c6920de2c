/**
 * Network round trip (ms) between a client and a node: the metro table entry (geo model, or a measured or
 * learned value) plus the node's learned offset over its metro. The table is precomputed per metro pair,
 * so this is one lookup per candidate.
 */
export function networkRttMs(metroRttMs: number, nodeOffsetMs: number): number {
  const v = metroRttMs + nodeOffsetMs;
  return Math.max(v, 0);
}
