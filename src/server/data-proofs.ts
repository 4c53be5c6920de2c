import type { HeldDataset } from '../model/dataset.js';
import type { DataChallengeFn, DataVerdict } from './data-proof-check.js';
import type { RegisteredNode } from './registry.js';

/**
 * Which registered datasets the coordinator believes: every dataset a node lists is challenged when the
 * node registers it (or changes it), then again every `everyMs`. Only a dataset whose last challenge the
 * node answered correctly is in the view (`proven`); a wrong or missing answer takes it out until a later
 * challenge passes. `onChange` is told when a node's proven set changes (the topology is rebuilt),
 * `onVerdict` of each answered challenge (true: a correct proof; false: a wrong one), for the trust ledger.
 * At most `maxConcurrent` challenges run at once; a dataset that finds no room is taken at a later tick
 * (registration bursts and datasets falling due together do not open thousands of connections).
 */

export type DataProofStatus = 'pending' | 'proven' | 'failed';

/** A failed dataset is challenged again after this long at most (ms). */
export const RETRY_FAILED_MS = 30_000;

export interface DatasetState {
  readonly held: HeldDataset;
  status: DataProofStatus;
  /** When the last challenge was settled (ms); undefined before the first. */
  checkedAt?: number;
  /** Why the last challenge failed. */
  reason?: string;
  /** Challenges passed and failed so far. */
  passed: number;
  failed: number;
}

export interface DataProofsOptions {
  challenge: DataChallengeFn;
  /** Time between challenges of one dataset, ms. */
  everyMs: number;
  now: () => number;
  onChange: (nodeId: string) => void;
  onVerdict?: (nodeId: string, held: boolean) => void;
  /** Challenges under way at most (default 32); the others wait for the next tick. */
  maxConcurrent?: number;
}

interface Entry extends DatasetState {
  /** What the registration said, so a changed claim is challenged anew. */
  readonly claim: string;
  busy: boolean;
}

export class DataProofs {
  private readonly nodes = new Map<string, { node: RegisteredNode; sets: Map<string, Entry> }>();
  private readonly running = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly opt: DataProofsOptions) {}

  /**
   * A node registered or updated: new or changed datasets are challenged now, dropped ones forgotten. A
   * node that comes back at another endpoint (a restarted worker on a new port) is challenged anew: a
   * proof, or a failure, at its old address says nothing of the new one.
   */
  registered(node: RegisteredNode): void {
    const id = node.record.id;
    const before = this.nodes.get(id);
    const moved = before !== undefined && before.node.record.endpoint !== node.record.endpoint;
    const sets = new Map<string, Entry>();
    let changed = false;
    for (const held of node.descriptor.datasets ?? []) {
      const claim = JSON.stringify([held.version, held.root, held.chunks, held.chunkBytes, held.sizeGb]);
      const old = before?.sets.get(held.id);
      const keep = !moved && old !== undefined && old.claim === claim;
      sets.set(held.id, keep ? old : { held, claim, status: 'pending', passed: 0, failed: 0, busy: false });
      if (!keep && old?.status === 'proven') changed = true;
    }
    for (const [k, old] of before?.sets ?? []) if (!sets.has(k) && old.status === 'proven') changed = true;
    if (sets.size === 0) this.nodes.delete(id);
    else this.nodes.set(id, { node, sets });
    if (changed) this.opt.onChange(id);
    for (const e of sets.values()) if (e.status === 'pending') this.check(id, e);
  }

  removed(nodeId: string): void {
    this.nodes.delete(nodeId);
  }

  /** The datasets of the node whose last challenge passed. */
  proven(nodeId: string): HeldDataset[] {
    const out: HeldDataset[] = [];
    for (const e of this.nodes.get(nodeId)?.sets.values() ?? []) if (e.status === 'proven') out.push(e.held);
    return out;
  }

  /** Every dataset the node registered with where its proof stands, ordered by id. */
  statusOf(nodeId: string): DatasetState[] {
    const sets = [...(this.nodes.get(nodeId)?.sets.values() ?? [])];
    return sets
      .sort((a, b) => (a.held.id < b.held.id ? -1 : 1))
      .map(({ held, status, checkedAt, reason, passed, failed }) => ({
        held,
        status,
        passed,
        failed,
        ...(checkedAt === undefined ? {} : { checkedAt }),
        ...(reason === undefined ? {} : { reason }),
      }));
  }

  /** Registered datasets per proof status (for the metrics). */
  tally(): Record<DataProofStatus, number> {
    const out: Record<DataProofStatus, number> = { pending: 0, proven: 0, failed: 0 };
    for (const { sets } of this.nodes.values()) for (const e of sets.values()) out[e.status]++;
    return out;
  }

  /**
   * Challenges every dataset last checked `everyMs` ago or longer, a failed one after
   * min(everyMs, `RETRY_FAILED_MS`) (a missed answer keeps a dataset out of the view only that long);
   * the timer calls this.
   */
  due(): void {
    const now = this.opt.now();
    const retry = Math.min(this.opt.everyMs, RETRY_FAILED_MS);
    for (const [id, { sets }] of this.nodes)
      for (const e of sets.values()) {
        const wait = e.status === 'failed' ? retry : this.opt.everyMs;
        if (!e.busy && (e.checkedAt === undefined || now - e.checkedAt >= wait)) this.check(id, e);
      }
  }

  start(): void {
    if (this.timer !== undefined) return;
    const tick = Math.max(50, Math.min(this.opt.everyMs / 4, 5000));
    this.timer = setInterval(() => this.due(), tick);
    this.timer.unref();
  }

  /** Stops the timer and waits for the challenges under way. */
  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.settled();
  }

  /** Resolves when no challenge is under way. */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  private check(nodeId: string, e: Entry): void {
    const n = this.nodes.get(nodeId);
    if (n === undefined || e.busy || this.running.size >= (this.opt.maxConcurrent ?? 32)) return;
    e.busy = true;
    const p = this.opt
      .challenge(n.node.record.endpoint, n.node.key, e.held)
      .catch((err: unknown): DataVerdict => ({ ok: false, kind: 'missing', reason: (err as Error).message }))
      .then((v) => this.settle(nodeId, e, v))
      .finally(() => {
        e.busy = false;
        this.running.delete(p);
      });
    this.running.add(p);
  }

  private settle(nodeId: string, e: Entry, v: DataVerdict): void {
    // The node may have gone, or changed the claim, while the challenge ran.
    if (this.nodes.get(nodeId)?.sets.get(e.held.id) !== e) return;
    const was = e.status;
    e.checkedAt = this.opt.now();
    if (v.ok) {
      e.status = 'proven';
      e.passed++;
      delete e.reason;
    } else {
      e.status = 'failed';
      e.failed++;
      e.reason = v.reason;
    }
    if (v.ok || v.kind === 'wrong') this.opt.onVerdict?.(nodeId, v.ok);
    if ((was === 'proven') !== (e.status === 'proven')) this.opt.onChange(nodeId);
  }
}
