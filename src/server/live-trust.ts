import { estimateParams } from '../estimate/params.js';
import type { LatLon } from '../model/common.js';
import type { Request } from '../model/request.js';
import { RouteQuery } from '../routing/query.js';
import { checkStart, queueHolds, residentFits } from '../trust/evidence.js';
import { type LedgerOptions, type OperatorMark, TrustLedger, type TrustMark } from '../trust/ledger.js';
import { checkClaimedLocation } from '../trust/location.js';
import type { Claim } from '../trust/reputation.js';
import { decodeBeganMs, decodeRatio, SlowSpells, type SpeedCheckOptions } from '../trust/speed.js';
import type { Heartbeat } from '../wire/protocol.js';
import { type ServedTiming, servedOutcome } from './learn-gateway.js';
import type { LiveNetwork } from './live-network.js';

/**
 * The coordinator's trust in each node, from what it observes itself (src/trust: the checks, the
 * ledger's sequential tests and quarantine):
 * - each heartbeat: the weights it lists as warm must fit the node's accelerator memory (`warm`), and
 *   its reported load must hold the requests this coordinator has had there since the previous
 *   heartbeat (`queue`);
 * - each streamed answer: its time per token against the catalog's for the declared hardware, a slow
 *   answer contradicting the claimed speed once the node's answers stayed slow for minutes (`speed`);
 *   a node that reported the model warm and room for every request this
 *   coordinator had there must start at once; a first byte later than that bound is a warm or queue
 *   contradiction (`checkStart`);
 * - each probe (when `location` is on and the coordinator's metro is known): a round trip below the
 *   fibre floor between the coordinator and the claimed place refutes the claimed location.
 * - each spot check (spot-checks.ts): an output two other nodes disagree with is an `output` contradiction.
 * - each dataset challenge (data-proofs.ts): a chunk whose Merkle path misses the registered root is a
 *   `data` contradiction; a correct one holds.
 * A quarantined node is excluded from routing (the live network asks `quarantined`).
 */
export interface LiveTrustOptions {
  now: () => number;
  /** Where the coordinator is (its metro); the location check needs it. */
  coordinatorPlace?: LatLon;
  /** Check claimed locations against probe round trips. */
  location: boolean;
  /**
   * Check reported load against this coordinator's own requests. Off by default: an agent in front of
   * Ollama or a plain OpenAI-compatible server cannot see its backend's queue and reports 0 running,
   * 0 waiting, which an honest but busy node would then be charged for.
   */
  queue: boolean;
  ledger?: LedgerOptions;
  /** The speed check's slowness limit and persistence (default `DEFAULT_SPEED_CHECK`). */
  speed?: SpeedCheckOptions;
}

export class LiveTrust {
  readonly ledger: TrustLedger;
  /** This coordinator's in-flight count at each node's previous heartbeat. */
  private readonly ownAtLast = new Map<string, number>();
  private readonly query = new RouteQuery(estimateParams());
  private readonly spells: SlowSpells;

  constructor(
    private readonly network: LiveNetwork,
    private readonly opt: LiveTrustOptions,
  ) {
    this.ledger = new TrustLedger(opt.ledger);
    this.spells = new SlowSpells(opt.speed);
  }

  quarantined(nodeId: string): boolean {
    return this.ledger.isQuarantined(nodeId, this.opt.now());
  }

  /** The node's score is low but it is not quarantined: routing adds the `demoted` scorer's penalty. */
  demoted(nodeId: string): boolean {
    // Asked for every node at each full merge of the view (live-network.ts): most never failed a check.
    if (!this.ledger.everContradicted(nodeId)) return false;
    return this.ledger.standing(nodeId, this.opt.now()) === 'demoted';
  }

  mark(nodeId: string): TrustMark {
    return this.ledger.mark(nodeId, this.opt.now());
  }

  /** Trust per operator of `nodes` (each node's registering operator), by operator id. */
  operators(nodes: readonly { id: string; operator: string }[]): OperatorMark[] {
    for (const n of nodes) this.ledger.setOperator(n.id, n.operator);
    const wanted = new Set(nodes.map((n) => n.operator));
    return this.ledger.operators(this.opt.now()).filter((o) => wanted.has(o.id));
  }

  /** Checks a heartbeat's warm models against memory and its load against this coordinator's requests. */
  heartbeat(nodeId: string, hb: Heartbeat): void {
    const t = this.network.topology;
    const i = t.index.get(nodeId);
    if (i === undefined) return;
    const capacityGb = t.memGb[i]!;
    if (capacityGb > 0) {
      let claimedGb = 0;
      for (const m of hb.models) {
        const k = t.models.index.get(m.id);
        if (m.state === 'warm' && k !== undefined) claimedGb += t.models.weightsGb[k]!;
      }
      if (claimedGb > 0) this.record(nodeId, 'warm', residentFits(claimedGb, capacityGb));
    }
    if (!this.opt.queue) return;
    const own = this.network.inflightOf(nodeId);
    const mine = Math.min(this.ownAtLast.get(nodeId) ?? 0, own);
    this.ownAtLast.set(nodeId, own);
    const held = queueHolds(hb.inFlight + hb.queue, mine, Math.max(hb.slots, t.slots[i]!));
    if (held !== undefined) this.record(nodeId, 'queue', held);
  }

  /**
   * Checks a streamed answer: its decode against the speed of the node's declared hardware (speed.ts),
   * its start against the node's warm and free claims.
   */
  served(nodeId: string, request: Request, timing: ServedTiming): void {
    if (!timing.streamed) return;
    const hb = this.network.telemetry.get(nodeId)?.heartbeat;
    const t = this.network.topology;
    const i = t.index.get(nodeId);
    const m = t.models.index.get(request.model);
    if (hb === undefined || i === undefined || m === undefined) return;
    const view = this.network.currentView();
    const outcome = servedOutcome(view, this.query, request, i, timing);
    if (outcome === undefined) return;
    const ratio = decodeRatio(outcome);
    const fast =
      ratio === undefined
        ? undefined
        : this.spells.check(nodeId, ratio, decodeBeganMs(outcome, this.opt.now()));
    if (fast !== undefined) this.record(nodeId, 'speed', fast);
    const claim = {
      warm: hb.models.some((x) => x.id === request.model && x.state === 'warm'),
      // Room for every request this coordinator had there lately, on top of what the node reported.
      free: hb.queue === 0 && hb.inFlight + this.network.ownPeakOf(nodeId) <= t.slots[i]!,
    };
    const verdict = checkStart(claim, {
      firstByteMs: timing.firstByteMs,
      rttMs: outcome.expected.rttMs,
      expectedPrefillMs: outcome.expected.prefillMs * view.dyn.prefillFactor[i]!,
      hostLoadMs: (t.models.weightsGb[m]! / t.hostRamGBps[i]!) * 1000,
    });
    if (!verdict.checked) return;
    if (verdict.held) {
      this.record(nodeId, 'warm', true);
      if (this.opt.queue) this.record(nodeId, 'queue', true);
    } else if (verdict.claim === 'warm' || this.opt.queue) this.record(nodeId, verdict.claim, false);
  }

  /** Checks a probe's round trip (ms) against the fibre floor to the node's claimed place. */
  probed(nodeId: string, ms: number): void {
    const from = this.opt.coordinatorPlace;
    const i = this.network.topology.index.get(nodeId);
    if (!this.opt.location || from === undefined || i === undefined) return;
    const claimed = this.network.topology.nodes[i]!.location;
    this.record(nodeId, 'location', checkClaimedLocation(claimed, [{ from, rttMs: ms }]).consistent);
  }

  /** A dataset challenge the node answered: a correct proof holds its `data` claim, a wrong one refutes it. */
  recordData(nodeId: string, held: boolean): void {
    this.record(nodeId, 'data', held);
  }

  /** A spot check's verdict on the node's output (spot-checks.ts). */
  recordOutput(nodeId: string, held: boolean): void {
    this.record(nodeId, 'output', held);
  }

  private record(nodeId: string, claim: Claim, held: boolean): void {
    this.ledger.record(nodeId, claim, held, this.opt.now());
  }
}
