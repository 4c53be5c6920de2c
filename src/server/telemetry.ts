import type { Heartbeat } from '../wire/protocol.js';

/** How fresh a node's telemetry is: `fresh` (routable), `stale` (routable, discounted), `unhealthy`. */
export type Health = 'fresh' | 'stale' | 'unhealthy';

export interface TelemetryEntry {
  heartbeat: Heartbeat;
  /** Coordinator clock when the heartbeat arrived (ms). */
  receivedAt: number;
}

export interface HealthThresholds {
  staleAfterMs: number;
  unhealthyAfterMs: number;
}

/** The health of telemetry of the given age; a node never heard from (`undefined`) is unhealthy. */
export function healthOf(ageMs: number | undefined, t: HealthThresholds): Health {
  if (ageMs === undefined || !(ageMs < t.unhealthyAfterMs)) return 'unhealthy';
  return ageMs < t.staleAfterMs ? 'fresh' : 'stale';
}

/** The latest heartbeat of each node with the time it arrived; ages are computed when read. */
export class TelemetryTable {
  private readonly entries = new Map<string, TelemetryEntry>();

  record(heartbeat: Heartbeat, receivedAt: number): void {
    this.entries.set(heartbeat.nodeId, { heartbeat, receivedAt });
  }

  get(nodeId: string): TelemetryEntry | undefined {
    return this.entries.get(nodeId);
  }

  /** Milliseconds since the node's last heartbeat, or undefined when it never sent one. */
  ageMs(nodeId: string, now: number): number | undefined {
    const e = this.entries.get(nodeId);
    return e === undefined ? undefined : Math.max(0, now - e.receivedAt);
  }

  forget(nodeId: string): void {
    this.entries.delete(nodeId);
  }

  nodeIds(): string[] {
    return [...this.entries.keys()];
  }
}
