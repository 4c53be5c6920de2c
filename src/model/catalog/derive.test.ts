import { describe, expect, it } from 'vitest';
import { ACCELERATORS } from '../accelerators.js';
import { ACCELERATOR_CLASSES, type AcceleratorClass } from '../common.js';
import {
  derivePerformance,
  type ModelSpec,
  modelFromSpec,
  performanceOn,
  TP_EFFICIENCY,
  tensorParallelDegree,
  tensorParallelSpeedup,
  weightsGbOf,
} from './derive.js';
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

const llama70b: ModelSpec = { ...llama8b, paramsB: 70.6 };
const deepseekV3: ModelSpec = { ...llama8b, paramsB: 671, activeParamsB: 37, precision: 'fp8' };

describe('tensor-parallel scaling', () => {
  it('states one efficiency, 0.9 per doubling: 1, 2, 4, 8 devices work like 1, 1.8, 3.24, 5.832', () => {
    expect(TP_EFFICIENCY).toBe(0.9);
    expect([1, 2, 4, 8].map((d) => tensorParallelSpeedup(d))).toEqual([
      1,
      1.8,
      3.24,
      expect.closeTo(5.832, 9),
    ]);
  });

  it('runs on the largest power of two ≤ the device count (6 → 4, 8 → 8, 1 → 1, 0 → none)', () => {
    expect([0, 1, 2, 3, 6, 8, 12].map(tensorParallelDegree)).toEqual([0, 1, 2, 2, 4, 8, 8]);
  });

  // Expected values by hand from the formula in derive.ts (rounded to 3 significant digits):
  //   decode ms = active GB / (s(d) × bandwidth GB/s × 0.6) × 1000,
  //   prefill ms per 1k = 2 × active params × 1000 / (s(d) × TFLOPS × 1e12 × 0.4) × 1000.
  // H100: 3,350 GB/s × 0.6 = 2,010; H200: 4,800 × 0.6 = 2,880; both 989 TFLOPS × 0.4 = 395.6 TFLOPS.
  it.each<[string, ModelSpec, AcceleratorClass, number, number | undefined, number | undefined]>([
    // name, spec, class, devices, decode ms/token, prefill ms per 1k tokens
    ['8B on 1×H100: 16.06 / 2,010', llama8b, 'h100', 1, 7.99, 40.6],
    ['8B on 8×H100: 7.990 / 5.832', llama8b, 'h100', 8, 1.37, 6.96],
    ['70B on 2×H100: 141.2 × 1.2 = 169.4 GB > 160 GB', llama70b, 'h100', 2, undefined, undefined],
    ['70B on 4×H100: 141.2 / (3.24 × 2,010)', llama70b, 'h100', 4, 21.7, 110],
    ['70B on 6×H100: degree 4, same as 4×H100', llama70b, 'h100', 6, 21.7, 110],
    ['70B on 8×H100: 141.2 / (5.832 × 2,010)', llama70b, 'h100', 8, 12, 61.2],
    ['70B on 8×H200: 141.2 / (5.832 × 2,880)', llama70b, 'h200', 8, 8.41, 61.2],
    ['671B FP8 on 8×H100: 805 GB > 640 GB', deepseekV3, 'h100', 8, undefined, undefined],
    ['671B FP8 on 8×H200: 37 active GB / (5.832 × 2,880)', deepseekV3, 'h200', 8, 2.2, 32.1],
  ])('%s', (_name, spec, accelerator, count, decode, prefill) => {
    const p = performanceOn(spec, accelerator, count);
    expect(p?.decodeMsPerToken).toBe(decode);
    expect(p?.prefillMsPer1k).toBe(prefill);
  });

  it('predicts 8×H200 faster than 8×H100 for the catalog 70B (8.41 vs 12.0 ms per token)', () => {
    const m = builtinModel('llama-3.3-70b-instruct')!;
    expect(m.performance.h200?.decodeMsPerToken).toBe(8.41);
    expect(m.performance.h100?.decodeMsPerToken).toBe(12);
  });

  const GPU_CLASSES = ACCELERATOR_CLASSES.filter((c) => c !== 'api');

  it('never gets slower with more devices (1 to 16) for any catalog model on any class', () => {
    for (const spec of MODEL_SPECS) {
      for (const acc of GPU_CLASSES) {
        for (let n = 1; n < 16; n++) {
          const a = performanceOn(spec, acc, n);
          const b = performanceOn(spec, acc, n + 1);
          if (a === undefined) continue;
          const at = `${spec.id} on ${n}→${n + 1}×${acc}`;
          expect(b, at).toBeDefined();
          expect(b!.decodeMsPerToken, at).toBeLessThanOrEqual(a.decodeMsPerToken);
          expect(b!.prefillMsPer1k, at).toBeLessThanOrEqual(a.prefillMsPer1k);
          if (tensorParallelDegree(n + 1) > tensorParallelDegree(n)) {
            expect(b!.prefillMsPer1k, at).toBeLessThan(a.prefillMsPer1k);
          }
        }
      }
    }
  });

  it('never makes a class with more bandwidth slower to decode at an equal device count (every model, 1–8)', () => {
    for (const spec of MODEL_SPECS.filter((s) => s.decodes)) {
      for (const fast of GPU_CLASSES) {
        for (const slow of GPU_CLASSES) {
          if (ACCELERATORS[fast].memoryBandwidthGBps <= ACCELERATORS[slow].memoryBandwidthGBps) continue;
          for (let n = 1; n <= 8; n++) {
            const f = performanceOn(spec, fast, n);
            const s = performanceOn(spec, slow, n);
            if (f === undefined || s === undefined) continue;
            expect(f.decodeMsPerToken, `${spec.id}: ${n}×${fast} vs ${n}×${slow}`).toBeLessThanOrEqual(
              s.decodeMsPerToken,
            );
          }
        }
      }
    }
  });

  it('serves on H200 everything H100 serves, never slower, at every count 1–8 and in the catalog', () => {
    for (const spec of MODEL_SPECS) {
      for (let n = 1; n <= 8; n++) {
        const h100 = performanceOn(spec, 'h100', n);
        const h200 = performanceOn(spec, 'h200', n);
        if (h100 === undefined) continue;
        expect(h200, `${spec.id} ×${n}`).toBeDefined();
        expect(h200!.decodeMsPerToken).toBeLessThanOrEqual(h100.decodeMsPerToken);
        expect(h200!.prefillMsPer1k).toBeLessThanOrEqual(h100.prefillMsPer1k);
      }
      const m = builtinModel(spec.id)!;
      if (m.performance.h100 && spec.decodes) {
        expect(m.performance.h200!.decodeMsPerToken).toBeLessThan(m.performance.h100.decodeMsPerToken);
      }
    }
  });
});

describe('derivePerformance', () => {
  it('derives each class at its typical node size (8 for H100): an 8B BF16 model decodes at 1.37 ms', () => {
    expect(ACCELERATORS.h100.typicalCount).toBe(8);
    expect(derivePerformance(llama8b, 'h100')).toEqual({
      decodeMsPerToken: 1.37, // 16.06 / (5.832 × 2010) × 1000 = 1.370
      prefillMsPer1k: 6.96, // 2 × 8.03e9 × 1000 / (5.832 × 3.956e14) s = 6.961 ms
      decodeSlope: 0.0151, // 0.01 + prefill per token / decode: the speed-up cancels, 0.01 + 0.0406 / 7.99
    });
  });

  it('leaves out a class whose typical node cannot hold the weights (671 GB FP8 on 8 × 80 GB)', () => {
    expect(derivePerformance(deepseekV3, 'h100')).toBeUndefined();
    expect(derivePerformance(deepseekV3, 'h200')?.decodeMsPerToken).toBe(2.2);
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
    // 8.7e9 × 1000 / (5.832 × 989e12 × 0.4) = 0.003771 s per 1,000 images on a typical 8×H100 node
    expect(derivePerformance(yolo, 'h100')).toEqual({
      prefillMsPer1k: 3.77,
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
