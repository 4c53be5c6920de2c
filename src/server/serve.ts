import { type AddressInfo, isIP } from 'node:net';
import { join } from 'node:path';
import { InputError, UsageError } from '../errors.js';
import { SQLITE_FILE, SqliteStore } from '../store/sqlite-store.js';
import { ensureWritableDir } from '../util/writable-dir.js';
import { type App, buildApp, type ExtraRoutes } from './app.js';
import type { ServerConfig } from './config.js';

/** A port that is taken or not allowed becomes a UsageError naming it; anything else is rethrown. */
export function listenError(e: unknown, host: string, port: number): unknown {
  const code = (e as { code?: unknown }).code;
  if (code === 'EADDRINUSE')
    return new UsageError(
      `${host}:${port} is already in use; choose another port with --port (0 = any free port)`,
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

export interface Running extends App {
  url: string;
  /** Stops listening, flushes receipts, closes pools and the store. */
  stop(): Promise<void>;
}

/** Opens the SQLite store under the config's data directory, builds the app (with `extra` routes) and listens. */
export async function startServer(
  config: ServerConfig,
  extra: readonly ExtraRoutes[] = [],
): Promise<Running> {
  checkListenHost(config.listen.host);
  const store = config.dataDir === ':memory:' ? new SqliteStore(':memory:') : openStore(config.dataDir);
  let built: App;
  try {
    built = await buildApp(config, { store }, extra);
    await built.app.listen({ host: config.listen.host, port: config.listen.port });
  } catch (e) {
    await store.close();
    throw listenError(e, config.listen.host, config.listen.port);
  }
  const addr = built.app.server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    ...built,
    url: `http://${host}:${addr.port}`,
    async stop() {
      await built.app.close();
      await store.close();
    },
  };
}
