import { z } from 'zod';

/**
 * The `failures` section. A selector names the nodes a failure hits: `{ dimension: value | [values] }`,
 * every entry must match. Dimensions are label dimensions (provider, asn, operator, country, upstream, …)
 * or the node fields `id`, `metro`, `region` and `accelerator`. An unknown dimension matches no node; an
 * empty selector is refused (it would mean "every node").
 */

const SelectorValue = z.union(
  [z.string().min(1), z.number(), z.array(z.union([z.string().min(1), z.number()])).min(1)],
  {
    error: 'expected a value or a list of values',
  },
);

export const Selector = z.record(z.string().min(1), SelectorValue).refine((s) => Object.keys(s).length > 0, {
  message: 'an empty selector would match every node; name at least one dimension (e.g. provider: aws)',
});
export type SelectorInput = z.infer<typeof Selector>;

export const OutageInput = z.strictObject({
  kind: z.literal('outage'),
  atS: z.number().min(0),
  durationS: z.number().positive(),
  selector: Selector,
});

export const RandomFailuresInput = z.strictObject({
  kind: z.literal('random'),
  /** Mean time between failures of each selected node, hours. */
  mtbfHours: z.number().positive(),
  /** Mean time to repair, minutes. */
  mttrMinutes: z.number().positive(),
  /** Nodes subject to random failures (default: every node). */
  selector: Selector.optional(),
});

export const FailureInput = z.discriminatedUnion('kind', [OutageInput, RandomFailuresInput]);
export type FailureInput = z.infer<typeof FailureInput>;
