/** The routing engine's public API. */
export type { Filter, Picker, Scorer } from './contracts.js';
export { MAX_SCORE_MS } from './contracts.js';
export type {
  Receipt,
  ReceiptCandidate,
  Relaxation,
  RouteDecision,
  RouteErrorCode,
  RouteFailure,
  RouteOk,
} from './decision.js';
export { BUILTIN_PLUGINS, defaultRegistry } from './plugins/index.js';
export type { Policy, ProfileSpec } from './policy.js';
export { builtinPolicies, isPolicyName, loadProfiles, policyByName } from './profiles.js';
export { RouteQuery } from './query.js';
export { definePlugin, PluginRegistry, type PluginType } from './registry.js';
export { parseRequest } from './request.js';
export { type RouteOptions, route } from './route.js';
