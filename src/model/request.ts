import { z } from 'zod';
import { Id, Latitude, Longitude } from './common.js';
import { KNOWN_DIMENSIONS } from './labels.js';

export const VERIFICATION_REQUIREMENTS = ['none', 'vanilla', 'tee', 'zkml'] as const;
export const VerificationRequirement = z.enum(VERIFICATION_REQUIREMENTS);
export type VerificationRequirement = z.infer<typeof VerificationRequirement>;

export const DEFAULT_INDEPENDENCE_DIMENSIONS = ['provider', 'operator', 'asn'];

export const Independence = z.object({
  /** Ordered fallbacks to carry besides the primary. */
  fallbacks: z.number().int().min(0).max(16).default(2),
  /** Dimensions on which primary and fallbacks must all differ. */
  dimensions: z.array(z.string().min(1)).default(DEFAULT_INDEPENDENCE_DIMENSIONS),
  /** Send a hedge copy to the first fallback. */
  hedge: z.boolean().default(false),
});
export type Independence = z.infer<typeof Independence>;

export const Constraints = z.object({
  /** ISO 3166-1 alpha-2 codes the request may execute in. */
  countries: z.array(z.string().length(2)).optional(),
  maxPricePer1kTokens: z.number().min(0).optional(),
  requireTee: z.boolean().default(false),
  independence: Independence.default(Independence.parse({})),
});
export type Constraints = z.infer<typeof Constraints>;

export const Client = z.object({ lat: Latitude, lon: Longitude, metro: Id.optional() });
export type Client = z.infer<typeof Client>;

export const Request = z.object({
  id: z.string().optional(),
  model: Id,
  client: Client,
  inputTokens: z.number().int().min(0).max(10_000_000),
  outputTokens: z.number().int().min(0).max(10_000_000),
  /** End-to-end deadline, ms from arrival. */
  deadlineMs: z.number().positive().optional(),
  verification: VerificationRequirement.default('none'),
  dataset: Id.optional(),
  constraints: Constraints.default(Constraints.parse({})),
});
export type Request = z.infer<typeof Request>;
export type RequestInput = z.input<typeof Request>;

export { KNOWN_DIMENSIONS };
