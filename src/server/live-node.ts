import type { Node } from '../model/node.js';
import type { NodeTelemetry } from '../network/state.js';
import { attestedModes } from '../trust/attestation/standing.js';
import type { Heartbeat } from '../wire/protocol.js';
import type { RegisteredNode } from './registry.js';

/** A registered node and its latest heartbeat as the router's view holds them, and how heartbeats compare. */

/**
 * The registered descriptor as a `Node` at `now`: a proxy (`api`) node holds the models its heartbeat
 * lists; the `tee` mode stays only while the node's attestation holds.
 */
export function toNode(n: RegisteredNode, hb: Heartbeat | undefined, now: number): Node {
  const models =
    n.descriptor.hardware.accelerator === 'api' && hb !== undefined
      ? hb.models.map((m) => ({ model: m.id, tier: 'gpu' as const }))
      : [];
  const verification = attestedModes(n.descriptor.verification, n.record.attestation, now);
  const { datasets: _, ...node } = n.descriptor;
  return { ...node, models, verification };
}

export function toTelemetry(
  hb: Heartbeat,
  known: ReadonlySet<string>,
  loadMs: (modelId: string, progress: number) => number,
): NodeTelemetry {
  const of = (state: string) =>
    hb.models.filter((m) => m.state === state && known.has(m.id)).map((m) => m.id);
  const loading = hb.models.find((m) => m.state === 'loading' && known.has(m.id));
  return {
    running: hb.inFlight,
    queued: hb.queue,
    ...(hb.meanServiceMs === undefined ? {} : { meanServiceMs: hb.meanServiceMs }),
    resident: of('warm'),
    hostRam: of('hostRam'),
    localDisk: of('localDisk'),
    loading:
      loading === undefined
        ? null
        : {
            model: loading.id,
            remainingMs: loading.remainingMs ?? loadMs(loading.id, loading.progress ?? 0),
          },
  };
}

/** Whether `b` reports the same models in the same states as `a`, in the same order. */
export function sameModelStates(a: Heartbeat | undefined, b: Heartbeat): boolean {
  if (a === undefined || a.models.length !== b.models.length) return false;
  return a.models.every((m, k) => m.id === b.models[k]!.id && m.state === b.models[k]!.state);
}

export function sameModels(a: Heartbeat | undefined, b: Heartbeat): boolean {
  if (a === undefined) return false;
  const x = a.models.map((m) => m.id).sort();
  const y = b.models.map((m) => m.id).sort();
  return x.length === y.length && x.every((v, k) => v === y[k]);
}
