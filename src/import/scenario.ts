import { loadScenarioFile } from '../scenario/load.js';
import type { LoadedNetwork } from './load.js';

/**
 * Loads the nodes and models of a scenario file as a network to analyse, with its demand: the client
 * metros' shares (latency is weighted by them) and the models' popularity.
 */
export async function loadScenarioNetwork(path: string): Promise<LoadedNetwork> {
  const scenario = loadScenarioFile(path);
  return {
    source: path,
    format: 'scenario',
    members: scenario.nodes,
    models: scenario.models,
    demand: new Map(scenario.demand.metros.map((m) => [m.id, m.weight])),
    modelWeights: new Map(scenario.demand.models.map((m) => [m.id, m.weight])),
    scenario,
  };
}
