import type { AddressInfo } from 'node:net';
import { UsageError } from '../errors.js';
import { SqliteStore } from '../store/sqlite-store.js';
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
  return e;
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
  const store = new SqliteStore(config.dataDir, { receiptThread: true });
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
