import type { POLICY_NAMES } from '../../model/policies.js';

/**
 * One colour per policy, fixed by name, so a policy looks the same in every chart of every report whatever
 * policies a run compares. meridian is the strong red; the lower bound is black (see LOWER_BOUND_COLOR).
 */
export const POLICY_COLORS: Readonly<Record<(typeof POLICY_NAMES)[number], string>> = {
  random: '#7f7f7f',
  'round-robin': '#8c564b',
  nearest: '#1f77b4',
  'least-loaded': '#2ca02c',
  p2c: '#ff7f0e',
  'nearest-warm': '#6baed6',
  'warm-least-loaded': '#74c476',
  opengradient: '#fdae6b',
  'meridian-static': '#fc9272',
  'meridian-reactive': '#a50f15',
  meridian: '#d62728',
};

/** For policy names outside the built-in set (a profiles file): picked by a hash of the name. */
const EXTRA_COLORS = ['#9467bd', '#e377c2', '#17becf', '#bcbd22', '#393b79', '#637939', '#843c39', '#7b4173'];

export const LOWER_BOUND_COLOR = '#000000';

/** Muted colours for non-policy parts (providers in the share chart), none of them a policy colour. */
export const PART_COLORS = [
  '#9ecae1',
  '#fdd0a2',
  '#c7e9c0',
  '#dadaeb',
  '#fcbba1',
  '#d9d9d9',
  '#c6dbef',
  '#fdae6b',
  '#a1d99b',
];
export const OTHER_COLOR = '#eeeeee';

export function policyColor(name: string): string {
  const fixed = (POLICY_COLORS as Record<string, string>)[name];
  if (fixed !== undefined) return fixed;
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) >>> 0;
  return EXTRA_COLORS[h % EXTRA_COLORS.length]!;
}

/** Values spread wider than this ratio (largest ÷ smallest positive) are drawn on a log axis. */
export const LOG_SCALE_RATIO = 20;

/** Whether the positive values span more than LOG_SCALE_RATIO (one policy dwarfs the others). */
export function wantsLogScale(values: readonly (number | null | undefined)[]): boolean {
  const pos = values.filter((v): v is number => v !== null && v !== undefined && Number.isFinite(v) && v > 0);
  if (pos.length < 2) return false;
  return Math.max(...pos) / Math.min(...pos) > LOG_SCALE_RATIO;
}
