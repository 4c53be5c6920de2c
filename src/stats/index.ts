export { effectiveNumber } from './effective.js';
export { entropy, expEntropy } from './entropy.js';
export { hhi } from './hhi.js';
export { NAKAMOTO_THRESHOLDS, type NakamotoThreshold, nakamoto, nakamotoAll } from './nakamoto.js';
export { positiveWeight, shares, totalWeight } from './shares.js';
