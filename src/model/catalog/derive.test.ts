import { describe, expect, it } from 'vitest';
import { ACCELERATORS } from '../accelerators.js';
import { derivePerformance, devicesFor, type ModelSpec, modelFromSpec, weightsGbOf } from './derive.js';
import { BUILTIN_MODELS, builtinModel } from './models.js';
import { MODEL_SPECS } from './specs.js';

const llama8b: ModelSpec = {
  id: 'x',
  kind: 'llm',
  paramsB: 8.03,
  precision: 'bf16',
  decodes: true,
  source: '',
};

describe('derivePerformance', () => {
  // Expected values by hand: H100 3,350 GB/s × 0.6 efficiency; 989 TFLOPS × 0.4 MFU.
  it('derives an 8B BF16 model on one H100: 16.06 GB / 2,010 GB/s = 7.99 ms per token', () => {
    const p = derivePerformance(llama8b, 'h100');
    expect(p).toEqual({
      decodeMsPerToken: 7.99, // 16.06 / 2010 × 1000 = 7.990
      prefillMsPer1k: 40.6, // 2 × 8.03e9 × 1000 / 3.956e14 s = 40.60 ms
      decodeSlope: 0.0151, // 0.01 + 0.0406 / 7.99 = 0.01508
    });
  });

  it('spreads a 70B BF16 model over four H100s (141.2 GB × 1.2 > 160 GB of two)', () => {
    expect(devicesFor(141.2, ACCELERATORS.h100)).toBe(4);
    expect(derivePerformance({ ...llama8b, paramsB: 70.6 }, 'h100')?.decodeMsPerToken).toBe(17.6); // 141.2/8040
  });

  it('leaves out a class whose typical node cannot hold the weights (671 GB FP8 on 8 × 80 GB)', () => {
    const v3: ModelSpec = { ...llama8b, paramsB: 671, activeParamsB: 37, precision: 'fp8' };
    expect(derivePerformance(v3, 'h100')).toBeUndefined();
    // 8 × H200 hold it; decode reads only the 37 GB of active weights: 37 / (8 × 4800 × 0.6) = 1.606 ms
    expect(derivePerformance(v3, 'h200')?.decodeMsPerToken).toBe(1.61);
  });

  it('gives vision models prefill only, from their published FLOPs per image', () => {
    const yolo: ModelSpec = {
      id: 'y',
      kind: 'onnx',
      paramsB: 0.0032,
      precision: 'fp32',
      gflopsPerInput: 8.7,
      decodes: false,
      source: '',
    };
    // 8.7e9 × 1000 / (989e12 × 0.4) = 0.02199 s per 1,000 images
    expect(derivePerformance(yolo, 'h100')).toEqual({
      prefillMsPer1k: 22,
      decodeMsPerToken: 0,
      decodeSlope: 0,
    });
    expect(derivePerformance(yolo, 'api')).toBeUndefined();
  });

  it('gives every LLM the same fixed api profile regardless of size', () => {
    expect(derivePerformance(llama8b, 'api')).toEqual(derivePerformance({ ...llama8b, paramsB: 405 }, 'api'));
  });

  it('computes weights at the stated precision', () => {
    expect(weightsGbOf({ paramsB: 70.6, precision: 'fp8' })).toBe(70.6);
    expect(weightsGbOf({ paramsB: 8.03, precision: 'int4' })).toBe(4.26); // 8.03 × 0.53
  });
});

describe('built-in catalog', () => {
  it('holds at least 40 models of all three kinds with unique ids', () => {
    expect(BUILTIN_MODELS.length).toBeGreaterThanOrEqual(40);
    expect(new Set(BUILTIN_MODELS.map((m) => m.id)).size).toBe(BUILTIN_MODELS.length);
    expect(new Set(BUILTIN_MODELS.map((m) => m.kind))).toEqual(new Set(['llm', 'embedding', 'onnx']));
  });

  it('offers vanilla everywhere, tee exactly where an H100/H200 can serve, zkml only on small ONNX models', () => {
    for (const m of BUILTIN_MODELS) {
      const modes = m.verification.map((v) => v.mode);
      expect(modes[0]).toBe('vanilla');
      expect(modes.includes('tee')).toBe(
        m.performance.h100 !== undefined || m.performance.h200 !== undefined,
      );
      if (modes.includes('zkml')) {
        expect(m.kind).toBe('onnx');
        expect(m.weightsGb).toBeLessThan(0.1);
      }
    }
    expect(BUILTIN_MODELS.some((m) => m.verification.some((v) => v.mode === 'zkml'))).toBe(true);
  });

  it('is exactly what the derivation gives for each spec (nothing hand-tuned per model)', () => {
    for (const spec of MODEL_SPECS) {
      const derived = modelFromSpec(spec);
      expect(builtinModel(spec.id)?.performance).toEqual(derived.performance);
    }
  });
});
