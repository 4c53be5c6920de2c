import { ACCELERATORS, type AcceleratorSpec } from '../accelerators.js';
import { fitsResident } from '../capability.js';
import { ACCELERATOR_CLASSES, type AcceleratorClass } from '../common.js';
import type { ModelInput, ModelKind, Performance, VerificationSupport } from '../model.js';

/**
 * How the built-in catalog turns a model's public facts (parameters, precision) into per-accelerator
 * performance. Nothing here is measured per model; every number follows from the constants below and the
 * accelerator datasheets in `src/model/accelerators.ts`.
 *
 * - Devices used: the smallest power of two n ≤ the class's typical node size whose memory holds the
 *   weights plus FIT_HEADROOM (KV cache, activations; `src/model/capability.ts`). A class where even the typical node cannot hold the
 *   weights is left out of the model's performance (it cannot serve the model).
 * - Decode at batch 1 is memory-bound: ms/token = active weight bytes / (n × bandwidth × BANDWIDTH_EFFICIENCY).
 * - Prefill is compute-bound: ms per 1k input tokens = FLOPs per token × 1000 / (n × TFLOPS × PREFILL_MFU),
 *   with FLOPs per token = 2 × active parameters (or the published per-input FLOPs of a vision model).
 * - decodeSlope (fractional slow-down per extra request in the batch): each extra sequence adds its own
 *   compute for one token (at the prefill MFU) plus reading its KV cache, assumed to be KV_READ_RATIO of the
 *   weight bytes (about a 1–2k-token context on a grouped-query-attention model).
 * - `api` (a proxy node calling a hosted API) gets a fixed profile for LLM and embedding models.
 * - Models that emit no tokens (embeddings, vision) have decode 0 and slope 0; one input "token" of a
 *   vision model is one image.
 */

/** Share of peak memory bandwidth reached by batch-1 decode kernels (assumption). */
export const BANDWIDTH_EFFICIENCY = 0.6;
/** Model FLOPs utilisation during prefill (assumption; 35–50% is typical for tuned servers). */
export const PREFILL_MFU = 0.4;
/** KV-cache bytes read per extra sequence and step, as a share of the weight bytes (assumption). */
export const KV_READ_RATIO = 0.01;

/** Fixed speed of a hosted upstream API as seen by a proxy node (stand-in: ≈ 80 tokens/s, fast prefill). */
export const API_LLM_PROFILE: Performance = { prefillMsPer1k: 120, decodeMsPerToken: 12, decodeSlope: 0 };
export const API_EMBEDDING_PROFILE: Performance = { prefillMsPer1k: 40, decodeMsPerToken: 0, decodeSlope: 0 };

/**
 * Confidential-computing overhead on H100/H200: under 7% for typical LLM requests (Zhu et al., "Confidential
 * Computing on NVIDIA Hopper GPUs: A Performance Benchmark Study", 2024); verifying an attestation report is
 * a stand-in of 5 ms.
 */
export const TEE_SUPPORT: VerificationSupport = { mode: 'tee', costFactor: 1.07, verifyMs: 5 };
/**
 * zkML proving costs two to four orders of magnitude over plain inference for small networks (EZKL-style
 * circuits); assumption: ×1000, and a 50 ms proof check. Offered only for models up to ZKML_MAX_PARAMS_B.
 */
export const ZKML_SUPPORT: VerificationSupport = { mode: 'zkml', costFactor: 1000, verifyMs: 50 };
export const ZKML_MAX_PARAMS_B = 0.01;
export const VANILLA_SUPPORT: VerificationSupport = { mode: 'vanilla', costFactor: 1, verifyMs: 0 };

export type Precision = 'fp32' | 'bf16' | 'fp16' | 'fp8' | 'int4';

/** Bytes per parameter; int4 counts about 4.25 bits (4-bit values plus per-group scales and zero points). */
export const BYTES_PER_PARAM: Readonly<Record<Precision, number>> = {
  fp32: 4,
  bf16: 2,
  fp16: 2,
  fp8: 1,
  int4: 0.53,
};

/** Public facts about one model, from its model card. */
export interface ModelSpec {
  id: string;
  kind: ModelKind;
  /** Total parameters, billions. */
  paramsB: number;
  /** Parameters used per token (mixture-of-experts), billions; default: all. */
  activeParamsB?: number;
  precision: Precision;
  /** Published FLOPs per input (vision models: per image), GFLOP; default 2 × active parameters. */
  gflopsPerInput?: number;
  /** Emits output tokens (LLMs, speech-to-text); false for embeddings and vision. */
  decodes: boolean;
  /** Where the parameter count comes from. */
  source: string;
}

/** Weights size in GB (10^9 bytes) at the stated precision, rounded to 0.01 GB. */
export function weightsGbOf(spec: Pick<ModelSpec, 'paramsB' | 'precision'>): number {
  return round(spec.paramsB * BYTES_PER_PARAM[spec.precision], 2);
}

/** Smallest power-of-two device count (≤ the typical node) whose memory holds `weightsGb` with headroom. */
export function devicesFor(weightsGb: number, acc: AcceleratorSpec): number | undefined {
  for (let n = 1; n <= acc.typicalCount; n *= 2) {
    if (fitsResident(weightsGb, n * acc.memoryGb)) return n;
  }
  return undefined;
}

/** Performance of `spec` on one accelerator class, or undefined when the class cannot hold it. */
export function derivePerformance(spec: ModelSpec, accelerator: AcceleratorClass): Performance | undefined {
  if (accelerator === 'api') {
    if (spec.kind === 'llm') return { ...API_LLM_PROFILE };
    if (spec.kind === 'embedding') return { ...API_EMBEDDING_PROFILE };
    return undefined;
  }
  const acc = ACCELERATORS[accelerator];
  const weightsGb = weightsGbOf(spec);
  const n = devicesFor(weightsGb, acc);
  if (n === undefined) return undefined;
  const activeB = spec.activeParamsB ?? spec.paramsB;
  const flopsPerToken = spec.gflopsPerInput !== undefined ? spec.gflopsPerInput * 1e9 : 2 * activeB * 1e9;
  const prefillMsPerToken = (flopsPerToken / (n * acc.denseTflops * 1e12 * PREFILL_MFU)) * 1000;
  if (!spec.decodes) {
    return { prefillMsPer1k: sig(prefillMsPerToken * 1000), decodeMsPerToken: 0, decodeSlope: 0 };
  }
  const activeGb = activeB * BYTES_PER_PARAM[spec.precision];
  const decodeMs = (activeGb / (n * acc.memoryBandwidthGBps * BANDWIDTH_EFFICIENCY)) * 1000;
  return {
    prefillMsPer1k: sig(prefillMsPerToken * 1000),
    decodeMsPerToken: sig(decodeMs),
    decodeSlope: sig(KV_READ_RATIO + prefillMsPerToken / decodeMs),
  };
}

/** The full model (performance on every class that can hold it, verification modes) for a spec. */
export function modelFromSpec(spec: ModelSpec): ModelInput {
  const performance: Partial<Record<AcceleratorClass, Performance>> = {};
  for (const accelerator of ACCELERATOR_CLASSES) {
    const p = derivePerformance(spec, accelerator);
    if (p !== undefined) performance[accelerator] = p;
  }
  const verification: VerificationSupport[] = [{ ...VANILLA_SUPPORT }];
  if (performance.h100 !== undefined || performance.h200 !== undefined) verification.push({ ...TEE_SUPPORT });
  if (spec.kind === 'onnx' && !spec.decodes && spec.paramsB <= ZKML_MAX_PARAMS_B) {
    verification.push({ ...ZKML_SUPPORT });
  }
  return { id: spec.id, kind: spec.kind, weightsGb: weightsGbOf(spec), performance, verification };
}

/** Rounds to three significant digits (derived numbers carry no more precision than that). */
function sig(x: number): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  return Number(x.toPrecision(3));
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
