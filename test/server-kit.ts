import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { stringify } from 'yaml';
import { envelope } from '../src/agent/coordinator-client.js';
import { type App, buildApp, type ExtraRoutes } from '../src/server/app.js';
import { parseConfig, type ServerConfigInput } from '../src/server/config.js';
import type { DataChallengeFn } from '../src/server/data-proof-check.js';
import type { Decide } from '../src/server/decide.js';
import type { ControlCheck } from '../src/server/endpoint-proof.js';
import { MemoryStore } from '../src/store/memory-store.js';
import type { RegistryStore } from '../src/store/registry-store.js';
import { generateIdentity, type KeyPair } from '../src/wire/identity.js';
import type { DescriptorInput, HeartbeatInput, RegisterResponse } from '../src/wire/protocol.js';
import { buildWorkerApp, type WorkerApp, type WorkerAppOptions } from '../src/worker/app.js';
import { parseProfile, type WorkerProfileInput } from '../src/worker/profile.js';

/** Helpers for in-process coordinator tests (inject) and in-process emulated workers on loopback. */

export const TOKEN_A = 'operator-a-token-0123456789';
export const TOKEN_B = 'operator-b-token-0123456789';
export const ADMIN = 'admin-token-0123456789abcdef';

export interface TestCoordinator extends App {
  store: RegistryStore;
  close(): Promise<void>;
}

/** Loopback ranges: the kit's coordinators admit them (every test endpoint is on this machine). */
export const LOOPBACK = ['127.0.0.0/8', '::1/128'];

const NO_LIMIT = { perSecond: 1e9, burst: 1e9 };
export const UNLIMITED = {
  perIp: NO_LIMIT,
  perToken: NO_LIMIT,
  failedLogins: NO_LIMIT,
  perNode: { perInterval: 1e9, burst: 1e9 },
};

/**
 * Accepts every endpoint without asking it for a proof: most in-process tests register endpoints that
 * never answer (`http://127.0.0.1:9`). The proof itself is tested with `httpControlCheck`.
 */
export const NO_PROOF: ControlCheck = async () => undefined;

/**
 * An in-process coordinator (inject) that admits loopback endpoints (`registry.allowEndpoints`) and asks
 * no proof of control unless `opts.controlCheck` says how; tests of the refusals override both.
 */
export async function startCoordinator(
  over: ServerConfigInput = {},
  opts: {
    store?: RegistryStore;
    now?: () => number;
    decide?: Decide;
    controlCheck?: ControlCheck;
    /** The dataset challenge (default: over HTTP). */
    dataChallenge?: DataChallengeFn;
    /** Routes of a higher layer (the dashboard). */
    extra?: readonly ExtraRoutes[];
  } = {},
): Promise<TestCoordinator> {
  const config = parseConfig({
    dataDir: ':memory:',
    operators: [
      { id: 'op-a', token: TOKEN_A },
      { id: 'op-b', token: TOKEN_B },
    ],
    adminToken: ADMIN,
    registry: { allowEndpoints: LOOPBACK },
    ...over,
    // Tests send bursts from one address: the rate limits are tested on their own (test/limits.test.ts).
    limits: { ...UNLIMITED, ...over.limits },
    gateway: { ...over.gateway, probes: { intervalMs: 0, ...over.gateway?.probes } },
  });
  const store = opts.store ?? new MemoryStore();
  const built = await buildApp(
    config,
    {
      store,
      controlCheck: opts.controlCheck ?? NO_PROOF,
      ...(opts.now ? { now: opts.now } : {}),
      ...(opts.decide ? { decide: opts.decide } : {}),
      ...(opts.dataChallenge ? { dataChallenge: opts.dataChallenge } : {}),
    },
    opts.extra,
  );
  return { ...built, store, close: () => built.app.close() };
}

/** A node descriptor in Frankfurt unless overridden; labels differ per id so nodes are independent. */
export function descriptor(
  id: string,
  over: Omit<Partial<DescriptorInput>, 'labels'> & { labels?: Record<string, unknown> } = {},
): DescriptorInput & { id: string } {
  const { labels, ...rest } = over;
  return {
    id,
    roles: ['inference'],
    location: { lat: 50.11, lon: 8.68, metro: 'frankfurt' },
    labels: {
      provider: `prov-${id}`,
      asn: `asn-${id}`,
      datacenter: `dc-${id}`,
      operator: 'op-a',
      country: 'DE',
      ...labels,
    },
    hardware: { accelerator: 'h100', count: 1, memoryGb: 80 },
    slots: 8,
    ...rest,
  } as DescriptorInput & { id: string };
}

export interface TestNode {
  id: string;
  key: KeyPair;
  seq: number;
}

export async function register(
  c: TestCoordinator,
  node: DescriptorInput & { id: string },
  endpoint: string,
  opt: { token?: string; key?: KeyPair; signedAt?: number } = {},
): Promise<TestNode> {
  const key = opt.key ?? generateIdentity();
  const res = await c.app.inject({
    method: 'POST',
    url: '/v1/nodes',
    headers: { authorization: `Bearer ${opt.token ?? TOKEN_A}` },
    payload: envelope(
      'register',
      { node, endpoint, publicKey: key.publicKeyText, signedAt: opt.signedAt ?? Date.now() },
      key,
    ),
  });
  if (res.statusCode !== 201) throw new Error(`register failed: ${res.statusCode} ${res.body}`);
  const body = res.json() as RegisterResponse;
  return { id: node.id, key, seq: body.lastSeq };
}

/** Deregisters node `id` as its operator (DELETE /v1/nodes/:id); throws unless the coordinator answers 204. */
export async function deregister(c: TestCoordinator, id: string, token = TOKEN_A): Promise<void> {
  const res = await c.app.inject({
    method: 'DELETE',
    url: `/v1/nodes/${id}`,
    headers: { authorization: `Bearer ${token}` },
  });
  if (res.statusCode !== 204) throw new Error(`deregister failed: ${res.statusCode} ${res.body}`);
}

export function heartbeat(
  node: TestNode,
  over: Partial<HeartbeatInput> = {},
  at = Date.now(),
): HeartbeatInput {
  node.seq++;
  return {
    nodeId: node.id,
    seq: node.seq,
    sentAt: at,
    models: [{ id: 'llama-3.1-8b-instruct', state: 'warm' }],
    slots: 8,
    inFlight: 0,
    queue: 0,
    rtt: [],
    ...over,
  };
}

export async function beat(
  c: TestCoordinator,
  node: TestNode,
  over: Partial<HeartbeatInput> = {},
  at = Date.now(),
): Promise<number> {
  const res = await c.app.inject({
    method: 'POST',
    url: '/v1/heartbeats',
    payload: envelope('heartbeat', heartbeat(node, over, at), node.key),
  });
  return res.statusCode;
}

export interface TestWorker extends WorkerApp {
  url: string;
  close(): Promise<void>;
}

/** An emulated worker listening on a free loopback port; with `opts.key` it answers the proof of control. */
export async function startWorker(
  profile: Partial<WorkerProfileInput> = {},
  opts: WorkerAppOptions = {},
): Promise<TestWorker> {
  const p = parseProfile(
    {
      flavor: 'vllm',
      tokensPerSec: 0,
      prefillTokensPerSec: 0,
      models: [{ id: 'llama-3.1-8b-instruct' }],
      ...profile,
    },
    'profile',
  );
  const w = buildWorkerApp(p, Date.now, opts);
  await w.app.listen({ host: '127.0.0.1', port: 0 });
  const port = (w.app.server.address() as AddressInfo).port;
  return { ...w, url: `http://127.0.0.1:${port}`, close: () => w.app.close() };
}

/** The built binary; process tests need `npm run build` first (npm test does it). */
export function builtMain(): string {
  const main = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run "npm run build" before the process tests`);
  return main;
}

export { tempDir } from './support/temp-dir.js';

export function writeYaml(file: string, data: unknown): string {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, stringify(data));
  return file;
}

/** GETs `url` (with a bearer `token` when given) and parses the JSON answer; throws on any status but 200. */
export async function getJson<T>(url: string, token?: string): Promise<T> {
  const res = await request(
    url,
    token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } },
  );
  if (res.statusCode !== 200) throw new Error(`${url}: HTTP ${res.statusCode} ${await res.body.text()}`);
  return (await res.body.json()) as T;
}

/** Polls `check` every 50 ms until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 15_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A worker profile with a node section, for `meridian worker --emulate --coordinator`. */
export function workerProfile(
  id: string,
  operator: string,
  over: Record<string, unknown> = {},
): Record<string, unknown> {
  const node = descriptor(id, { labels: { operator } });
  return {
    flavor: 'vllm',
    tokensPerSec: 0,
    prefillTokensPerSec: 0,
    models: [{ id: 'llama-3.1-8b-instruct' }],
    node,
    ...over,
  };
}
