import type { ReceiptRecord, RegistryStore } from '../store/registry-store.js';

/**
 * Receipts on their way to the store: kept in memory and written in one transaction every `flushMs`, so
 * the request path never waits for the disk. A receipt is readable as soon as it is added.
 */
export class ReceiptLog {
  private pending = new Map<string, ReceiptRecord>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private sincePrune = 0;
  /** The last store error, if writing ever failed (shown by /healthz). */
  lastError: string | undefined;

  constructor(
    private readonly store: RegistryStore,
    private readonly opt: { flushMs: number; keep: number },
  ) {}

  add(id: string, createdAt: number, receipt: unknown): void {
    this.pending.set(id, { id, createdAt, json: JSON.stringify(receipt) });
    if (this.timer === undefined) {
      this.timer = setTimeout(() => void this.flush(), this.opt.flushMs);
      this.timer.unref();
    }
  }

  async get(id: string): Promise<unknown | undefined> {
    const rec = this.pending.get(id) ?? (await this.store.getReceipt(id));
    return rec === undefined ? undefined : (JSON.parse(rec.json) as unknown);
  }

  /** Writes everything pending; prunes to `keep` receipts now and then. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = [...this.pending.values()];
    this.flushing = this.flushing.then(async () => {
      if (batch.length === 0) return;
      try {
        await this.store.putReceipts(batch);
      } catch (e) {
        // Kept pending (still readable) and retried with the next flush.
        this.lastError = e instanceof Error ? e.message : String(e);
        return;
      }
      for (const r of batch) if (this.pending.get(r.id) === r) this.pending.delete(r.id);
      this.sincePrune += batch.length;
      if (this.sincePrune >= 1000) {
        this.sincePrune = 0;
        await this.store.pruneReceipts(this.opt.keep);
      }
    });
    return this.flushing;
  }
}
