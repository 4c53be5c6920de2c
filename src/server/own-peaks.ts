/**
 * The most requests this coordinator had outstanding at each node at once, over the node's previous and
 * current heartbeat interval: what a node's report could not yet show when it said it had room
 * (live-trust.ts). `sent` is called with the count after each send, `reported` at each heartbeat with the
 * count then.
 */
export class OwnPeaks {
  private readonly peaks = new Map<string, [previous: number, current: number]>();

  sent(nodeId: string, outstanding: number): void {
    const p = this.peaks.get(nodeId);
    if (p === undefined) this.peaks.set(nodeId, [0, outstanding]);
    else p[1] = Math.max(p[1], outstanding);
  }

  reported(nodeId: string, outstanding: number): void {
    // In place: called for every heartbeat of every node.
    const p = this.peaks.get(nodeId);
    if (p === undefined) this.peaks.set(nodeId, [0, outstanding]);
    else {
      p[0] = p[1];
      p[1] = outstanding;
    }
  }

  of(nodeId: string, outstanding: number): number {
    const p = this.peaks.get(nodeId);
    return Math.max(p?.[0] ?? 0, p?.[1] ?? 0, outstanding);
  }

  forget(nodeId: string): void {
    this.peaks.delete(nodeId);
  }
}
