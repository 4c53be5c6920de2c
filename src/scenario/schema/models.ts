import { z } from 'zod';
import { Id } from '../../model/common.js';
import { Dataset } from '../../model/dataset.js';
import { Model } from '../../model/model.js';
import { RegionName } from './common.js';

/** The `models` and `datasets` sections. */

/**
 * Models of the scenario: the built-in catalog (`catalog: builtin`, optionally narrowed by `include` or
 * `exclude`) and/or models defined in full under `custom`. Popularity order: included ids in the order
 * given (else catalog order), then custom models.
 */
export const ModelsInput = z
  .strictObject({
    catalog: z.literal('builtin').optional(),
    include: z.array(Id).min(1).optional(),
    exclude: z.array(Id).min(1).optional(),
    custom: z.array(z.strictObject(Model.shape)).default([]),
  })
  .superRefine((m, ctx) => {
    if (m.catalog === undefined && m.custom.length === 0) {
      ctx.addIssue({ code: 'custom', message: 'expected catalog: builtin and/or custom models', path: [] });
    }
    for (const field of ['include', 'exclude'] as const) {
      if (m[field] !== undefined && m.catalog === undefined) {
        ctx.addIssue({ code: 'custom', message: 'only together with catalog: builtin', path: [field] });
      }
    }
    if (m.include !== undefined && m.exclude !== undefined) {
      ctx.addIssue({
        code: 'custom',
        message: 'give either include or exclude, not both',
        path: ['exclude'],
      });
    }
  });
export type ModelsInput = z.infer<typeof ModelsInput>;

/** Picks `count` data nodes (spread over distinct metros first), optionally within metros/regions/providers. */
export const HeldBySelector = z.strictObject({
  count: z.number().int().min(1).max(1000),
  metros: z.array(Id).min(1).optional(),
  regions: z.array(RegionName).min(1).optional(),
  providers: z.array(Id).min(1).optional(),
});

/** A dataset; `heldBy` lists data-node ids or selects data nodes. */
export const DatasetInput = z.strictObject({
  ...Dataset.shape,
  heldBy: z.union([z.array(Id).min(1), HeldBySelector], {
    error: 'expected a list of data-node ids or { count, metros?, regions?, providers? }',
  }),
});
export type DatasetInput = z.infer<typeof DatasetInput>;
