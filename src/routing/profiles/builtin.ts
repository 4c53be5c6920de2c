/**
 * The built-in routing profiles, in the same YAML a user's `--profiles` file uses. One profile per policy
 * preset of POLICY_NAMES (src/model/policies.ts). Kept in a .ts file so the build ships it with the code.
 */
export const BUILTIN_PROFILES_YAML = `
# Plugin instances: a name, a registered type, and the type's parameters.
plugins:
  healthy: { type: healthy }
  fresh: { type: healthy, parameters: { maxAgeMs: 30000 } }
  warm: { type: warm }
  countries: { type: countries }
  max-price: { type: max-price }
  verification: { type: verification }
  trusted: { type: trusted }
  completion-time: { type: completion-time, parameters: { risk: 0.5 } }
  rtt: { type: rtt }
  queue-wait: { type: queue-wait }
  cold-start: { type: cold-start }
  service: { type: service }
  data-fetch: { type: data-fetch }
  uncertainty: { type: uncertainty }
  outstanding: { type: outstanding }
  # A demoted node (low trust score, not quarantined) pays half its predicted completion time on top.
  demoted: { type: demoted, parameters: { factor: 0.5, risk: 0.5 } }
  no-herd: { type: tolerance, parameters: { relative: 0.05, absoluteMs: 10, choice: weighted } }
  lowest: { type: min }
  uniform: { type: random }
  two-choices: { type: p2c }
  rotate: { type: round-robin }

profiles:
  meridian: &meridian
    description: >-
      predicted completion time (rtt + queue + cold start + service + data fetch, risk-weighted by
      staleness), non-herding pick, independent fallbacks, independent verifiers
    candidates: { mode: nearest, warm: 12, fast: 8, cold: 6, explore: 4 }
    filters: [healthy, trusted, countries, max-price, verification]
    # One pass over the five estimate terms + 0.5 × uncertainty; the same cost as
    # [rtt, queue-wait, cold-start, service, data-fetch, { plugin: uncertainty, weight: 0.5 }]. Then
    # the trust penalty: a demoted node is picked only when predicted over 1.5× faster.
    scorers: [completion-time, demoted]
    picker: no-herd
    fallbacks: independent
    relax: [asn, operator, provider]
    deadline: best-effort
    verification: { verifiers: 1, dimensions: [provider, operator, asn, country], spotCheckRate: 0 }
    # Loads and unloads models ahead of forecast demand (src/warmset/controller.ts); the router itself
    # starts a second replica when the warm ones queue (src/routing/load-ahead.ts).
    warmset: { controller: true, loadAhead: true }

  random:
    description: "today's SDK: a uniformly random healthy node that serves the model"
    candidates: { mode: sample, size: 8 }
    filters: [healthy, countries, max-price, verification]
    picker: uniform
    fallbacks: ranked

  round-robin:
    description: every capable healthy node in turn
    candidates: { mode: all }
    filters: [healthy, countries, max-price, verification]
    picker: rotate
    fallbacks: ranked

  nearest:
    description: the capable healthy node with the smallest round trip, warm or not
    candidates: { mode: nearest, warm: 0, fast: 0, cold: 8, explore: 0 }
    filters: [healthy, countries, max-price, verification]
    scorers: [rtt]
    picker: lowest
    fallbacks: ranked

  least-loaded:
    description: the capable healthy node with the fewest outstanding requests per slot (full scan)
    candidates: { mode: all }
    filters: [healthy, countries, max-price, verification]
    scorers: [outstanding]
    picker: lowest
    fallbacks: ranked

  p2c:
    description: "Envoy's least-request: two random capable healthy nodes, the less loaded wins"
    candidates: { mode: sample, size: 8 }
    filters: [healthy, countries, max-price, verification]
    scorers: [outstanding]
    picker: two-choices
    fallbacks: ranked

  nearest-warm:
    description: the nearest capable healthy node with the model loaded (the nearest at all when none is)
    candidates: { mode: nearest, warm: 8, fast: 0, cold: 8, explore: 0 }
    filters: [healthy, countries, max-price, verification, warm]
    scorers: [rtt]
    picker: lowest
    fallbacks: ranked

  warm-least-loaded:
    description: >-
      the least loaded (outstanding per slot) capable healthy node among those with the model loaded
      (among all when none is; full scan)
    candidates: { mode: all }
    filters: [healthy, countries, max-price, verification, warm]
    scorers: [outstanding]
    picker: lowest
    fallbacks: ranked

  opengradient:
    description: >-
      OpenGradient's SDK today: uniformly random among nodes with a heartbeat in the last 30 s that
      support the requested verification
    candidates: { mode: all }
    filters: [fresh, verification]
    picker: uniform
    fallbacks: ranked

  # The two ablations below take every key of meridian (a YAML merge) and change one.
  meridian-static:
    <<: *meridian
    description: >-
      meridian with learning off: the same estimate from catalog physics only, never refined by observed
      outcomes
    estimate: { learn: false }

  meridian-reactive:
    <<: *meridian
    description: >-
      meridian with the warm-set controller off: models load when a request reaches a node without them
      or when the router starts a second replica beside a queue, and memory is freed least recently used
      first
    warmset: { controller: false, loadAhead: true }
`;
