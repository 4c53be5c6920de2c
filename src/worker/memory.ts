/**
 * Accelerator memory of an emulated worker: models are resident, loading, or absent. Loading a model
 * claims its weights at once and evicts least-recently-used idle residents to make room; a model serving
 * a request is pinned and never evicted. Pure bookkeeping: the caller owns time.
 */

export type Residency = 'resident' | 'loading' | 'absent';

interface Slot {
  state: 'resident' | 'loading';
  lastUsed: number;
  /** Order of last use, breaking ties between uses in the same millisecond. */
  useSeq: number;
  pins: number;
  loadStart: number;
  loadMs: number;
}

export class AcceleratorMemory {
  private readonly slots = new Map<string, Slot>();
  private seq = 0;

  constructor(
    readonly capacityGb: number,
    private readonly weightsGb: ReadonlyMap<string, number>,
  ) {}

  state(id: string): Residency {
    return this.slots.get(id)?.state ?? 'absent';
  }

  usedGb(): number {
    let s = 0;
    for (const id of this.slots.keys()) s += this.weightsGb.get(id) ?? 0;
    return s;
  }

  /**
   * The residents to evict (least recently used first) so that `id` fits, or undefined when it cannot fit
   * even after evicting every idle resident.
   */
  planLoad(id: string): string[] | undefined {
    const need = this.weightsGb.get(id);
    if (need === undefined || need > this.capacityGb) return undefined;
    let free = this.capacityGb - this.usedGb();
    if (free >= need) return [];
    const idle = [...this.slots.entries()]
      .filter(([, s]) => s.state === 'resident' && s.pins === 0)
      .sort((a, b) => a[1].lastUsed - b[1].lastUsed || a[1].useSeq - b[1].useSeq);
    const evict: string[] = [];
    for (const [victim] of idle) {
      if (free >= need) break;
      evict.push(victim);
      free += this.weightsGb.get(victim) ?? 0;
    }
    return free >= need ? evict : undefined;
  }

  /** Evicts `evict` and starts loading `id` (from `planLoad`). */
  startLoad(id: string, evict: readonly string[], now: number, loadMs: number): void {
    for (const v of evict) this.slots.delete(v);
    this.slots.set(id, {
      state: 'loading',
      lastUsed: now,
      useSeq: ++this.seq,
      pins: 0,
      loadStart: now,
      loadMs,
    });
  }

  finishLoad(id: string, now: number): void {
    const s = this.slots.get(id);
    if (s === undefined) return;
    s.state = 'resident';
    s.lastUsed = now;
    s.useSeq = ++this.seq;
  }

  /** Makes `id` resident at once (preload at start); false when it does not fit. */
  preload(id: string, now: number): boolean {
    const evict = this.planLoad(id);
    if (evict === undefined) return false;
    this.startLoad(id, evict, now, 0);
    this.finishLoad(id, now);
    return true;
  }

  /** Evicts `id` when it is resident and idle; true when it is absent afterwards. */
  unload(id: string): boolean {
    const s = this.slots.get(id);
    if (s === undefined) return true;
    if (s.state !== 'resident' || s.pins > 0) return false;
    this.slots.delete(id);
    return true;
  }

  pin(id: string, now: number): void {
    const s = this.slots.get(id);
    if (s === undefined) return;
    s.pins++;
    s.lastUsed = now;
    s.useSeq = ++this.seq;
  }

  unpin(id: string, now: number): void {
    const s = this.slots.get(id);
    if (s === undefined) return;
    s.pins = Math.max(0, s.pins - 1);
    s.lastUsed = now;
    s.useSeq = ++this.seq;
  }

  /** Loading progress in [0, 1] and the time left, for a model that is loading. */
  loading(id: string, now: number): { progress: number; remainingMs: number } | undefined {
    const s = this.slots.get(id);
    if (s?.state !== 'loading') return undefined;
    const done = s.loadMs <= 0 ? 1 : Math.min(1, (now - s.loadStart) / s.loadMs);
    return { progress: done, remainingMs: Math.max(0, s.loadStart + s.loadMs - now) };
  }

  /** Ids by residency, each sorted. */
  ids(state: 'resident' | 'loading'): string[] {
    return [...this.slots.entries()]
      .filter(([, s]) => s.state === state)
      .map(([id]) => id)
      .sort();
  }
}
