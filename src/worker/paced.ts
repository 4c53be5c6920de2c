/**
 * An open-loop load generator: request k is sent at `start + k / rate` whatever happened to earlier
 * requests, so a slow server cannot slow the offered load down (no coordinated omission). Latency is
 * measured from the scheduled send time, so generator lag counts against the server, not for it.
 *
 * (autocannon's `overallRate` is not used for latency: each connection sends its per-second quota back
 * to back at the start of every second — lib/httpClient.js `reqsMadeThisSecond` — which measures burst
 * queueing rather than a fixed rate.)
 */

export interface PacedResult {
  /** Latency of each successful request, ms, in completion order. */
  latenciesMs: Float64Array;
  ok: number;
  failed: number;
  /** Requests per second actually sent (sent ÷ elapsed). */
  sentRate: number;
  /** Largest lag of a send behind its schedule, ms. */
  maxLagMs: number;
}

export interface PacedOptions {
  rate: number;
  durationMs: number;
  /** Sends one request; resolves true when it succeeded. Must not throw. */
  send: () => Promise<boolean>;
  /** Cap on requests waiting for an answer; beyond it a send counts as failed (default 10,000). */
  maxOutstanding?: number;
  /**
   * Waits below 1 ms (timers cannot): without it the generator polls with `setImmediate`, which keeps one
   * core busy — unfair to the servers under test on a small machine (bench/precise-sleep.ts gives one).
   */
  sleep?: (ms: number) => Promise<void>;
}

export async function paced(opt: PacedOptions): Promise<PacedResult> {
  const total = Math.max(0, Math.floor((opt.rate * opt.durationMs) / 1000));
  const latencies = new Float64Array(total);
  const maxOutstanding = opt.maxOutstanding ?? 10_000;
  let ok = 0;
  let failed = 0;
  let sent = 0;
  let outstanding = 0;
  let maxLagMs = 0;
  const start = performance.now();
  const interval = 1000 / opt.rate;

  const fire = (scheduled: number) => {
    if (outstanding >= maxOutstanding) {
      failed++;
      return;
    }
    outstanding++;
    void opt.send().then((good) => {
      outstanding--;
      if (good) latencies[ok++] = performance.now() - scheduled;
      else failed++;
    });
  };

  while (sent < total) {
    const now = performance.now();
    while (sent < total && start + sent * interval <= now) {
      const scheduled = start + sent * interval;
      maxLagMs = Math.max(maxLagMs, now - scheduled);
      fire(scheduled);
      sent++;
    }
    const next = start + sent * interval - performance.now();
    if (next <= 1 && opt.sleep !== undefined) await opt.sleep(next);
    else await new Promise<void>((r) => (next > 1 ? setTimeout(r, Math.min(next, 5)) : setImmediate(r)));
  }
  while (outstanding > 0) await new Promise<void>((r) => setTimeout(r, 5));
  const elapsed = performance.now() - start;
  return {
    latenciesMs: latencies.slice(0, ok),
    ok,
    failed,
    sentRate: elapsed > 0 ? (sent * 1000) / elapsed : 0,
    maxLagMs,
  };
}
