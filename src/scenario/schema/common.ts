import { z } from 'zod';
import { REGIONS } from '../../geo/metros.js';
import { Id } from '../../model/common.js';

/** Building blocks shared by the scenario file's sections. */

/** A share of a population, in [0, 1]. */
export const Share = z.number().min(0).max(1);

/** Relative weights by id (need not sum to 1; normalised when resolved); at least one must be positive. */
export const Weights = z
  .record(Id, z.number().min(0))
  .refine((w) => Object.values(w).some((v) => v > 0), { message: 'expected at least one positive weight' });
export type Weights = z.infer<typeof Weights>;

/** Weights by metro id, or `demand` for the catalog's demand weights (metro population). */
export const MetroWeights = z.union([z.literal('demand'), Weights], {
  error: 'expected "demand" or weights by metro id ({ frankfurt: 3, paris: 2 })',
});
export type MetroWeights = z.infer<typeof MetroWeights>;

export const RegionName = z.enum(REGIONS);

/** A number, or a uniform range `{ min, max }`. */
export const NumberRange = z.union(
  [
    z.number().min(0),
    z
      .strictObject({ min: z.number().min(0), max: z.number().min(0) })
      .refine((r) => r.min <= r.max, { message: 'expected min ≤ max', path: ['max'] }),
  ],
  { error: 'expected a number ≥ 0 or { min, max }' },
);
export type NumberRange = z.infer<typeof NumberRange>;

/** An integer, or a uniform integer range `{ min, max }`. */
export const IntRange = z.union(
  [
    z.number().int().min(1),
    z
      .strictObject({ min: z.number().int().min(1), max: z.number().int().min(1) })
      .refine((r) => r.min <= r.max, { message: 'expected min ≤ max', path: ['max'] }),
  ],
  { error: 'expected an integer ≥ 1 or { min, max }' },
);
export type IntRange = z.infer<typeof IntRange>;

/**
 * A distribution of a non-negative quantity (token counts, deadlines): a bare number or `{ fixed }` for a
 * constant, or `{ median, sigma }` for a log-normal, optionally clipped to `[min, max]`.
 */
export const Distribution = z.union(
  [
    z.number().min(0),
    z.strictObject({ fixed: z.number().min(0) }),
    z
      .strictObject({
        median: z.number().positive(),
        sigma: z.number().min(0).max(5),
        min: z.number().min(0).optional(),
        max: z.number().positive().optional(),
      })
      .refine((d) => d.min === undefined || d.max === undefined || d.min <= d.max, {
        message: 'expected min ≤ max',
        path: ['max'],
      }),
  ],
  { error: 'expected a number, { fixed: n } or { median, sigma, min?, max? }' },
);
export type Distribution = z.infer<typeof Distribution>;
