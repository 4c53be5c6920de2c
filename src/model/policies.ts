/**
 * Routing policy presets by name. The routing engine implements each; scenario files and the CLI refer to
 * them by these names. `oracle` is the simulator's clairvoyant lower bound, not a deployable policy.
 */
export const POLICY_NAMES = [
  'random',
  'round-robin',
  'nearest',
  'least-loaded',
  'p2c',
  'nearest-warm',
  'warm-least-loaded',
  'opengradient',
  'meridian-static',
  'meridian',
  'meridian-reactive',
] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];
