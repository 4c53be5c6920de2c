/** Scenario files: schema, loader, built-in model catalog and helpers the simulator and CLI share. */

export { canHold, canServe, residentCapacityGb, residentFootprintGb } from '../model/capability.js';
export { BUILTIN_CATALOG, BUILTIN_MODELS, builtinModel } from './catalog/models.js';
export { scenarioJsonSchema, scenarioJsonSchemaText } from './json-schema.js';
export { loadScenarioFile, loadScenarioText } from './load.js';
export { ScenarioFile, type ScenarioFileInput } from './schema.js';
export { matchesSelector, nodeDimensionValue } from './selector.js';
export { type ScenarioSummary, summarizeScenario } from './summary.js';
export type * from './types.js';
