/** Progress of a run for a terminal: one line with bar, policies, simulated time, events per second, ETA. */

/** One report from a policy's run, from this thread or a worker's. */
export interface PolicyProgress {
  policy: string;
  /** 0-based index of the policy and the number of policies. */
  index: number;
  of: number;
  simMs: number;
  events: number;
  /** True once, when the policy's run has finished. */
  done?: boolean;
}

interface Running {
  policy: string;
  simMs: number;
  events: number;
  startedMs: number;
}

function clock(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

function rate(perS: number): string {
  if (perS >= 1e6) return `${(perS / 1e6).toFixed(1)}M`;
  if (perS >= 1e3) return `${(perS / 1e3).toFixed(0)}k`;
  return perS.toFixed(0);
}

/**
 * Collects the progress of the policies of one run, however many run at once, and draws the line. The
 * share done is the mean over policies of simulated time ÷ run time (1 for a finished policy); the
 * simulated time shown is the furthest-behind running policy's; events per second are summed over the
 * running policies.
 */
export class ProgressBoard {
  private readonly running = new Map<number, Running>();
  private readonly finished = new Set<number>();
  private of = 0;

  constructor(
    private readonly endMs: number,
    private readonly startedMs: number,
  ) {}

  /** Takes one report; `nowMs` is the wall clock (the same clock as `startedMs`). */
  update(p: PolicyProgress, nowMs: number): void {
    this.of = p.of;
    if (p.done) {
      this.running.delete(p.index);
      this.finished.add(p.index);
      return;
    }
    const r = this.running.get(p.index);
    if (r === undefined) {
      this.running.set(p.index, { policy: p.policy, simMs: p.simMs, events: p.events, startedMs: nowMs });
    } else {
      r.simMs = p.simMs;
      r.events = p.events;
    }
  }

  /** The line (no newline), `width` characters of bar. */
  line(nowMs: number, width = 24): string {
    const within = (simMs: number) => (this.endMs > 0 ? Math.min(1, simMs / this.endMs) : 1);
    const running = [...this.running.entries()].sort((a, b) => a[0] - b[0]);
    let sum = this.finished.size;
    let evps = 0;
    let behindMs = Number.POSITIVE_INFINITY;
    for (const [, r] of running) {
      sum += within(r.simMs);
      const ms = nowMs - r.startedMs;
      if (ms > 0) evps += (r.events / ms) * 1000;
      behindMs = Math.min(behindMs, r.simMs);
    }
    const overall = this.of > 0 ? Math.min(1, sum / this.of) : 1;
    const filled = Math.round(overall * width);
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    const elapsed = nowMs - this.startedMs;
    const eta = overall > 0.001 ? (elapsed / overall) * (1 - overall) : Number.NaN;
    const etaText = Number.isFinite(eta) ? clock(eta) : '–';
    const label =
      running.length === 1
        ? `${running[0]![0] + 1}/${this.of} ${running[0]![1].policy}`
        : `${this.finished.size}/${this.of} done, running ${running.map(([, r]) => r.policy).join(' ') || '–'}`;
    const sim = Number.isFinite(behindMs) ? Math.min(behindMs, this.endMs) : this.endMs;
    return `${bar} ${(overall * 100).toFixed(0).padStart(3)}%  ${label}  sim ${clock(sim)}/${clock(this.endMs)}  ${rate(evps)} ev/s  ETA ${etaText}`;
  }
}
