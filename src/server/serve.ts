import { type AddressInfo, isIP } from 'node:net';
import { join } from 'node:path';
import { NatsBus } from '../bus/nats-bus.js';
import { InputError, UsageError } from '../errors.js';
import { NatsLeases } from '../store/nats-lease.js';
import { NatsStore } from '../store/nats-store.js';
import { SQLITE_FILE, SqliteStore } from '../store/sqlite-store.js';
import { ensureWritableDir } from '../util/writable-dir.js';
import { type App, buildApp, type ExtraRoutes } from './app.js';
import { type Cluster, clusterRoutes, joinCluster } from './cluster.js';
import type { ClusterConfig, ServerConfig } from './config.js';

/**
 * A port that is taken or not allowed becomes a UsageError naming it (and, for a taken one, the flag
 * that chooses another: `flag`); anything else is rethrown.
 */
export function listenError(e: unknown, host: string, port: number, flag = '--port'): unknown {
  const code = (e as { code?: unknown }).code;
  if (code === 'EADDRINUSE')
    return new UsageError(
      `${host}:${port} is already in use; choose another port with ${flag} (0 = any free port)`,
    );
  if (code === 'EACCES' || code === 'EADDRNOTAVAIL')
    return new UsageError(`cannot listen on ${host}:${port} (${String(code)})`);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_FAIL')
    return new UsageError(`cannot listen on ${host}:${port}: no such host or address (${String(code)})`);
  return e;
}

/** A listen host that cannot be an address: dotted numbers that are not an IPv4 address (`999.1.1.1`). */
export function checkListenHost(host: string): void {
  if (host.trim() === '') throw new UsageError('the listen host must not be empty');
  if (/^[\d.]+$/.test(host) && isIP(host) === 0)
    throw new UsageError(`listen host ${JSON.stringify(host)} is not an IPv4 address (four numbers 0-255)`);
}

/** The SQLite store under `dataDir`; a file that is not a readable database is an InputError naming it. */
function openStore(dataDir: string): SqliteStore {
  ensureWritableDir('data directory', dataDir);
  try {
    return new SqliteStore(dataDir, { receiptThread: true });
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === 'SQLITE_READONLY' || code === 'SQLITE_CANTOPEN')
      throw new InputError(join(dataDir, SQLITE_FILE), [
        { path: '', message: `the database cannot be written (${code}); check its permissions and the disk` },
      ]);
    if (typeof code === 'string' && code.startsWith('SQLITE_'))
      throw new InputError(join(dataDir, SQLITE_FILE), [
        { path: '', message: `not a usable meridian database (${code}: ${(e as Error).message})` },
      ]);
    throw e;
  }
}

/**
 * The NATS store and bus of a coordinator in a cluster. Coordinators must agree on the digests of
 * tokens and keys, so a cluster needs the config's `secret` (the same on every coordinator).
 */
async function openShared(
  config: ServerConfig,
  cluster: ClusterConfig,
): Promise<{ store: NatsStore; bus: NatsBus; leases: NatsLeases }> {
  if (config.secret === undefined)
    throw new UsageError(
      'coordinators sharing NATS must share the key their token digests are made with: set `secret` (at least 32 characters, the same on every coordinator) in the config',
    );
  const bus = await NatsBus.connect({ servers: cluster.nats, name: 'meridian-coordinator' }).catch((e) => {
    throw natsError(e, config);
  });
  return {
    store: new NatsStore({ servers: cluster.nats, prefix: cluster.prefix }),
    bus,
    leases: new NatsLeases({ servers: cluster.nats, prefix: cluster.prefix }),
  };
}

/** A NATS connection refused or timed out becomes a UsageError naming the servers; anything else is kept. */
function natsError(e: unknown, config: ServerConfig): unknown {
  const servers = config.cluster?.nats.join(', ');
  const text = e instanceof Error ? `${e.name} ${e.message} ${String((e as { code?: unknown }).code)}` : '';
  if (servers === undefined || !/connection refused|ECONNREFUSED|timeout|ENOTFOUND|Connection/i.test(text))
    return e;
  return new UsageError(`cannot reach NATS at ${servers} (${e instanceof Error ? e.message : String(e)})`);
}

export interface Running extends App {
  url: string;
  /** Stops listening, flushes receipts, closes pools and the store. */
  stop(): Promise<void>;
}

/**
 * Opens the store (SQLite under the config's data directory; NATS JetStream with `cluster`), builds the
 * app (with `extra` routes), joins the shared view when in a cluster, and listens.
 */
export async function startServer(
  config: ServerConfig,
  extra: readonly ExtraRoutes[] = [],
): Promise<Running> {
  checkListenHost(config.listen.host);
  const shared = config.cluster === undefined ? undefined : await openShared(config, config.cluster);
  const store =
    shared?.store ??
    (config.dataDir === ':memory:' ? new SqliteStore(':memory:') : openStore(config.dataDir));
  let built: App;
  let cluster: Cluster | undefined;
  try {
    built = await buildApp(config, { store }, extra);
    if (shared !== undefined && config.cluster !== undefined) {
      cluster = joinCluster(
        built.coordinator,
        shared.bus,
        config.cluster,
        () => shared.store.connected(),
        shared.leases,
      );
      clusterRoutes(built.app, built.coordinator);
    }
    await built.app.listen({ host: config.listen.host, port: config.listen.port });
  } catch (e) {
    cluster?.close();
    await cluster?.leader?.stop();
    await shared?.bus.close();
    await shared?.leases.close();
    await store.close();
    throw listenError(natsError(e, config), config.listen.host, config.listen.port);
  }
  const addr = built.app.server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    ...built,
    url: `http://${host}:${addr.port}`,
    async stop() {
      cluster?.close();
      await cluster?.leader?.stop();
      await built.app.close();
      await shared?.bus.close();
      await shared?.leases.close();
      await store.close();
    },
  };
}
