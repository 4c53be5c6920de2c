export * from '../stats/index.js';
export { type AnalyzeOptions, analyzeNetwork, type NetworkAnalysis } from './analyze.js';
export { type ClusterSummary, type DependencyCluster, dependencyClusters } from './clusters.js';
export {
  type Concentration,
  concentration,
  type DimensionConcentration,
  type MinimumOverDimensions,
  type ValueShare,
} from './concentration.js';
export type { DemandPoint, GeoContext, Place } from './geo-context.js';
export { type HittingSetResult, minHittingSet } from './hitting-set.js';
export { type MarginalEffect, marginalEffect, marginalOf, prepareMarginal } from './marginal.js';
export { type Domain, dimensionsOf, isCapable, isWarm, type Member, type ModelLike } from './member.js';
export type { DomainCut, ModelResilience } from './models.js';
export { formatSelector, parseSelector, type Selector } from './selector.js';
export { defaultWeighting, formatWeighting, parseWeighting, type Weighting, weightOf } from './weighting.js';
export type { OutageResult, RegionCapacity, RegionLatencyChange } from './whatif.js';
