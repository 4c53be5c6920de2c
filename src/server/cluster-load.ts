import type { MessageBus } from '../bus/message-bus.js';
import type { Coordinator } from './coordinator.js';

/**
 * The load part of the shared view, on `<prefix>.view.load` every `syncMs`: each coordinator's own
 * outstanding requests per node (absolute counts, so a lost message is repaired by the next) and the
 * requests each client key took here since the last message. Others add the counts to the nodes' load
 * (no herding: every coordinator sees the sends of all) and charge the requests to the keys' buckets
 * and quotas (a key's limits are the cluster's, not each coordinator's), and the answers each node
 * delivered here per model since the last message, which others add to what their warm-set planner
 * knows each node serves (served-rates.ts). A coordinator not heard from
 * for `peerTimeoutMs` no longer counts: its requests died with it.
 */
export interface LoadOptions {
  prefix: string;
  syncMs: number;
  peerTimeoutMs: number;
}

interface LoadMessage {
  from: string;
  at: number;
  inflight: [string, number][];
  clients: [string, number][];
  /** `node \0 model` → answers delivered here since the last message (absent from older coordinators). */
  served?: [string, number][];
}

export class ClusterLoad {
  private readonly peers = new Map<string, { at: number; inflight: Map<string, number> }>();
  private readonly timer: NodeJS.Timeout;
  private readonly stop: () => void;
  private sentEmpty = true;

  constructor(
    private readonly c: Coordinator,
    private readonly bus: MessageBus,
    private readonly opt: LoadOptions,
  ) {
    this.stop = bus.subscribe(this.subject, (d) => this.onLoad(JSON.parse(Buffer.from(d).toString())));
    this.timer = setInterval(() => this.sync(), opt.syncMs);
    this.timer.unref();
  }

  private get subject(): string {
    return `${this.opt.prefix}.view.load`;
  }

  /**
   * Publishes this coordinator's load and client use (nothing when it has none and said so already);
   * `leaving`: announces no load at all, so the others stop counting ours at once.
   */
  sync(leaving = false): void {
    const now = this.c.now();
    this.expire(now);
    const inflight = leaving ? [] : [...this.c.network.ownInflight()];
    const clients = [...this.c.clientLimits.takeUsage()];
    const served = this.c.warm.control.served.takeOwn();
    const empty = inflight.length === 0 && clients.length === 0 && served.length === 0;
    if (empty && this.sentEmpty) return;
    this.sentEmpty = empty;
    const m: LoadMessage = { from: this.c.instanceId, at: now, inflight, clients, served };
    try {
      this.bus.publish(this.subject, Buffer.from(JSON.stringify(m)));
    } catch {
      // Lost like any message on a disconnected bus; the next sync repeats the counts.
    }
  }

  private onLoad(m: LoadMessage): void {
    if (m.from === this.c.instanceId) return;
    for (const [client, n] of m.clients) this.c.clientLimits.charge(client, n, m.at);
    for (const [pair, n] of m.served ?? []) this.c.warm.control.served.addShared(pair, n);
    const before = this.peers.get(m.from)?.inflight;
    const now = new Map(m.inflight);
    this.peers.set(m.from, { at: this.c.now(), inflight: now });
    this.recount([...(before?.keys() ?? []), ...now.keys()]);
  }

  private expire(now: number): void {
    for (const [id, p] of this.peers)
      if (now - p.at > this.opt.peerTimeoutMs) {
        this.peers.delete(id);
        this.recount(p.inflight.keys());
      }
  }

  /** Sets the nodes' in-flight counts from other coordinators to the sum over the peers heard. */
  private recount(nodeIds: Iterable<string>): void {
    for (const id of new Set(nodeIds)) {
      let n = 0;
      for (const p of this.peers.values()) n += p.inflight.get(id) ?? 0;
      this.c.network.setRemoteInflight(id, n);
    }
  }

  close(): void {
    clearInterval(this.timer);
    this.sentEmpty = false;
    this.sync(true);
    this.stop();
  }
}
