import { fibreFloorMs } from '../geo/rtt-model.js';
import type { LatLon } from '../model/common.js';

/**
 * Whether a node's claimed location fits the round trips measured to it. Light in fibre bounds how far
 * a node can be from a vantage point given a round trip: a node that answers Frankfurt in 5 ms cannot be
 * in Sydney. Each sample whose RTT is below the fibre floor between the vantage point and the claimed
 * place (less `toleranceMs` for clock and measurement error) is a violation. One violation is enough to
 * refute the claim; no violation does not prove it (a far, slow path is always possible). With
 * `relativeTolerance` r a sample must also be below (1 − r) × the floor: room for coordinates that place
 * a measured city only roughly.
 */
export interface RttSample {
  readonly from: LatLon;
  readonly rttMs: number;
}

export interface LocationCheck {
  readonly consistent: boolean;
  /** Samples that refute the claim, with how far below the floor each was (ms). */
  readonly violations: readonly {
    readonly sample: number;
    readonly floorMs: number;
    readonly rttMs: number;
  }[];
}

export function checkClaimedLocation(
  claimed: LatLon,
  samples: readonly RttSample[],
  toleranceMs = 2,
  relativeTolerance = 0,
): LocationCheck {
  const violations: { sample: number; floorMs: number; rttMs: number }[] = [];
  samples.forEach((s, k) => {
    if (!(s.rttMs > 0)) return;
    const floor = fibreFloorMs(s.from, claimed);
    if (s.rttMs + toleranceMs < floor * (1 - relativeTolerance))
      violations.push({ sample: k, floorMs: floor, rttMs: s.rttMs });
  });
  return { consistent: violations.length === 0, violations };
}
