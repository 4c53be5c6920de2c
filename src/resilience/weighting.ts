import { UsageError } from '../errors.js';
import { isWarm, type Member } from './member.js';

/**
 * What a member weighs in the concentration metrics: one each, its request slots, its accelerator
 * memory, its stake (or imported weight), or 1 when it holds a given model warm (0 otherwise).
 */
export type Weighting =
  | { kind: 'count' }
  | { kind: 'slots' }
  | { kind: 'memory' }
  | { kind: 'stake' }
  | { kind: 'warm'; model: string };

export const WEIGHTING_NAMES = ['count', 'slots', 'memory', 'stake', 'warm:MODEL'] as const;

/** `count`, `slots`, `memory`, `stake` or `warm:MODEL`; UsageError otherwise. */
export function parseWeighting(text: string): Weighting {
  if (text === 'count' || text === 'slots' || text === 'memory' || text === 'stake') return { kind: text };
  if (text.startsWith('warm:') && text.length > 5) return { kind: 'warm', model: text.slice(5) };
  throw new UsageError(`weighting must be one of ${WEIGHTING_NAMES.join(', ')} (got "${text}")`);
}

export function formatWeighting(w: Weighting): string {
  return w.kind === 'warm' ? `warm:${w.model}` : w.kind;
}

/** Stake when any member has a positive stake, otherwise one per member. */
export function defaultWeighting(members: readonly Member[]): Weighting {
  return members.some((m) => (m.stake ?? 0) > 0) ? { kind: 'stake' } : { kind: 'count' };
}

/** The weight of one member (never negative; missing data weighs 0). */
export function weightOf(member: Member, w: Weighting): number {
  let v: number;
  switch (w.kind) {
    case 'count':
      return 1;
    case 'slots':
      v = member.slots ?? 0;
      break;
    case 'memory':
      v = member.hardware === undefined ? 0 : member.hardware.count * member.hardware.memoryGb;
      break;
    case 'stake':
      v = member.stake ?? 0;
      break;
    case 'warm':
      return isWarm(member, w.model) ? 1 : 0;
  }
  return v > 0 && Number.isFinite(v) ? v : 0;
}

/** Every member's weight, in member order. */
export function weightsOf(members: readonly Member[], w: Weighting): Float64Array {
  const out = new Float64Array(members.length);
  for (let i = 0; i < members.length; i++) out[i] = weightOf(members[i]!, w);
  return out;
}
