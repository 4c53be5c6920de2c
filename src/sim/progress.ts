/** One line of progress for a terminal: bar, policy, simulated time, events per second, ETA. */

export interface ProgressState {
  policy: string;
  index: number;
  of: number;
  simMs: number;
  endMs: number;
  events: number;
  /** Wall-clock ms since the run started and since this policy started. */
  elapsedMs: number;
  policyElapsedMs: number;
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

/** The progress line (no newline), `width` characters of bar. */
export function progressLine(p: ProgressState, width = 24): string {
  const within = p.endMs > 0 ? Math.min(1, p.simMs / p.endMs) : 1;
  const overall = p.of > 0 ? (p.index + within) / p.of : 1;
  const filled = Math.round(overall * width);
  const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
  const evps = p.policyElapsedMs > 0 ? (p.events / p.policyElapsedMs) * 1000 : 0;
  const eta = overall > 0.001 ? (p.elapsedMs / overall) * (1 - overall) : Number.NaN;
  const etaText = Number.isFinite(eta) ? clock(eta) : '–';
  return `${bar} ${(overall * 100).toFixed(0).padStart(3)}%  ${p.index + 1}/${p.of} ${p.policy}  sim ${clock(Math.min(p.simMs, p.endMs))}/${clock(p.endMs)}  ${rate(evps)} ev/s  ETA ${etaText}`;
}
