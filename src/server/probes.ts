import type { BreakerBoard } from './breakers.js';
import type { Upstreams } from './upstream.js';

export interface ProbeOptions {
  intervalMs: number;
  timeoutMs: number;
  path: string;
}

/**
 * Active probes: every `intervalMs`, a GET of `path` on each node. A failed probe counts against the
 * node's breaker like a failed request (so a dead node is found without sacrificing client requests). A
 * successful probe changes nothing: answering a GET proves little about completions (a node can answer
 * probes and hang every completion), so only a real request that succeeds closes a breaker.
 */
export class Prober {
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly upstreams: Upstreams,
    private readonly breakers: BreakerBoard,
    private readonly nodeIds: () => string[],
    private readonly opt: ProbeOptions,
    private readonly now: () => number = Date.now,
    /** Each probe's outcome; `ms` is the round trip the coordinator measured (headers and body). */
    private readonly onResult?: (nodeId: string, ok: boolean, ms: number) => void,
  ) {}

  start(): void {
    if (this.opt.intervalMs <= 0 || this.timer !== undefined) return;
    this.timer = setInterval(() => void this.round(), this.opt.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Probes every node once (skipped while the previous round is still running). */
  async round(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await Promise.all(this.nodeIds().map((id) => this.probe(id)));
    } finally {
      this.running = false;
    }
  }

  async probe(nodeId: string): Promise<boolean> {
    let ok = false;
    const t0 = performance.now();
    try {
      const res = await this.upstreams.request(nodeId, {
        method: 'GET',
        path: this.opt.path,
        signal: AbortSignal.timeout(this.opt.timeoutMs),
        headersTimeoutMs: this.opt.timeoutMs,
      });
      await res.body.arrayBuffer();
      ok = res.statusCode < 500;
    } catch {
      ok = false;
    }
    if (!ok) this.breakers.failure(nodeId, this.now());
    this.onResult?.(nodeId, ok, performance.now() - t0);
    return ok;
  }
}
