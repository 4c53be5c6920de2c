import type { ReceiptRecord, RegistryStore } from '../store/registry-store.js';

/** A receipt not yet written: its JSON as UTF-8 bytes. */
interface Pending {
  id: string;
  createdAt: number;
  bytes: Buffer;
}

/**
 * Receipts on their way to the store: kept in memory and written in one transaction every `flushMs`, so
 * the request path never waits for the disk. A receipt is serialized when it is added (the gateway adds it
 * once the answer has gone out) and kept as UTF-8 bytes, outside the JavaScript heap, until written. Kept
 * as the string `JSON.stringify` returns (a tree of string pieces), the waiting receipts were copied by
 * each young-generation collection and most were promoted: at 2,000 requests/s, 600 KB promoted per
 * collection against 180 KB with bytes (docs/coordinator.md, "Where the time goes"). A receipt is
 * readable as soon as it is added.
 */
export class ReceiptLog {
  private pending = new Map<string, Pending>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private sincePrune = 0;
  private readonly listeners = new Set<(id: string, receipt: unknown) => void>();
  /** The last store error while the store keeps failing (cleared by a write that succeeds; /healthz). */
  lastError: string | undefined;
  /** Receipts dropped unwritten because `maxPending` were already waiting for the store. */
  dropped = 0;

  constructor(
    private readonly store: RegistryStore,
    private readonly opt: { flushMs: number; keep: number; maxPending: number },
  ) {}

  /** Client key each receipt id is made for, until it is added (then stored in it as `owner`). */
  private readonly owners = new Map<string, string>();

  /** Marks receipt `id` (to be added) as made for client key `client`: only it and the admin read it. */
  own(id: string, client: string): void {
    this.owners.set(id, client);
  }

  /** Calls `fn` with every receipt added from now on (read only); returns the call that stops it. */
  onAdd(fn: (id: string, receipt: unknown) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  add(id: string, createdAt: number, receipt: unknown): void {
    if (this.pending.size >= this.opt.maxPending) {
      // The store is not keeping up (or failing): the oldest waiting receipt goes, memory stays bounded.
      const oldest = this.pending.keys().next().value;
      if (oldest !== undefined) this.pending.delete(oldest);
      this.dropped++;
    }
    const owner = this.owners.get(id);
    if (owner !== undefined) {
      this.owners.delete(id);
      // Copied key by key (an object spread costs microseconds per request on this path).
      const copy: Record<string, unknown> = {};
      for (const k in receipt as object) copy[k] = (receipt as Record<string, unknown>)[k];
      copy.owner = owner;
      receipt = copy;
    }
    this.put(id, createdAt, receipt);
    for (const fn of this.listeners) fn(id, receipt);
  }

  /**
   * Adds `fields` to receipt `id` (a verdict reached after the answer went out), written again with the
   * next batch; listeners are not told (it is the same request). False when the receipt is gone.
   */
  async amend(id: string, createdAt: number, fields: Record<string, unknown>): Promise<boolean> {
    const receipt = await this.get(id);
    if (receipt === undefined) return false;
    this.put(id, createdAt, { ...(receipt as object), ...fields });
    return true;
  }

  private put(id: string, createdAt: number, receipt: unknown): void {
    this.pending.set(id, { id, createdAt, bytes: Buffer.from(JSON.stringify(receipt)) });
    if (this.timer === undefined) {
      this.timer = setTimeout(() => void this.flush(), this.opt.flushMs);
      this.timer.unref();
    }
  }

  async get(id: string): Promise<unknown | undefined> {
    const waiting = this.pending.get(id);
    if (waiting !== undefined) return JSON.parse(waiting.bytes.toString()) as unknown;
    const rec = await this.store.getReceipt(id);
    return rec === undefined ? undefined : (JSON.parse(rec.json) as unknown);
  }

  /** Writes everything pending; prunes to `keep` receipts now and then. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const entries = [...this.pending.values()];
    this.flushing = this.flushing.then(async () => {
      if (entries.length === 0) return;
      try {
        // The text exists only while the store takes it (the SQLite writer copies it to its thread at once).
        const records: ReceiptRecord[] = [];
        for (const p of entries) records.push({ id: p.id, createdAt: p.createdAt, json: p.bytes.toString() });
        await this.store.putReceipts(records);
      } catch (e) {
        // Kept pending (still readable, up to maxPending) and retried with the next flush.
        this.lastError = e instanceof Error ? e.message : String(e);
        if (this.timer === undefined) {
          this.timer = setTimeout(() => void this.flush(), Math.max(this.opt.flushMs, 1000));
          this.timer.unref();
        }
        return;
      }
      this.lastError = undefined;
      for (const p of entries) if (this.pending.get(p.id) === p) this.pending.delete(p.id);
      this.sincePrune += entries.length;
      if (this.sincePrune >= 1000) {
        this.sincePrune = 0;
        await this.store.pruneReceipts(this.opt.keep);
      }
    });
    return this.flushing;
  }
}
