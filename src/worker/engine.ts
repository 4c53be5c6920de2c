import { AcceleratorMemory } from './memory.js';
import { preloadOf, type ResolvedModel, resolveModels, type WorkerProfile } from './profile.js';

/** The emulated server is full: every slot busy and the queue at its limit (HTTP 429). */
export class OverloadedError extends Error {}
/** The model cannot fit even after evicting every idle model (HTTP 503). */
export class NoMemoryError extends Error {}

/** How long a load waits for models unloaded while serving to finish and free their memory, ms (scaled). */
export const LEAVING_WAIT_MS = 300_000;

export function sleep(ms: number): Promise<void> {
  return ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));
}

/** Tokens per second over the last `windowS` whole seconds, from per-second buckets. */
class RateMeter {
  private readonly buckets: Float64Array;
  private second = 0;
  constructor(private readonly windowS = 5) {
    this.buckets = new Float64Array(windowS + 1);
  }
  add(n: number, nowMs: number): void {
    this.roll(nowMs);
    this.buckets[this.second % this.buckets.length]! += n;
  }
  rate(nowMs: number): number {
    this.roll(nowMs);
    let s = 0;
    for (let k = 1; k <= this.windowS; k++)
      s += this.buckets[(this.second - k + this.buckets.length * 2) % this.buckets.length]!;
    return s / this.windowS;
  }
  private roll(nowMs: number): void {
    const sec = Math.floor(nowMs / 1000);
    if (this.second === 0 || sec - this.second > this.buckets.length) {
      this.buckets.fill(0);
      this.second = sec;
      return;
    }
    while (this.second < sec) {
      this.second++;
      this.buckets[this.second % this.buckets.length] = 0;
    }
  }
}

export interface EngineStats {
  slots: number;
  running: number;
  waiting: number;
  tokensPerSec: number;
  meanServiceMs: number;
  requestsTotal: number;
  promptTokensTotal: number;
  generationTokensTotal: number;
}

/**
 * Slots, queue, model residency and timing of an emulated inference server. Every duration of the
 * profile is multiplied by `timeScale`.
 */
export class WorkerEngine {
  readonly memory: AcceleratorMemory;
  readonly models: ResolvedModel[];
  private readonly byName = new Map<string, ResolvedModel>();
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly loads = new Map<string, Promise<void>>();
  /** Loads waiting for a leaving model's memory (`load`), woken at each release. */
  private freed: (() => void)[] = [];
  private readonly meter = new RateMeter();
  private serviceEwma = 0;
  private totals = { requests: 0, prompt: 0, generation: 0 };

  constructor(
    readonly profile: WorkerProfile,
    private readonly now: () => number = Date.now,
  ) {
    this.models = resolveModels(profile);
    for (const m of this.models) {
      this.byName.set(m.name, m);
      this.byName.set(m.id, m);
    }
    this.memory = new AcceleratorMemory(
      profile.memoryGb,
      new Map(this.models.map((m) => [m.id, m.weightsGb])),
    );
    for (const id of preloadOf(profile)) this.memory.preload(id, now());
    this.memory.onRelease = () => {
      const woken = this.freed;
      this.freed = [];
      for (const wake of woken) wake();
    };
  }

  /** The model a request names, by the backend's name or the catalog id. */
  model(name: string): ResolvedModel | undefined {
    return this.byName.get(name);
  }

  scaled(ms: number): number {
    return ms * this.profile.timeScale;
  }

  /** Waits for a free slot; returns the function that frees it. OverloadedError when the queue is full. */
  async admit(): Promise<() => void> {
    if (this.running >= this.profile.slots) {
      if (this.waiting.length >= this.profile.queueLimit)
        throw new OverloadedError('every slot busy and the queue full');
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next !== undefined) next();
      else this.running--;
    };
  }

  /** Set by a vLLM-style sleep (every model unloaded, weights kept in host RAM); cleared by any load. */
  sleeping = false;

  /** Makes the model resident (loading it and evicting LRU idle models when needed), then pins it. */
  async acquire(m: ResolvedModel): Promise<() => void> {
    await this.load(m);
    this.memory.pin(m.id, this.now());
    return () => this.memory.unpin(m.id, this.now());
  }

  /**
   * Makes the model resident, loading it at `loadGBps` (scaled) and evicting LRU idle models when needed.
   * When the memory it needs is held by leaving models (unloaded while serving), it waits for them, up
   * to `LEAVING_WAIT_MS` (scaled); NoMemoryError when it cannot fit next to the models in use.
   */
  async load(m: ResolvedModel): Promise<void> {
    this.sleeping = false;
    const giveUpAt = this.now() + this.scaled(LEAVING_WAIT_MS);
    for (;;) {
      const state = this.memory.state(m.id);
      if (state === 'resident') break;
      const pending = this.loads.get(m.id);
      if (pending !== undefined) {
        await pending;
        continue;
      }
      const evict = this.memory.planLoad(m.id);
      if (evict === undefined) {
        const wait = giveUpAt - this.now();
        if (wait > 0 && this.memory.fitsOnceFreed(m.id)) {
          await this.release(wait);
          continue;
        }
        throw new NoMemoryError(`${m.id} does not fit next to the models in use`);
      }
      const loadMs = this.scaled((m.weightsGb / this.profile.loadGBps) * 1000);
      this.memory.startLoad(m.id, evict, this.now(), loadMs);
      const load = sleep(loadMs).then(() => {
        this.memory.finishLoad(m.id, this.now());
        this.loads.delete(m.id);
      });
      this.loads.set(m.id, load);
      await load;
    }
  }

  /** The next release of a leaving model, or `ms` passing. */
  private release(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.freed.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /**
   * Unloads the model when it is resident and idle, or marks it leaving when it serves requests (it goes
   * when the last one ends); false while it is still loading.
   */
  unload(m: ResolvedModel): boolean {
    return this.memory.unload(m.id);
  }

  /** A load command for a model that is leaving keeps it. */
  keep(m: ResolvedModel): void {
    this.memory.keep(m.id);
  }

  /** Time to process the prompt and per output token, ms (already scaled). */
  timing(m: ResolvedModel, inputTokens: number): { prefillMs: number; perTokenMs: number } {
    const p = m.prefillTokensPerSec;
    return {
      prefillMs: p === 0 ? 0 : this.scaled((inputTokens / p) * 1000),
      perTokenMs: m.tokensPerSec === 0 ? 0 : this.scaled(1000 / m.tokensPerSec),
    };
  }

  /** Records a finished request. */
  finished(inputTokens: number, outputTokens: number, serviceMs: number): void {
    this.totals.requests++;
    this.totals.prompt += inputTokens;
    this.totals.generation += outputTokens;
    this.meter.add(outputTokens, this.now());
    this.serviceEwma = this.serviceEwma === 0 ? serviceMs : 0.9 * this.serviceEwma + 0.1 * serviceMs;
  }

  stats(): EngineStats {
    return {
      slots: this.profile.slots,
      running: this.running,
      waiting: this.waiting.length,
      tokensPerSec: this.meter.rate(this.now()),
      meanServiceMs: this.serviceEwma,
      requestsTotal: this.totals.requests,
      promptTokensTotal: this.totals.prompt,
      generationTokensTotal: this.totals.generation,
    };
  }
}
