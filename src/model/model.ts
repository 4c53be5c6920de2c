import { z } from 'zod';
import { AcceleratorClass, Id, VerificationMode } from './common.js';

export const MODEL_KINDS = ['llm', 'onnx', 'embedding'] as const;
export const ModelKind = z.enum(MODEL_KINDS);
export type ModelKind = z.infer<typeof ModelKind>;

/** Speed of one model on one accelerator class. */
export const Performance = z.object({
  /** Prefill time per 1,000 input tokens, ms. */
  prefillMsPer1k: z.number().min(0),
  /** Decode time per output token at batch 1, ms. */
  decodeMsPerToken: z.number().min(0),
  /** Fractional increase of the per-token decode time per extra request in the batch. */
  decodeSlope: z.number().min(0).default(0.02),
  /**
   * Devices (tensor-parallel) these numbers are for. Given, a node with another device count scales
   * its times by the tensor-parallel speedup (src/model/catalog/derive.ts); absent, the numbers hold for
   * any node of the class. The built-in catalog states them for the class's typical node.
   */
  devices: z.number().int().min(1).max(1024).optional(),
});
export type Performance = z.infer<typeof Performance>;

export const VerificationSupport = z.object({
  mode: VerificationMode,
  /** Multiplier on execution time when executing in this mode (1 = free). */
  costFactor: z.number().min(1).default(1),
  /** Time for a verifier to check one result in this mode (attestation or proof check), ms. */
  verifyMs: z.number().min(0).default(0),
});
export type VerificationSupport = z.infer<typeof VerificationSupport>;

export const Model = z.object({
  id: Id,
  kind: ModelKind,
  weightsGb: z.number().positive(),
  /** Performance per accelerator class; a class that is missing cannot serve the model. */
  performance: z.partialRecord(AcceleratorClass, Performance).refine((p) => Object.keys(p).length > 0, {
    message: 'at least one accelerator class',
  }),
  verification: z.array(VerificationSupport).default([{ mode: 'vanilla', costFactor: 1, verifyMs: 0 }]),
});
export type Model = z.infer<typeof Model>;
export type ModelInput = z.input<typeof Model>;
