import type { AcceleratorClass } from './common.js';

/** Public specifications of one accelerator class, per device. */
export interface AcceleratorSpec {
  /** Device memory, GB. */
  memoryGb: number;
  /** Peak memory bandwidth, GB/s. */
  memoryBandwidthGBps: number;
  /** Peak dense (no sparsity) BF16 tensor throughput, TFLOPS (FP16 where the part has no BF16). */
  denseTflops: number;
  /** Devices in a typical node of this class (the largest common cloud shape); used for fit decisions. */
  typicalCount: number;
  /** Supports confidential computing with an attestable GPU TEE. */
  tee: boolean;
  /** Where the numbers come from. */
  source: string;
}

/**
 * Per-device specifications. Numbers are the vendors' published datasheet values (dense, without the 2:4
 * sparsity doubling). `cpu` and `api` are stand-ins, not measurements: see their `source`.
 */
export const ACCELERATORS: Readonly<Record<AcceleratorClass, AcceleratorSpec>> = {
  h200: {
    memoryGb: 141,
    memoryBandwidthGBps: 4800,
    denseTflops: 989,
    typicalCount: 8,
    tee: true,
    source: 'NVIDIA H200 Tensor Core GPU datasheet (SXM): 141 GB HBM3e, 4.8 TB/s, BF16 1,979 TFLOPS sparse',
  },
  h100: {
    memoryGb: 80,
    memoryBandwidthGBps: 3350,
    denseTflops: 989,
    typicalCount: 8,
    tee: true,
    source: 'NVIDIA H100 Tensor Core GPU datasheet (SXM): 80 GB HBM3, 3.35 TB/s, BF16 1,979 TFLOPS sparse',
  },
  'a100-80': {
    memoryGb: 80,
    memoryBandwidthGBps: 2039,
    denseTflops: 312,
    typicalCount: 8,
    tee: false,
    source: 'NVIDIA A100 Tensor Core GPU datasheet (80GB SXM): 2,039 GB/s, BF16 312 TFLOPS dense',
  },
  'a100-40': {
    memoryGb: 40,
    memoryBandwidthGBps: 1555,
    denseTflops: 312,
    typicalCount: 8,
    tee: false,
    source: 'NVIDIA A100 Tensor Core GPU datasheet (40GB SXM): 1,555 GB/s, BF16 312 TFLOPS dense',
  },
  l40s: {
    memoryGb: 48,
    memoryBandwidthGBps: 864,
    denseTflops: 362,
    typicalCount: 8,
    tee: false,
    source: 'NVIDIA L40S datasheet: 48 GB GDDR6, 864 GB/s, BF16 362 TFLOPS dense (733 sparse)',
  },
  a10g: {
    memoryGb: 24,
    memoryBandwidthGBps: 600,
    denseTflops: 125,
    typicalCount: 4,
    tee: false,
    source:
      'A10G is the AWS (g5) variant of the NVIDIA A10 without its own public datasheet; A10 datasheet: 24 GB, 600 GB/s, BF16 125 TFLOPS dense',
  },
  l4: {
    memoryGb: 24,
    memoryBandwidthGBps: 300,
    denseTflops: 121,
    typicalCount: 4,
    tee: false,
    source: 'NVIDIA L4 datasheet: 24 GB GDDR6, 300 GB/s, BF16 121 TFLOPS dense (242 sparse)',
  },
  rtx4090: {
    memoryGb: 24,
    memoryBandwidthGBps: 1008,
    denseTflops: 165,
    typicalCount: 2,
    tee: false,
    source:
      'NVIDIA Ada Lovelace architecture whitepaper, GeForce RTX 4090: 24 GB GDDR6X, 1,008 GB/s, FP16 tensor with FP32 accumulate 165.2 TFLOPS dense',
  },
  mi300x: {
    memoryGb: 192,
    memoryBandwidthGBps: 5300,
    denseTflops: 1307,
    typicalCount: 8,
    tee: false,
    source: 'AMD Instinct MI300X datasheet: 192 GB HBM3, 5.3 TB/s, BF16 1,307.4 TFLOPS dense',
  },
  t4: {
    memoryGb: 16,
    memoryBandwidthGBps: 320,
    denseTflops: 65,
    typicalCount: 4,
    tee: false,
    source: 'NVIDIA T4 datasheet: 16 GB GDDR6, 320 GB/s, FP16 mixed-precision 65 TFLOPS (no BF16)',
  },
  cpu: {
    memoryGb: 64,
    memoryBandwidthGBps: 100,
    denseTflops: 2,
    typicalCount: 1,
    tee: false,
    source:
      'stand-in, not a measurement: a CPU-only server giving 64 GB of host RAM to inference at about 100 GB/s and about 2 TFLOPS BF16 (AVX-512/AMX class)',
  },
  api: {
    memoryGb: 0,
    memoryBandwidthGBps: 0,
    denseTflops: 0,
    typicalCount: 1,
    tee: false,
    source:
      'stand-in: a proxy node calling a hosted API has no accelerator of its own; its speed is a fixed profile (see the model catalog)',
  },
};

/** The specification of one accelerator class. */
export function acceleratorSpec(accelerator: AcceleratorClass): AcceleratorSpec {
  return ACCELERATORS[accelerator];
}
