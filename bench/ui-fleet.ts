import { type App, buildApp } from '../src/server/app.js';
import { parseConfig } from '../src/server/config.js';
import { MemoryStore } from '../src/store/memory-store.js';
import { type UiOptions, uiRoutes } from '../src/ui/routes.js';
import { generateIdentity } from '../src/wire/identity.js';
import type { Heartbeat } from '../src/wire/protocol.js';

/**
 * A large emulated registry for the dashboard (the browser scale test and `npm run bench:ui`): `n` nodes
 * spread over the globe on a deterministic grid, 8 providers, 40 countries, 90 ASNs, written into the
 * registry's store before the coordinator starts (it loads every stored node), and one heartbeat each
 * recorded straight into the telemetry: registering thousands through HTTP one by one is slow.
 * `churn(share)` makes a share of the nodes report a new load, as a busy network does every second.
 */
const PROVIDERS = ['aws', 'gcp', 'azure', 'hetzner', 'ovh', 'equinix', 'vultr', 'linode'];
const MODEL = 'llama-3.1-8b-instruct';

export interface EmulatedFleet extends App {
  readonly ids: readonly string[];
  churn(share: number): void;
  close(): Promise<void>;
}

export async function emulatedFleet(n: number, ui: UiOptions = {}): Promise<EmulatedFleet> {
  const store = new MemoryStore();
  const key = generateIdentity();
  const ids: string[] = [];
  const now = Date.now();
  for (let j = 0; j < n; j++) {
    const id = `s${j}`;
    ids.push(id);
    await store.putNode({
      id,
      operator: 'op-a',
      publicKey: key.publicKeyText,
      endpoint: `http://127.0.0.1:9/${id}`,
      descriptor: {
        id,
        roles: ['inference'],
        location: { lat: -55 + ((j * 37) % 120), lon: -180 + ((j * 73) % 360), metro: 'frankfurt' },
        labels: {
          provider: PROVIDERS[j % PROVIDERS.length]!,
          country: `c${j % 40}`,
          asn: `asn-${j % 90}`,
          datacenter: `dc-${j % 400}`,
          operator: 'op-a',
        },
        hardware: { accelerator: 'h100', count: 1, memoryGb: 80 },
        slots: 8,
      },
      registeredAt: now,
      updatedAt: now,
      lastSeq: 0,
    } as unknown as Parameters<MemoryStore['putNode']>[0]);
  }
  const config = parseConfig({
    dataDir: ':memory:',
    operators: [{ id: 'op-a', token: 'operator-a-token-0123456789' }],
    telemetry: { heartbeatIntervalMs: 60_000, staleAfterMs: 600_000, unhealthyAfterMs: 900_000 },
    registry: { allowEndpoints: ['127.0.0.0/8'] },
    gateway: { probes: { intervalMs: 0 } },
  });
  const built = await buildApp(config, { store, controlCheck: async () => undefined }, [
    (app, c) => uiRoutes(app, c, ui),
  ]);
  const c = built.coordinator;
  let seq = 0;
  let round = 0;
  const beat = (id: string, inFlight: number) =>
    c.network.telemetry.record(
      {
        nodeId: id,
        seq: ++seq,
        sentAt: Date.now(),
        models: [{ id: MODEL, state: 'warm' }],
        slots: 8,
        inFlight,
        queue: 0,
        rtt: [],
      } as unknown as Heartbeat,
      c.now(),
    );
  for (const id of ids) beat(id, 0);
  return {
    ...built,
    ids,
    churn(share) {
      round++;
      const step = Math.max(1, Math.round(1 / share));
      for (let j = round % step; j < ids.length; j += step) beat(ids[j]!, (round + j) % 9);
    },
    close: () => built.app.close(),
  };
}
