import { readdirSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { rttMs } from '../geo/rtt-model.js';
import { Id } from '../model/common.js';
import { parseOrThrow } from '../model/validate.js';
import { loadConfig, type ServerConfig } from '../server/config.js';
import { loadYamlFile } from '../util/yaml-file.js';
import { Descriptor } from '../wire/protocol.js';
import { loadProfile, type WorkerProfile } from '../worker/profile.js';

/**
 * A fleet for `meridian start`: a coordinator config, a set of emulated worker profiles (each with the
 * node it registers as) and the client traffic to send. Paths are relative to the fleet file.
 */

export const TrafficSpec = z.strictObject({
  /** Requests per second (open loop). */
  rate: z.number().min(0).max(10_000).default(6),
  /** Metros clients send from (catalog ids), chosen by the catalog's demand weight. */
  clients: z
    .array(Id)
    .min(1)
    .default(['frankfurt', 'london', 'new-york', 'sao-paulo', 'tokyo', 'singapore', 'sydney']),
  /** Model id → relative weight. */
  models: z.record(Id, z.number().positive()).refine((m) => Object.keys(m).length > 0, 'at least one model'),
  /** Output tokens drawn uniformly from [min, max]. */
  maxTokens: z.tuple([z.number().int().min(1), z.number().int().min(1)]).default([8, 48]),
  /**
   * Dataset id → share of requests that name it (`x-meridian-dataset`); the shares add up to at most 1,
   * the rest name none. The fleet's data nodes hold them (worker profiles' `datasets`).
   */
  datasets: z
    .record(Id, z.number().min(0).max(1))
    .refine((d) => Object.values(d).reduce((a, b) => a + b, 0) <= 1, 'the shares add up to more than 1')
    .default({}),
  /** Share of requests sent with `stream: true`. */
  streamShare: z.number().min(0).max(1).default(0.25),
  seed: z.number().int().default(7),
});
export type TrafficSpec = z.infer<typeof TrafficSpec>;

export const FleetSpec = z.strictObject({
  coordinator: z.string().min(1),
  /** A directory of worker profiles (*.yaml) or a list of files. */
  workers: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  /**
   * `geo`: each request's delay is the geo-model RTT between its client's metro and the worker's node
   * (the coordinator's default client for requests that name none); `profile`: as written.
   */
  delays: z.enum(['geo', 'profile']).default('geo'),
  traffic: TrafficSpec,
});
export type FleetSpec = z.infer<typeof FleetSpec>;

export interface FleetWorker {
  file: string;
  profile: WorkerProfile;
  node: Descriptor;
  /** Artificial network delay to start the worker with, ms (requests that name no client, with `clientRtt`). */
  delayMs: number;
  /** Delay each request by the modelled RTT from its client to the node (`meridian worker --client-rtt`). */
  clientRtt: boolean;
}

export interface Fleet {
  file: string;
  configFile: string;
  config: ServerConfig;
  workers: FleetWorker[];
  traffic: TrafficSpec;
}

export function loadFleet(file: string): Fleet {
  const yaml = loadYamlFile(file, 'fleet file');
  const spec = parseOrThrow(FleetSpec, yaml.data, file, yaml.lineOf);
  const base = dirname(resolve(file));
  const at = (p: string) => (isAbsolute(p) ? p : join(base, p));
  const configFile = at(spec.coordinator);
  const config = loadConfig(configFile);
  let files: string[];
  if (typeof spec.workers === 'string') {
    const dir = at(spec.workers);
    if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory())
      throw new InputError(file, [{ path: 'workers', message: 'not a directory', value: spec.workers }]);
    files = readdirSync(dir)
      .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
      .sort()
      .map((f) => join(dir, f));
  } else {
    files = spec.workers.map(at);
  }
  if (files.length === 0)
    throw new InputError(file, [{ path: 'workers', message: 'no worker profiles found' }]);
  const origin = config.gateway.client;
  const seen = new Map<string, string>();
  const workers = files.map((f): FleetWorker => {
    const profile = loadProfile(f);
    if (profile.node === undefined)
      throw new InputError(f, [{ path: 'node', message: 'a fleet worker needs the node it registers as' }]);
    const node = parseOrThrow(Descriptor, profile.node, `${f}: node`);
    const dup = seen.get(node.id);
    if (dup !== undefined)
      throw new InputError(f, [{ path: 'node.id', message: `already used by ${dup}`, value: node.id }]);
    seen.set(node.id, f);
    const delayMs = spec.delays === 'geo' ? Math.round(rttMs(origin, node.location)) : profile.networkDelayMs;
    return { file: f, profile, node, delayMs, clientRtt: spec.delays === 'geo' };
  });
  return { file, configFile, config, workers, traffic: spec.traffic };
}
