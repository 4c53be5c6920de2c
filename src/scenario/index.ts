/** Scenario files: schema, loader, built-in model catalog and helpers the simulator and CLI share. */
export { BUILTIN_CATALOG, BUILTIN_MODELS, builtinModel } from '../model/catalog/models.js';
export { canServe, residentCapacityGb, residentFootprintGb } from './fit.js';
export { scenarioJsonSchema, scenarioJsonSchemaText } from './json-schema.js';
export { loadScenarioFile, loadScenarioText } from './load.js';
export { ScenarioFile, type ScenarioFileInput } from './schema.js';
export { matchesSelector, nodeDimensionValue } from './selector.js';
export { type ScenarioSummary, summarizeScenario } from './summary.js';
export type * from './types.js';
