import type { CommandEntry } from './command.js';

/**
 * Every command of the `meridian` binary: name, one-line summary, and a loader, so that `meridian --help` and
 * each command load only the code they need. Add a command with one entry here.
 */
export const COMMANDS: CommandEntry[] = [
  {
    name: 'scenario validate',
    summary: 'check scenario files (syntax, schema, references) and report every problem',
    load: async () => (await import('./scenario-validate.js')).scenarioValidate,
  },
  {
    name: 'scenario show',
    summary: 'summarise a scenario: nodes, models and warm replicas, demand, failures',
    load: async () => (await import('./scenario-show.js')).scenarioShow,
  },
  {
    name: 'rtt evaluate',
    summary: 'compare the distance RTT model and Vivaldi coordinates on held-out measured pairs',
    load: async () => (await import('./rtt-evaluate.js')).rttEvaluate,
  },
  {
    name: 'route',
    summary:
      'decide where one request runs (primary, independent fallbacks, verifiers), with --explain terms',
    load: async () => (await import('./route.js')).routeCommand,
  },
  {
    name: 'simulate',
    summary: 'compare routing policies on a scenario against a clairvoyant lower bound',
    load: async () => (await import('./simulate.js')).simulate,
  },
  {
    name: 'analyze',
    summary: 'independence analysis: concentration, dependency clusters, per-model cuts, what-if outages',
    load: async () => (await import('./analyze.js')).analyze,
  },
  {
    name: 'place',
    summary: 'where to add nodes and which models to keep warm (MILP or greedy)',
    load: async () => (await import('./place.js')).place,
  },
  {
    name: 'score-node',
    summary: "a proposed node's marginal effect on independence and coverage, with a verdict",
    load: async () => (await import('./score-node.js')).scoreNodeCommand,
  },
  {
    name: 'demand',
    summary: 'demand per place and model (coordinator, trace or simulation): forecast and growth report',
    load: async () => (await import('./demand.js')).demandCommand,
  },
  {
    name: 'serve',
    summary: 'run the coordinator: registry, telemetry, route API and OpenAI-compatible gateway',
    load: async () => (await import('./serve.js')).serve,
  },
  {
    name: 'agent',
    summary: 'run the node agent beside an inference server (discovery, registration, heartbeats)',
    load: async () => (await import('./agent.js')).agent,
  },
  {
    name: 'worker',
    summary: 'run an emulated inference server (optionally with its node agent)',
    load: async () => (await import('./worker.js')).worker,
  },
  {
    name: 'start',
    summary: 'run a local fleet: coordinator, emulated workers in distant metros, traffic, live summary',
    load: async () => (await import('./start.js')).start,
  },
];
