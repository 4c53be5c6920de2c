/** Network views and state: what the router decides on. */
export { type Dynamics, TIER_GPU, TIER_HOST_RAM, TIER_LOCAL_DISK, TIER_REMOTE } from './dynamics.js';
export { NetworkState, type NodeTelemetry, type Snapshot } from './state.js';
export { Topology, type TopologyInput, type TopologyOptions } from './topology.js';
export { type NetworkView, telemetryAgeMs, warmCount } from './view.js';
