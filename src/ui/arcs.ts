import { metroById } from '../geo/metros.js';
import { nearestMetro } from '../geo/nearest.js';

/**
 * Request arcs for the dashboard map: each gateway receipt becomes one arc from the client's place to the
 * node that answered (or the primary tried, when none did), with the verifiers it chose, and marked as a
 * failover when the answer came from another node than the primary. For a reader who may not see the
 * client's coordinates (`exact` false; see server/receipt-access.ts) the arc starts at the centre of the
 * client's metro, or of the catalog metro nearest to the client when the receipt names none. Arcs wait in a bounded ring; the live
 * stream takes at most `perTick` of the newest each tick, so a busy gateway never floods the page.
 */
export interface UiArc {
  readonly id: string;
  readonly model: string;
  readonly status: number;
  /** `exact`: the client's own coordinates; else the centre of its metro. */
  readonly client: {
    readonly lat: number;
    readonly lon: number;
    readonly metro: string | null;
    readonly exact: boolean;
  };
  /** The node that answered, or the primary when none did. */
  readonly node: string;
  readonly primary: string;
  /** The answer came from a fallback (the primary failed). */
  readonly failover: boolean;
  readonly verifiers: readonly string[];
}

interface GatewayReceiptShape {
  request?: { model?: string };
  decision?: {
    primary?: string | null;
    receipt?: { client?: { lat?: number; lon?: number; metro?: string }; verifiers?: { node: string }[] };
  };
  node?: string | null;
  status?: number;
}

/** The client's place: its coordinates when `exact`, else its metro's centre (the nearest metro's). */
function clientPlace(
  client: { lat?: number; lon?: number; metro?: string } | undefined,
  exact: boolean,
): UiArc['client'] | undefined {
  const metro = client?.metro ?? null;
  const has = client?.lat !== undefined && client.lon !== undefined;
  if (exact && has) return { lat: client.lat!, lon: client.lon!, metro, exact: true };
  const m =
    (metro === null ? undefined : metroById(metro)) ??
    (has ? nearestMetro({ lat: client!.lat!, lon: client!.lon! }) : undefined);
  return m === undefined ? undefined : { lat: m.lat, lon: m.lon, metro: m.id, exact: false };
}

/** The arc of one gateway receipt, or undefined when it has no client place or no node. */
export function arcOf(id: string, receipt: unknown, exact = true): UiArc | undefined {
  const r = receipt as GatewayReceiptShape;
  const primary = r.decision?.primary ?? null;
  const client = clientPlace(r.decision?.receipt?.client, exact);
  if (primary === null || client === undefined) return undefined;
  const node = r.node ?? primary;
  return {
    id,
    model: r.request?.model ?? '',
    status: r.status ?? 0,
    client,
    node,
    primary,
    failover: r.node != null && r.node !== primary,
    verifiers: (r.decision?.receipt?.verifiers ?? []).map((v) => v.node),
  };
}

/** A bounded ring of the newest arcs, drained by the live stream. */
export class ArcRing {
  private ring: UiArc[] = [];
  /** Arcs seen in all (sampled or not). */
  seen = 0;

  constructor(private readonly capacity: number) {}

  push(arc: UiArc): void {
    this.seen++;
    this.ring.push(arc);
    if (this.ring.length > this.capacity) this.ring.splice(0, this.ring.length - this.capacity);
  }

  /** The newest `max` arcs not taken yet (oldest first); the rest are dropped (sampling). */
  take(max: number): UiArc[] {
    const out = this.ring.slice(Math.max(0, this.ring.length - max));
    this.ring = [];
    return out;
  }
}
