import { z } from 'zod';
import { deviceTimeFactor } from '../model/catalog/derive.js';
import { builtinModel } from '../model/catalog/models.js';
import { Id } from '../model/common.js';
import type { Model } from '../model/model.js';
import { parseOrThrow } from '../model/validate.js';
import { loadYamlFile } from '../util/yaml-file.js';
import { parseDatasetSpec } from './datasets.js';

/**
 * An emulated inference server's profile (`meridian worker --emulate --profile FILE`): which models it
 * can serve and how fast, its accelerator memory (LRU eviction), slots and queue, the discovery endpoints
 * it imitates, an artificial network delay standing for distance, and optionally the node it registers as.
 */

export const FLAVORS = ['openai', 'vllm', 'ollama', 'llamacpp'] as const;
export type Flavor = (typeof FLAVORS)[number];

const ProfileModel = z.strictObject({
  id: Id,
  /** Weights in GB; default: the built-in catalog's value. */
  weightsGb: z.number().positive().optional(),
  /** Name the backend shows for the model (as a real server would: `meta-llama/Llama-3.1-8B-Instruct`). */
  name: z.string().min(1).max(300).optional(),
  /** Decode speed per request, tokens/s; default: the profile's. 0 = instant. */
  tokensPerSec: z.number().min(0).optional(),
});

export const WorkerProfile = z
  .strictObject({
    flavor: z.enum(FLAVORS).default('vllm'),
    /** Accelerator memory for model weights, GB. */
    memoryGb: z.number().positive().default(80),
    /** Speed at which weights load into accelerator memory, GB/s. */
    loadGBps: z.number().positive().default(2),
    slots: z.number().int().min(1).max(4096).default(8),
    /** Requests that may wait for a slot; beyond this the server answers 429. */
    queueLimit: z.number().int().min(0).max(1_000_000).default(256),
    /**
     * Decode speed per request, tokens/s (0 = instant). Default: the built-in catalog's batch-1 decode
     * speed of the model on the node's accelerator class (what route() predicts), else 50.
     */
    tokensPerSec: z.number().min(0).optional(),
    /** Prompt processing speed, tokens/s (0 = instant). Default: the catalog's prefill speed, else 5000. */
    prefillTokensPerSec: z.number().min(0).optional(),
    /**
     * Hidden truth the coordinator does not know: every prefill and decode takes this many times as long
     * as the speeds above say (2 = a node twice as slow as its catalog). The gateway has to learn it.
     */
    speedFactor: z.number().positive().max(1000).default(1),
    /** Output tokens when a request does not set max_tokens. */
    defaultMaxTokens: z.number().int().min(1).default(16),
    /** Context window: a request whose prompt plus max_tokens exceeds it gets a 400, as vLLM answers. */
    contextTokens: z.number().int().min(1).max(10_000_000).default(8192),
    /** Added before every response's headers: the round trip to a distant metro. */
    networkDelayMs: z.number().min(0).max(60_000).default(0),
    /** Multiplies every emulated duration (load, prefill, decode, delay); tests use small values. */
    timeScale: z.number().min(0).max(1000).default(1),
    models: z.array(ProfileModel).min(1),
    /** Ollama flavor: models resident at start (other flavors keep every model resident). */
    preload: z.array(Id).default([]),
    /** The node the built-in agent registers as (a node descriptor without `models`). */
    node: z.unknown().optional(),
    /**
     * Synthetic datasets the node holds, `ID:SIZE_GB[:VERSION]` each (as `--dataset` takes them): it
     * registers them with role `data` and answers the coordinator's challenges for their chunks.
     */
    datasets: z.array(z.string().max(300)).max(64).default([]),
  })
  .superRefine((p, ctx) => {
    const ids = new Set(p.models.map((m) => m.id));
    p.models.forEach((m, i) => {
      if (m.weightsGb === undefined && builtinModel(m.id) === undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['models', i, 'weightsGb'],
          message: 'required for a model outside the built-in catalog',
        });
    });
    p.datasets.forEach((text, i) => {
      const spec = parseDatasetSpec(text);
      if (typeof spec === 'string') ctx.addIssue({ code: 'custom', path: ['datasets', i], message: spec });
    });
    p.preload.forEach((id, i) => {
      if (!ids.has(id))
        ctx.addIssue({ code: 'custom', path: ['preload', i], message: 'not one of the profile models' });
    });
    if (p.flavor === 'llamacpp' && p.models.length !== 1)
      ctx.addIssue({
        code: 'custom',
        path: ['models'],
        message: 'a llama.cpp server serves exactly one model',
      });
    const resident = preloadOf(p);
    const gb = resident.reduce((s, id) => {
      const m = p.models.find((x) => x.id === id);
      return s + (m?.weightsGb ?? builtinModel(id)?.weightsGb ?? 0);
    }, 0);
    if (gb > p.memoryGb)
      ctx.addIssue({
        code: 'custom',
        path: [p.flavor === 'ollama' ? 'preload' : 'models'],
        message: `${p.flavor === 'ollama' ? 'preloaded' : 'a non-Ollama server keeps all its'} models need ${gb.toFixed(1)} GB, more than memoryGb (${p.memoryGb})`,
      });
  });

/**
 * Models resident at start. vLLM, llama.cpp and generic OpenAI servers keep every model they serve loaded
 * (their `/v1/models` lists only loaded models); only an Ollama-like server loads and evicts on demand.
 */
export function preloadOf(p: Pick<WorkerProfile, 'flavor' | 'preload' | 'models'>): string[] {
  return p.flavor === 'ollama' ? p.preload : p.models.map((m) => m.id);
}
export type WorkerProfile = z.infer<typeof WorkerProfile>;
export type WorkerProfileInput = z.input<typeof WorkerProfile>;

/** A profile model with every default resolved. */
export interface ResolvedModel {
  id: string;
  name: string;
  weightsGb: number;
  tokensPerSec: number;
  prefillTokensPerSec: number;
}

const FALLBACK_TOKENS_PER_SEC = 50;
const FALLBACK_PREFILL_TOKENS_PER_SEC = 5000;

/** The accelerator class of the profile's node, when it has one. */
function acceleratorOf(p: WorkerProfile): string | undefined {
  const hw = (p.node as { hardware?: { accelerator?: unknown } } | undefined)?.hardware;
  return typeof hw?.accelerator === 'string' ? hw.accelerator : undefined;
}

/** Devices of the profile's node (1 when it says none). */
function deviceCountOf(p: WorkerProfile): number {
  const hw = (p.node as { hardware?: { count?: unknown } } | undefined)?.hardware;
  return typeof hw?.count === 'number' ? hw.count : 1;
}

export function resolveModels(p: WorkerProfile): ResolvedModel[] {
  const accel = acceleratorOf(p);
  return p.models.map((m) => {
    const perf =
      accel === undefined ? undefined : builtinModel(m.id)?.performance[accel as keyof Model['performance']];
    // The catalog's speed on this node's own device count, as route() predicts it (one physics).
    const devices = perf === undefined ? 1 : deviceTimeFactor(perf.devices, deviceCountOf(p));
    const decode =
      perf !== undefined && perf.decodeMsPerToken > 0 ? 1000 / (perf.decodeMsPerToken * devices) : undefined;
    const prefill =
      perf !== undefined && perf.prefillMsPer1k > 0 ? 1e6 / (perf.prefillMsPer1k * devices) : undefined;
    return {
      id: m.id,
      name: m.name ?? m.id,
      weightsGb: m.weightsGb ?? builtinModel(m.id)?.weightsGb ?? 1,
      tokensPerSec: (m.tokensPerSec ?? p.tokensPerSec ?? decode ?? FALLBACK_TOKENS_PER_SEC) / p.speedFactor,
      prefillTokensPerSec:
        (p.prefillTokensPerSec ?? prefill ?? FALLBACK_PREFILL_TOKENS_PER_SEC) / p.speedFactor,
    };
  });
}

export function parseProfile(data: unknown, source: string): WorkerProfile {
  return parseOrThrow(WorkerProfile, data, source);
}

/** Reads a worker profile file; errors name the file, the line and the field. */
export function loadProfile(file: string): WorkerProfile {
  const yaml = loadYamlFile(file, 'worker profile');
  return parseOrThrow(WorkerProfile, yaml.data, file, yaml.lineOf);
}
