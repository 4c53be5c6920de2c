import type { RegisteredNode } from './registry.js';
import { type HealthThresholds, healthOf, type TelemetryTable } from './telemetry.js';

/**
 * Which models are ready where, as the gateway answers it before routing (and `/v1/models` lists it):
 * per catalog model, how many healthy nodes report it resident, loading, or at all, from their last
 * heartbeats. A node counts while it is not unhealthy by the age of its last report.
 */

/** Per model: how many healthy nodes report it resident (warm), loading, or anywhere. */
export interface ModelAvailability {
  id: string;
  warm: number;
  loading: number;
  nodes: number;
}

/** Models some healthy node of `registered` reports and `known` lists, with their counts; sorted by id. */
export function modelAvailability(
  registered: Iterable<RegisteredNode>,
  telemetry: TelemetryTable,
  thresholds: HealthThresholds,
  known: ReadonlySet<string>,
  now: number,
): ModelAvailability[] {
  const out = new Map<string, ModelAvailability>();
  for (const n of registered) {
    const id = n.record.id;
    if (healthOf(telemetry.ageMs(id, now), thresholds) === 'unhealthy') continue;
    for (const m of telemetry.get(id)?.heartbeat.models ?? []) {
      if (!known.has(m.id)) continue;
      let a = out.get(m.id);
      if (a === undefined) out.set(m.id, (a = { id: m.id, warm: 0, loading: 0, nodes: 0 }));
      a.nodes++;
      if (m.state === 'warm') a.warm++;
      if (m.state === 'loading') a.loading++;
    }
  }
  return [...out.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
}
