import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { UsageError } from '../errors.js';
import { loadYamlFile } from '../util/yaml-file.js';

/**
 * What `meridian start --coordinators N` needs beyond one coordinator: the NATS server the coordinators
 * share (docs/nats.md), a prefix of their own, and the fleet's coordinator config with a `secret` every
 * one of them uses (a cluster refuses to start without it). The secret and the prefix follow the data
 * directory, so a second run with the same `--data-dir` finds the same nodes and keys.
 */

/** The NATS servers of the cluster: env NATS_URL (comma-separated), default the local one. */
export function natsUrls(env: NodeJS.ProcessEnv = process.env): string[] {
  const urls = (env.NATS_URL ?? 'nats://127.0.0.1:4222')
    .split(',')
    .map((u) => u.trim())
    .filter((u) => u !== '');
  for (const u of urls)
    if (!/^(nats|tls):\/\/[^\s/]+$/.test(u))
      throw new UsageError(`NATS_URL: ${JSON.stringify(u)} is not a NATS URL such as nats://127.0.0.1:4222`);
  return urls;
}

/** Whether something accepts TCP connections at a `nats://host:port` URL within `timeoutMs`. */
export function answers(url: string, timeoutMs = 1000): Promise<boolean> {
  const u = new URL(url.replace(/^(nats|tls):/, 'http:'));
  return new Promise((done) => {
    const socket = connect({ host: u.hostname, port: Number(u.port || 4222) });
    const end = (ok: boolean) => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(timeoutMs);
    socket.once('connect', () => end(true));
    socket.once('error', () => end(false));
    socket.once('timeout', () => end(false));
  });
}

/** Resolves when one of `urls` answers; a UsageError naming them (and how to start one) otherwise. */
export async function requireNats(urls: readonly string[], what: string): Promise<void> {
  for (const u of urls) if (await answers(u)) return;
  throw new UsageError(
    `${what} share their state through NATS with JetStream, and nothing answers at ${urls.join(', ')}: start one (nats-server -js) or set NATS_URL`,
  );
}

/** The cluster's prefix: one per data directory (letters, digits and _ only). */
export function clusterPrefix(dataDir: string): string {
  return `fleet_${createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 12)}`;
}

/**
 * Writes `<dataDir>/coordinator-cluster.yaml`: the fleet's coordinator config with the cluster's `secret`
 * (made once, kept in `<dataDir>/cluster-secret`) and its relative paths made absolute. Returns its path.
 */
export function clusterConfig(configFile: string, dataDir: string): string {
  const yaml = loadYamlFile(configFile, 'coordinator config');
  const data = { ...(yaml.data as Record<string, unknown>) };
  const secretFile = join(dataDir, 'cluster-secret');
  if (!existsSync(secretFile)) writeFileSync(secretFile, randomBytes(32).toString('hex'), { mode: 0o600 });
  data.secret ??= readFileSync(secretFile, 'utf8').trim();
  const base = dirname(resolve(configFile));
  const abs = (p: unknown) => (typeof p === 'string' && !isAbsolute(p) ? join(base, p) : p);
  if (data.dataDir !== undefined) data.dataDir = abs(data.dataDir);
  const routing = data.routing as Record<string, unknown> | undefined;
  if (routing?.profilesFile !== undefined)
    data.routing = { ...routing, profilesFile: abs(routing.profilesFile) };
  const out = join(dataDir, 'coordinator-cluster.yaml');
  writeFileSync(out, `# Written by meridian start --coordinators from ${configFile}\n${stringify(data)}`, {
    mode: 0o600,
  });
  return out;
}
