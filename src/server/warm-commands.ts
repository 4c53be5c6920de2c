import { randomUUID } from 'node:crypto';
import type { RegistryStore, WarmActionRecord } from '../store/registry-store.js';
import type { WarmSetAction } from '../warmset/controller.js';
import { type CommandAck, MAX_COMMANDS, type WarmCommand } from '../wire/protocol.js';

/**
 * The warm-set commands on their way to nodes. The controller issues actions; each becomes a record in
 * the store (`pending`) and waits here for its node's next heartbeat, whose answer carries it (`sent`);
 * the agent carries it out and answers in a later heartbeat (`done`, `failed` or `unsupported`). A
 * command not answered within `ttlMs` of being issued is `expired`, so a node that went away or an agent
 * too old to know commands never blocks the next plan. Every change is stored again under the same id.
 *
 * While a command is open its (node, model) is not commanded again, and the controller sees the warm
 * set the command will produce (`expected`). A command a node answered `unsupported` is not given to
 * that node again (its backend has no way to do it) until the node registers anew.
 *
 * A model ordered out of a node is *leaving* from the moment the unload is issued until the node reports
 * it no longer warm (a backend unloads a model serving requests when the last one ends, as Ollama does),
 * the unload fails or expires, a load of it is issued, or `ttlMs` passes: the router leaves the pair
 * alone meanwhile (`forEachExcluded`, beside the refusal board), so no new request keeps the model busy,
 * and the controller counts it gone.
 *
 * Coordinators in a cluster share their commands (warm-share.ts): every change made here goes to
 * `onChange`, and `apply` takes a change made elsewhere, so a command issued by the coordinator holding
 * the controller's lease rides on the heartbeat answer of whichever coordinator the node talks to, and
 * its answer closes it everywhere.
 */
export class WarmCommands {
  /** Open commands by id. */
  private readonly open = new Map<string, WarmActionRecord>();
  /** (node, model, kind) a node answered unsupported. */
  private readonly unsupported = new Set<string>();
  /** The last store error, if recording ever failed (the command still goes out). */
  lastError: string | undefined;
  /** Commands by kind and last status since the start (for /metrics). */
  private readonly tallies = new Map<string, number>();
  /** Writes in the order they were made (a status change never overtakes the record it changes). */
  private saving: Promise<void> = Promise.resolve();
  /** Commands closed here or elsewhere (id → issued at), so a late copy of an open state does not reopen them. */
  private readonly closed = new Map<string, number>();
  /** Called with every change made here (a copy), after it is queued for the store. */
  onChange: ((r: WarmActionRecord) => void) | undefined;
  /** (node, model) ordered out → when (ms); see the class comment. */
  private readonly leavingPairs = new Map<string, { node: string; model: string; since: number }>();
  /** Changes whenever the leaving pairs do (read with the refusal board's by the telemetry merge). */
  version = 0;
  /** (node, model) → when its last load was issued, until an unload of it is issued. */
  private readonly loadedAt = new Map<string, number>();

  constructor(
    private readonly store: RegistryStore,
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  /** Records and queues the planner's actions; actions on a (node, model) with an open command are skipped. */
  async issue(actions: readonly WarmSetAction[]): Promise<WarmActionRecord[]> {
    const at = this.now();
    const out: WarmActionRecord[] = [];
    for (const a of actions) {
      if (this.openFor(a.node, a.model) !== undefined || this.unsupported.has(refusalKey(a))) continue;
      const record: WarmActionRecord = {
        id: randomUUID(),
        createdAt: at,
        node: a.node,
        model: a.model,
        kind: a.kind,
        reason: a.reason,
        gainMs: a.gainMs,
        costMs: a.costMs,
        status: 'pending',
        updatedAt: at,
      };
      this.open.set(record.id, record);
      this.track(record, at);
      out.push(record);
      void this.save(record);
    }
    await this.saving;
    return out;
  }

  /** The open command on (node, model), if any. */
  openFor(node: string, model: string): WarmActionRecord | undefined {
    for (const r of this.open.values()) if (r.node === node && r.model === model) return r;
    return undefined;
  }

  /** Whether a load of `model` is open on any node (issued, not yet answered). */
  loading(model: string): boolean {
    for (const r of this.open.values()) if (r.model === model && r.kind === 'load') return true;
    return false;
  }

  /** Whether `model` will be resident on `node` once open commands are carried out (undefined: no command). */
  expected(node: string, model: string): boolean | undefined {
    const r = this.openFor(node, model);
    if (r !== undefined) return r.kind === 'load';
    return this.leavingPairs.has(pairKey(node, model)) ? false : undefined;
  }

  /** The (node, model) pairs ordered out and not yet reported gone; drops those older than `ttlMs`. */
  forEachExcluded(now: number, f: (nodeId: string, model: string) => void): void {
    for (const [k, p] of this.leavingPairs) {
      if (now - p.since >= this.ttlMs) this.forget(k);
      else f(p.node, p.model);
    }
  }

  /** A node's heartbeat: the models it no longer reports warm (or loading) are gone, no longer leaving. */
  reported(node: string, models: readonly { id: string; state: string }[]): void {
    if (this.leavingPairs.size === 0) return;
    for (const [k, p] of this.leavingPairs) {
      if (p.node !== node) continue;
      const m = models.find((x) => x.id === p.model);
      if (m === undefined || (m.state !== 'warm' && m.state !== 'loading')) this.forget(k);
    }
  }

  /**
   * Whether a load of `model` on `node` was issued less than `spanMs` before `now` with no unload of it
   * issued since (the planner does not load again a model such a load left gone: warm-input.ts).
   */
  loadedWithin(node: string, model: string, spanMs: number, now: number): boolean {
    const k = pairKey(node, model);
    const at = this.loadedAt.get(k);
    if (at === undefined) return false;
    if (now - at < spanMs) return true;
    this.loadedAt.delete(k);
    return false;
  }

  /** Starts or ends the leaving of a command's pair as its status says (see the class comment). */
  private track(r: WarmActionRecord, at: number): void {
    const k = pairKey(r.node, r.model);
    // A load counts once issued and while it stands; one that failed or expired left nothing to undo.
    if (r.kind === 'load' && (r.status === 'pending' || r.status === 'sent' || r.status === 'done'))
      this.loadedAt.set(k, Math.max(this.loadedAt.get(k) ?? r.createdAt, r.createdAt));
    else this.loadedAt.delete(k);
    if (r.kind === 'load') this.forget(k);
    else if (r.status === 'pending' || r.status === 'sent' || r.status === 'done') {
      if (!this.leavingPairs.has(k)) {
        this.leavingPairs.set(k, { node: r.node, model: r.model, since: at });
        this.version++;
      }
    } else this.forget(k);
  }

  private forget(k: string): void {
    if (this.leavingPairs.delete(k)) this.version++;
  }

  /**
   * The node's pending commands, marked sent, for its heartbeat answer (at most MAX_COMMANDS);
   * `nameOf` gives the backend's name of a model on the node.
   */
  take(node: string, nameOf: (model: string) => string): WarmCommand[] {
    const out: WarmCommand[] = [];
    const at = this.now();
    for (const r of this.open.values()) {
      if (r.node !== node || r.status !== 'pending' || out.length >= MAX_COMMANDS) continue;
      r.status = 'sent';
      r.updatedAt = at;
      void this.save(r);
      out.push({ id: r.id, kind: r.kind, model: r.model, name: nameOf(r.model) });
    }
    return out;
  }

  /** Applies a node's answers; answers to another node's commands or to unknown ids are ignored. */
  acknowledge(node: string, acks: readonly CommandAck[]): void {
    const at = this.now();
    for (const ack of acks) {
      const r = this.open.get(ack.id);
      if (r === undefined || r.node !== node) continue;
      this.open.delete(ack.id);
      if (ack.status === 'unsupported') this.unsupported.add(refusalKey(r));
      this.track({ ...r, status: ack.status }, at);
      void this.save({
        ...r,
        status: ack.status,
        updatedAt: at,
        ...(ack.detail ? { detail: ack.detail } : {}),
      });
    }
  }

  /**
   * A change made by another coordinator (or read from the store): an open state opens or updates the
   * command here, a closed one closes it (and `unsupported` is remembered). Not stored again or counted.
   */
  apply(r: WarmActionRecord): void {
    if (this.closed.has(r.id)) return;
    if (this.closed.size > 1000) this.forgetClosed();
    if (r.status === 'pending' || r.status === 'sent') {
      const mine = this.open.get(r.id);
      if (mine === undefined || r.updatedAt >= mine.updatedAt) this.open.set(r.id, { ...r });
      if (mine === undefined) this.track(r, r.createdAt);
      return;
    }
    this.open.delete(r.id);
    this.track(r, r.createdAt);
    this.closed.set(r.id, r.createdAt);
    if (r.status === 'unsupported') this.unsupported.add(refusalKey(r));
  }

  /** Expires commands issued more than `ttlMs` ago and not answered. */
  expire(): void {
    const at = this.now();
    this.forgetClosed();
    for (const [id, r] of this.open) {
      if (at - r.createdAt < this.ttlMs) continue;
      this.open.delete(id);
      const expired: WarmActionRecord = {
        ...r,
        status: 'expired',
        updatedAt: at,
        detail: r.status === 'pending' ? 'the node did not heartbeat' : 'the node did not answer',
      };
      this.track(expired, at);
      void this.save(expired);
    }
  }

  /** Closed commands older than two `ttlMs` cannot come back open: forgotten. */
  private forgetClosed(): void {
    const at = this.now();
    for (const [id, createdAt] of this.closed) if (at - createdAt >= 2 * this.ttlMs) this.closed.delete(id);
  }

  /** A node registered anew: what it answered unsupported may work now (another backend behind it). */
  registered(node: string): void {
    for (const k of this.unsupported) if (k.startsWith(`${node}\u0000`)) this.unsupported.delete(k);
  }

  /** A node left: its open commands are expired (it will not answer them). */
  removed(node: string): void {
    this.registered(node);
    for (const [k, p] of this.leavingPairs) if (p.node === node) this.forget(k);
    for (const k of this.loadedAt.keys()) if (k.startsWith(pairKey(node, ''))) this.loadedAt.delete(k);
    const at = this.now();
    for (const [id, r] of this.open) {
      if (r.node !== node) continue;
      this.open.delete(id);
      void this.save({ ...r, status: 'expired', updatedAt: at, detail: 'the node deregistered' });
    }
  }

  /** Moves a command's count from its previous status to its current one. */
  private readonly lastStatus = new Map<string, string>();
  private count(r: WarmActionRecord): void {
    const before = this.lastStatus.get(r.id);
    if (before === r.status) return;
    if (before !== undefined)
      this.tallies.set(`${r.kind} ${before}`, this.tallies.get(`${r.kind} ${before}`)! - 1);
    this.tallies.set(`${r.kind} ${r.status}`, (this.tallies.get(`${r.kind} ${r.status}`) ?? 0) + 1);
    if (r.status === 'pending' || r.status === 'sent') this.lastStatus.set(r.id, r.status);
    else this.lastStatus.delete(r.id);
  }

  /** Waits for every write made so far. */
  flush(): Promise<void> {
    return this.saving;
  }

  /** Commands by kind and status since the start, each counted once under its latest status (none: left out). */
  tally(): { kind: string; status: string; count: number }[] {
    return [...this.tallies]
      .filter(([, count]) => count > 0)
      .map(([k, count]) => {
        const [kind, status] = k.split(' ') as [string, string];
        return { kind, status, count };
      })
      .sort((a, b) => (a.kind + a.status < b.kind + b.status ? -1 : 1));
  }

  private save(r: WarmActionRecord): Promise<void> {
    const copy = { ...r };
    this.count(r);
    if (r.status !== 'pending' && r.status !== 'sent') this.closed.set(r.id, r.createdAt);
    this.onChange?.({ ...r });
    this.saving = this.saving.then(async () => {
      try {
        await this.store.putWarmAction(copy);
        this.lastError = undefined;
      } catch (e) {
        this.lastError = e instanceof Error ? e.message : String(e);
      }
    });
    return this.saving;
  }
}

function refusalKey(a: { node: string; model: string; kind: string }): string {
  return `${a.node}\u0000${a.model}\u0000${a.kind}`;
}

/** The key of a (node, model) pair in the warm-set maps here and in served-rates.ts. */
export function pairKey(node: string, model: string): string {
  return `${node}\u0000${model}`;
}
