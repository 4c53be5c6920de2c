import { decodeMs } from '../estimate/service.js';
import type { NetworkLearning } from '../network/learning.js';
import { ACCEL_COUNT } from '../network/models.js';
import type { Topology } from '../network/topology.js';
import type { Heartbeat } from '../wire/protocol.js';

/**
 * What a node's heartbeat says about its own speed, as evidence for its learned decode factor: the mean
 * time per output token its backend measured (`decodeMsPerToken`, from vLLM or llama.cpp metrics). It
 * belongs to one model only when the node reports exactly one warm model; it is compared with the
 * catalog's time for that model on the node at the batch the node reports running (at least 1, at most
 * its slots). The estimators weigh it far below what the gateway times itself (REPORTED_NOISE_SCALE).
 */
export function learnFromReport(
  learning: NetworkLearning,
  topology: Topology,
  i: number,
  hb: Heartbeat,
  nowMs: number,
): boolean {
  const ms = hb.decodeMsPerToken;
  if (i < 0 || ms === undefined || !(ms > 0)) return false;
  const warm = hb.models.filter((r) => r.state === 'warm');
  if (warm.length !== 1) return false;
  const m = topology.models.index.get(warm[0]!.id);
  if (m === undefined || !topology.canServe(i, m)) return false;
  const k = m * ACCEL_COUNT + topology.accel[i]!;
  const batch = Math.max(1, Math.min(hb.inFlight, topology.slots[i]!));
  const catalog = decodeMs(
    topology.models.decodeMsPerToken[k]!,
    topology.models.decodeSlope[k]!,
    1,
    batch,
    topology.timeFactor(m, i),
  );
  if (!(catalog > 0)) return false;
  learning.observeReportedDecode(i, ms, catalog, nowMs);
  return true;
}
