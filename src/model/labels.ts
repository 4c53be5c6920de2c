import { z } from 'zod';

/** Where a label value comes from: checked by attestation, declared by the operator, or inferred (IP → ASN). */
export const PROVENANCES = ['attested', 'declared', 'inferred'] as const;
export const Provenance = z.enum(PROVENANCES);
export type Provenance = z.infer<typeof Provenance>;

/** Dimensions every node carries. */
export const REQUIRED_DIMENSIONS = ['provider', 'asn', 'datacenter', 'operator', 'country'] as const;
/** Dimensions with a defined meaning that a node may carry. Any other dimension name is allowed too. */
export const KNOWN_DIMENSIONS = [...REQUIRED_DIMENSIONS, 'upstream', 'teeVendor', 'client'] as const;
export type KnownDimension = (typeof KNOWN_DIMENSIONS)[number];

export const Label = z.object({
  value: z.string().min(1),
  provenance: Provenance,
});
export type Label = z.infer<typeof Label>;

/**
 * A label as written in a file: either the full `{value, provenance}` or a bare value (string or number,
 * e.g. `asn: 24940`), which is taken as `declared`.
 */
export const LabelInput = z
  .union([
    z.string().min(1),
    z.number().int().nonnegative(),
    z.object({ value: z.union([z.string().min(1), z.number()]), provenance: Provenance.default('declared') }),
  ])
  .transform((v): Label => {
    if (typeof v === 'string') return { value: v, provenance: 'declared' };
    if (typeof v === 'number') return { value: String(v), provenance: 'declared' };
    return { value: String(v.value), provenance: v.provenance };
  });

const dimensionName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'a dimension name (letters, digits, _)');

/** An open map dimension → label; `provider`, `asn`, `datacenter`, `operator` and `country` are required. */
export const Labels = z
  .record(dimensionName, LabelInput)
  .superRefine((labels, ctx) => {
    for (const dim of REQUIRED_DIMENSIONS) {
      if (!(dim in labels)) {
        ctx.addIssue({ code: 'custom', message: `missing required label "${dim}"`, path: [dim] });
      }
    }
  })
  .transform(
    (labels) => labels as Record<string, Label> & Record<(typeof REQUIRED_DIMENSIONS)[number], Label>,
  );
export type Labels = z.infer<typeof Labels>;

/** The value of a node's label on one dimension, or undefined. */
export function labelValue(labels: Record<string, Label>, dimension: string): string | undefined {
  return labels[dimension]?.value;
}
