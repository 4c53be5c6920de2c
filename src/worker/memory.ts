/**
 * Accelerator memory of an emulated worker: models are resident, loading, or absent. Loading a model
 * claims its weights at once and evicts least-recently-used idle residents to make room; a model serving
 * a request is pinned and never evicted. An unload of a model serving requests marks it leaving: it is
 * released when its last request ends (as Ollama does with `keep_alive: 0`). Pure bookkeeping: the caller
 * owns time.
 */

export type Residency = 'resident' | 'loading' | 'absent';

interface Slot {
  state: 'resident' | 'loading';
  lastUsed: number;
  /** Order of last use, breaking ties between uses in the same millisecond. */
  useSeq: number;
  pins: number;
  /** Unloaded while serving: released when `pins` drops to 0. */
  leaving: boolean;
  loadStart: number;
  loadMs: number;
}

export class AcceleratorMemory {
  private readonly slots = new Map<string, Slot>();
  private seq = 0;
  /** Called when a leaving model is released (its memory is free). */
  onRelease: (() => void) | undefined;

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
      leaving: false,
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

  /**
   * Evicts `id` when it is resident and idle, or marks it leaving when it serves requests (released when
   * the last one ends); true unless it is still loading.
   */
  unload(id: string): boolean {
    const s = this.slots.get(id);
    if (s === undefined) return true;
    if (s.state !== 'resident') return false;
    if (s.pins > 0) s.leaving = true;
    else this.slots.delete(id);
    return true;
  }

  /** Whether `id` is loading or serving a request. */
  inUse(id: string): boolean {
    const s = this.slots.get(id);
    return s !== undefined && (s.state === 'loading' || s.pins > 0);
  }

  /** Whether `id` is resident and leaving. */
  leaving(id: string): boolean {
    return this.slots.get(id)?.leaving === true;
  }

  /** A load of a leaving model keeps it. */
  keep(id: string): void {
    const s = this.slots.get(id);
    if (s !== undefined) s.leaving = false;
  }

  /** Whether `id` would fit once the leaving models and the idle ones were gone. */
  fitsOnceFreed(id: string): boolean {
    const need = this.weightsGb.get(id);
    if (need === undefined || need > this.capacityGb) return false;
    let held = 0;
    for (const [k, s] of this.slots)
      if (s.state === 'loading' || (s.pins > 0 && !s.leaving)) held += this.weightsGb.get(k) ?? 0;
    return this.capacityGb - held >= need;
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
    if (s.pins === 0 && s.leaving) {
      this.slots.delete(id);
      this.onRelease?.();
    }
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
