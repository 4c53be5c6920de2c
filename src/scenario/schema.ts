import { z } from 'zod';
import { POLICY_NAMES } from '../model/policies.js';
import { MAX_DURATION_S } from './limits.js';
import { DemandInput } from './schema/demand.js';
import { FailureInput } from './schema/failures.js';
import { LiarInput } from './schema/liars.js';
import { DatasetInput, ModelsInput } from './schema/models.js';
import { NetworkInput } from './schema/network.js';
import { TruthInput } from './schema/truth.js';

export * from './schema/common.js';
export * from './schema/demand.js';
export * from './schema/failures.js';
export * from './schema/liars.js';
export * from './schema/models.js';
export * from './schema/network.js';
export * from './schema/truth.js';

/**
 * A scenario file as written: the network (listed nodes and generators), models, datasets, demand,
 * failures and the routing policies to compare. Every object is strict, so a misspelt field is reported
 * as unknown. `resolve.ts` turns a parsed file into the resolved `Scenario` (see `types.ts`).
 */
export const ScenarioFile = z.strictObject({
  name: z.string().min(1).max(200).describe('Short name of the scenario'),
  description: z.string().default('').describe('What the scenario demonstrates'),
  /** Seed of every random choice made from this file (generators, datasets, the simulation). */
  seed: z
    .number()
    .int()
    .min(0)
    .max(0xffffffff)
    .describe('Seed of every random choice: generators, dataset placement, the simulation'),
  durationS: z.number().positive().max(MAX_DURATION_S).describe('Simulated time, seconds (at most 31 days)'),
  /** Age of the telemetry the router sees, ms. */
  stalenessMs: z.number().min(0).default(1000).describe('Age of the telemetry the router sees, ms'),
  /** Measured RTT data, paths relative to the scenario file. */
  rtt: z.strictObject({ matrix: z.string().min(1), coords: z.string().min(1).optional() }).optional(),
  /** Hidden deviations of the simulated nodes from the catalog (the router never sees them). */
  truth: TruthInput.optional(),
  /** Nodes that lie about being warm, their queue, their place or their output (the router is not told). */
  liars: z.array(LiarInput).optional().describe('Simulated nodes whose claims differ from what they do'),
  network: NetworkInput,
  models: ModelsInput,
  datasets: z.array(DatasetInput).default([]),
  demand: DemandInput,
  failures: z.array(FailureInput).default([]),
  /** Checked against the resolvable names where they are known (`simulate`, with its `--profiles`). */
  policies: z
    .array(z.string().min(1))
    .describe(
      `Routing policies to compare: built-in profiles (${POLICY_NAMES.join(', ')}) or profiles of the file given to simulate --profiles`,
    )
    .min(1)
    .refine((p) => new Set(p).size === p.length, 'policies must not repeat')
    .default([...POLICY_NAMES]),
});
export type ScenarioFile = z.infer<typeof ScenarioFile>;
export type ScenarioFileInput = z.input<typeof ScenarioFile>;
