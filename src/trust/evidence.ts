/**
 * Checking "you may start this request now" against what the client saw. When a node reported the
 * model loaded in accelerator memory (warm) and a free slot (no queue), a request it gets should start
 * at once: its first byte should come one round trip plus the prefill after the send. The excess over
 * that — `firstByteMs − rttMs − expectedPrefillMs`, the prefill at the node's learned speed — is a wait
 * that only a cold load or a queue explains.
 *
 * Slow is not lying: a node slower than learned (a straggler) stretches its prefill, so the tolerance
 * scales with it — `slack.absoluteMs + slack.prefillMultiple × expectedPrefillMs` lets a node be
 * (1 + prefillMultiple)× slower than learned without a contradiction. An excess at least as long as the
 * fastest possible load of the weights (from host RAM) is charged to the warm claim, a shorter one to
 * the queue claim.
 */
export interface StartClaim {
  /** The node reported the model resident in accelerator memory. */
  readonly warm: boolean;
  /** The node reported a free slot and nothing waiting (counting this router's own sends since). */
  readonly free: boolean;
}

export interface StartObservation {
  /** Send to first byte, as the client measured it (ms). */
  readonly firstByteMs: number;
  /** Round trip between the client and the node (ms). */
  readonly rttMs: number;
  /** Prefill of the request at the node's learned speed (ms). */
  readonly expectedPrefillMs: number;
  /** Fastest possible load of the model's weights on the node, from host RAM (ms). */
  readonly hostLoadMs: number;
}

export interface StartSlack {
  readonly absoluteMs: number;
  readonly prefillMultiple: number;
}

/** 250 ms for scheduling and measurement, and up to 10× slower than learned before a wait is counted. */
export const DEFAULT_START_SLACK: StartSlack = { absoluteMs: 250, prefillMultiple: 9 };

export type StartVerdict =
  | { readonly checked: false }
  | { readonly checked: true; readonly held: true }
  | {
      readonly checked: true;
      readonly held: false;
      readonly claim: 'warm' | 'queue';
      readonly excessMs: number;
    };

/** The verdict on one request's start; unchecked unless the node claimed both warm and free. */
export function checkStart(
  claim: StartClaim,
  obs: StartObservation,
  slack: StartSlack = DEFAULT_START_SLACK,
): StartVerdict {
  if (!claim.warm || !claim.free) return { checked: false };
  const excessMs = obs.firstByteMs - obs.rttMs - obs.expectedPrefillMs;
  if (!Number.isFinite(excessMs)) return { checked: false };
  if (excessMs <= slack.absoluteMs + slack.prefillMultiple * obs.expectedPrefillMs) {
    return { checked: true, held: true };
  }
  return { checked: true, held: false, claim: excessMs >= obs.hostLoadMs ? 'warm' : 'queue', excessMs };
}

/**
 * A report that lists more weights as resident than the node's accelerator memory holds cannot be true:
 * the node claims models warm that it cannot all have loaded. Held when the claim fits (with 1 MB of
 * rounding room).
 */
export function residentFits(claimedGb: number, capacityGb: number): boolean {
  return claimedGb <= capacityGb + 0.001;
}

/**
 * A node's reported load (running + waiting) against what this router alone knows is there: its own
 * requests that had time to arrive (`mine`) and have not come back. Other clients only add to the node's
 * load, so an honest report is at least `mine`, less the responses already on their way back
 * (`slack`, at most the node's slots). Unchecked (undefined) when the router has nothing there.
 */
export function queueHolds(reported: number, mine: number, slack: number): boolean | undefined {
  if (mine <= 0) return undefined;
  return mine <= reported + slack;
}
