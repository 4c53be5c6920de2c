import { ACCELERATORS } from '../accelerators.js';
import { fitsResident } from '../capability.js';
import { ACCELERATOR_CLASSES, type AcceleratorClass } from '../common.js';
import type { ModelInput, ModelKind, Performance, VerificationSupport } from '../model.js';

/**
 * How the built-in catalog turns a model's public facts (parameters, precision) into per-accelerator
 * performance. Nothing here is measured per model; every number follows from the constants below and the
 * accelerator datasheets in `src/model/accelerators.ts`.
 *
 * - A model runs tensor-parallel over the node's devices: the degree d is the largest power of two ≤ the
 *   device count (head counts divide by powers of two). The d devices must hold the weights plus
 *   FIT_HEADROOM (KV cache, activations; `src/model/capability.ts`); otherwise the node cannot serve the model. The catalog's
 *   per-class numbers are for the class's typical node (`typicalCount` devices); a class whose typical node
 *   cannot hold the weights is left out of the model's performance.
 * - d devices work like s(d) = d × TP_EFFICIENCY^log2(d) single devices (each doubling of the degree keeps
 *   TP_EFFICIENCY of its ideal gain): s(1) = 1, s(2) = 1.8, s(4) = 3.24, s(8) = 5.832. With
 *   TP_EFFICIENCY > 0.5, more devices are always faster, and sub-linearly so.
 * - Decode at batch 1 is memory-bound: ms/token = active weight bytes / (s(d) × bandwidth ×
 *   BANDWIDTH_EFFICIENCY), so a device with more bandwidth is faster at an equal device count.
 * - Prefill is compute-bound: ms per 1k input tokens = FLOPs per token × 1000 / (s(d) × TFLOPS × PREFILL_MFU),
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
/**
 * Share of the ideal speed-up kept by each doubling of the tensor-parallel degree (assumption). Tensor
 * parallelism adds two all-reduces per transformer layer (Megatron-LM: Shoeybi et al., "Megatron-LM:
 * Training Multi-Billion Parameter Language Models Using Model Parallelism", 2019, which reports 77% scaling
 * efficiency for 8-way model parallelism). 0.9 per doubling gives 0.9³ = 73% at 8 devices: slightly below
 * that figure, because batch-1 decode is latency-bound and hides the all-reduces less well than training.
 */
export const TP_EFFICIENCY = 0.9;
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

/** Tensor-parallel degree on a node of `count` devices: the largest power of two ≤ count (0 for none). */
export function tensorParallelDegree(count: number): number {
  if (!(count >= 1)) return 0;
  return 2 ** Math.floor(Math.log2(count));
}

/** How many single devices `d` tensor-parallel devices are worth: d × TP_EFFICIENCY^log2(d). */
export function tensorParallelSpeedup(d: number): number {
  return d * TP_EFFICIENCY ** Math.log2(d);
}

/**
 * Time multiplier of a node with `count` devices for numbers stated for `devices` devices (both
 * tensor-parallel over their largest power of two): s(degree(devices)) / s(degree(count)). For numbers
 * stated at 8×H100: a 4×H100 node takes 5.832 / 3.24 = 1.8× as long, a 16×H100 node 0.9× (16 × 0.9⁴ =
 * 10.5 devices' worth). 1 when either count is below 1 or `devices` is not given.
 */
export function deviceTimeFactor(devices: number | undefined, count: number): number {
  if (devices === undefined) return 1;
  // Every estimate asks for it: whole counts up to FACTORS_MAX are worked out once each.
  if (devices >>> 0 === devices && count >>> 0 === count && devices <= FACTORS_MAX && count <= FACTORS_MAX) {
    const k = devices * (FACTORS_MAX + 1) + count;
    let f = FACTORS[k]!;
    if (Number.isNaN(f)) {
      f = timeFactorOf(devices, count);
      FACTORS[k] = f;
    }
    return f;
  }
  return timeFactorOf(devices, count);
}

const FACTORS_MAX = 64;
const FACTORS = new Float64Array((FACTORS_MAX + 1) ** 2).fill(Number.NaN);

function timeFactorOf(devices: number, count: number): number {
  const stated = tensorParallelDegree(devices);
  const here = tensorParallelDegree(count);
  if (stated === 0 || here === 0) return 1;
  return tensorParallelSpeedup(stated) / tensorParallelSpeedup(here);
}

/** Performance of `spec` on one accelerator class, at the class's typical node size; undefined when it cannot hold it. */
export function derivePerformance(spec: ModelSpec, accelerator: AcceleratorClass): Performance | undefined {
  if (accelerator === 'api') return performanceOn(spec, accelerator, 1);
  return performanceOn(spec, accelerator, ACCELERATORS[accelerator].typicalCount);
}

/**
 * Performance of `spec` on a node of `count` devices of one class (tensor-parallel over the largest power
 * of two ≤ count), or undefined when those devices cannot hold the weights.
 */
export function performanceOn(
  spec: ModelSpec,
  accelerator: AcceleratorClass,
  count: number,
): Performance | undefined {
  if (accelerator === 'api') {
    if (spec.kind === 'llm') return { ...API_LLM_PROFILE };
    if (spec.kind === 'embedding') return { ...API_EMBEDDING_PROFILE };
    return undefined;
  }
  const acc = ACCELERATORS[accelerator];
  const d = tensorParallelDegree(count);
  if (d === 0 || !fitsResident(weightsGbOf(spec), d * acc.memoryGb)) return undefined;
  const s = tensorParallelSpeedup(d);
  const activeB = spec.activeParamsB ?? spec.paramsB;
  const flopsPerToken = spec.gflopsPerInput !== undefined ? spec.gflopsPerInput * 1e9 : 2 * activeB * 1e9;
  const prefillMsPerToken = (flopsPerToken / (s * acc.denseTflops * 1e12 * PREFILL_MFU)) * 1000;
  if (!spec.decodes) {
    return { prefillMsPer1k: sig(prefillMsPerToken * 1000), decodeMsPerToken: 0, decodeSlope: 0, devices: d };
  }
  const activeGb = activeB * BYTES_PER_PARAM[spec.precision];
  const decodeMs = (activeGb / (s * acc.memoryBandwidthGBps * BANDWIDTH_EFFICIENCY)) * 1000;
  return {
    prefillMsPer1k: sig(prefillMsPerToken * 1000),
    decodeMsPerToken: sig(decodeMs),
    decodeSlope: sig(KV_READ_RATIO + prefillMsPerToken / decodeMs),
    devices: d,
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
