import { z } from 'zod';
import { Id } from '../../model/common.js';

/**
 * The `liars` section: simulated nodes whose claims differ from what they do. Each entry names one node
 * (`node`) or draws `count` distinct inference nodes with the scenario seed, and says how they lie:
 * - `warm`: reports every model it can serve as loaded in accelerator memory;
 * - `queue`: reports nothing running and nothing waiting;
 * - `location`: registers at another place (`claim`, a metro id; default: the busiest demand metro at
 *   least 2,000 km from where it is), while its round trips are those of where it is;
 * - `output`: returns a wrong output for a share `rate` of requests.
 * `rate` is the share of telemetry reports (warm, queue) or outputs (output) that lie.
 */
export const LIES = ['warm', 'queue', 'location', 'output'] as const;
export type Lie = (typeof LIES)[number];

export const LiarInput = z
  .strictObject({
    lie: z.enum(LIES).describe('What the node lies about'),
    node: Id.optional().describe('The lying node; or draw `count` nodes'),
    count: z.number().int().min(1).max(100_000).optional().describe('Nodes to draw with the seed'),
    rate: z.number().gt(0).max(1).default(1).describe('Share of reports or outputs that lie'),
    claim: Id.optional().describe('location: the metro the node claims to be in'),
  })
  .refine((l) => (l.node === undefined) !== (l.count === undefined), {
    message: 'give exactly one of node and count',
  })
  .refine((l) => l.claim === undefined || l.lie === 'location', {
    message: 'claim is only for lie: location',
  });
export type LiarInput = z.infer<typeof LiarInput>;
