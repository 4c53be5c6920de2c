import { z } from 'zod';
import { Id } from '../../model/common.js';

/**
 * The `liars` section: simulated nodes whose claims differ from what they do. Each entry names one node
 * (`node`) or draws `count` distinct inference nodes with the scenario seed, and says how they lie:
 * - `warm`: reports every model it can serve as loaded in accelerator memory;
 * - `queue`: reports nothing running and nothing waiting;
 * - `location`: registers at another place (`claim`, a metro id; default: the busiest demand metro at
 *   least 2,000 km from where it is), while its round trips are those of where it is;
 * - `output`: returns a wrong output for a share `rate` of requests;
 * - `speed`: declares hardware that the catalog says is `factor` times faster than the node runs (a
 *   faster accelerator or more of them than it has): every prefill and decode takes `factor` times the
 *   catalog's time for the declared hardware, on top of the node's hidden speed factors and stragglers.
 * `rate` is the share of telemetry reports (warm, queue) or outputs (output) that lie; a speed liar's
 * hardware is what it is, so its rate is 1.
 */
export const LIES = ['warm', 'queue', 'location', 'output', 'speed'] as const;

/** How many times faster than it runs a speed liar's declared hardware is, unless the file says. */
export const DEFAULT_SPEED_LIE_FACTOR = 8;
export type Lie = (typeof LIES)[number];

export const LiarInput = z
  .strictObject({
    lie: z.enum(LIES).describe('What the node lies about'),
    node: Id.optional().describe('The lying node; or draw `count` nodes'),
    count: z.number().int().min(1).max(100_000).optional().describe('Nodes to draw with the seed'),
    rate: z.number().gt(0).max(1).default(1).describe('Share of reports or outputs that lie'),
    claim: Id.optional().describe('location: the metro the node claims to be in'),
    factor: z
      .number()
      .gt(1)
      .max(1000)
      .optional()
      .describe(
        `speed: how many times faster than it runs the declared hardware is (default ${DEFAULT_SPEED_LIE_FACTOR})`,
      ),
  })
  .refine((l) => (l.node === undefined) !== (l.count === undefined), {
    message: 'give exactly one of node and count',
  })
  .refine((l) => l.claim === undefined || l.lie === 'location', {
    message: 'claim is only for lie: location',
  })
  .refine((l) => l.factor === undefined || l.lie === 'speed', {
    message: 'factor is only for lie: speed',
  })
  .refine((l) => l.rate === 1 || l.lie !== 'speed', {
    message: 'a speed liar runs slower on every request: rate must be 1 (or left out)',
  });
export type LiarInput = z.infer<typeof LiarInput>;
