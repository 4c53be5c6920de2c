import type { SimInput } from './input.js';

/** A scheduled event of the scenario that has a time window: an outage or a demand burst. */
export interface TimedEvent {
  kind: 'outage' | 'burst';
  /** Where the event is written in the scenario file, e.g. `failures[1]` or `demand.bursts[0]`. */
  field: string;
  at_s: number;
  duration_s: number;
}

/** Outages and bursts of the input, in file order (outages first), with their place in the scenario file. */
export function timedEvents(input: SimInput): TimedEvent[] {
  const out: TimedEvent[] = [];
  input.failures.forEach((f, i) => {
    if (f.kind === 'outage') {
      out.push({ kind: 'outage', field: `failures[${i}]`, at_s: f.atS, duration_s: f.durationS });
    }
  });
  if (input.demand.kind === 'generated') {
    input.demand.bursts.forEach((b, i) => {
      out.push({ kind: 'burst', field: `demand.bursts[${i}]`, at_s: b.atS, duration_s: b.durationS });
    });
  }
  return out;
}

/**
 * One warning per event that does not lie wholly inside [0, durationS): such an event is cut short (or
 * never happens), so the run does not show what the scenario describes.
 */
export function durationWarnings(events: readonly TimedEvent[], durationS: number): string[] {
  const out: string[] = [];
  for (const e of events) {
    const end = e.at_s + e.duration_s;
    if (end <= durationS) continue;
    const what = `${e.field}: ${e.kind} from ${fmt(e.at_s)} s to ${fmt(end)} s`;
    const run = `the ${fmt(durationS)} s run`;
    const why =
      e.at_s >= durationS
        ? `falls outside ${run} and never happens`
        : `is cut short by ${run} (only ${fmt(durationS - e.at_s)} of its ${fmt(e.duration_s)} s are simulated)`;
    out.push(`${what} ${why}; use a duration of at least ${fmt(end)} s`);
  }
  return out;
}

function fmt(s: number): string {
  return String(Math.round(s * 1000) / 1000);
}
