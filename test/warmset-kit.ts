/**
 * What the warm-set process tests share: a coordinator (`meridian serve`, warm-set controller on, a plan
 * every 500 ms on 2-second buckets) with emulated workers and their agents as processes, what
 * `/v1/nodes` says each node holds, and the controller's commands as `/v1/warmset/actions` lists them.
 */
import { join } from 'node:path';
import type { Children } from '../src/fleet/children.js';
import type { WarmActionRecord } from '../src/store/registry-store.js';
import { ADMIN, builtMain, getJson, LOOPBACK, TOKEN_A, waitFor, writeYaml } from './server-kit.js';

interface NodesView {
  nodes: { id: string; telemetry: { models: { id: string; state: string }[] } | null }[];
}

export interface WarmsetFleet {
  url: string;
  /** Starts an emulated worker with its agent from the profile file, registered with operator A's token. */
  start(id: string, profile: string): Promise<unknown>;
  /** The state `node` reports for `model` (`warm`, `localDisk`, …), undefined when it reports none. */
  stateOf(node: string, model: string): Promise<string | undefined>;
  /** Every command recorded so far, newest first. */
  actions(): Promise<WarmActionRecord[]>;
  /** Waits for the node to answer the controller's command of `kind` on it. */
  answered(kind: 'load' | 'unload', node: string): Promise<WarmActionRecord>;
}

/** `warmset` settings over the kit's (e.g. a period so long that the controller never plans in a test). */
export async function warmsetFleet(
  children: Children,
  dir: string,
  warmset: Record<string, unknown> = {},
): Promise<WarmsetFleet> {
  const main = builtMain();
  const config = writeYaml(join(dir, 'coordinator.yaml'), {
    listen: { host: '127.0.0.1', port: 0 },
    dataDir: join(dir, 'data'),
    adminToken: ADMIN,
    operators: [{ id: 'op-a', token: TOKEN_A }],
    registry: { allowEndpoints: LOOPBACK },
    gateway: { probes: { intervalMs: 0 } },
    telemetry: { heartbeatIntervalMs: 200 },
    demand: { bucketMs: 1000 },
    warmset: {
      enabled: true,
      periodMs: 500,
      bucketMs: 2000,
      horizonMs: 20_000,
      historyMs: 600_000,
      ...warmset,
    },
  });
  const coord = await children.spawn('coordinator', ['serve', '--config', config], { main });
  const actions = async () =>
    (await getJson<{ actions: WarmActionRecord[] }>(`${coord.url}/v1/warmset/actions`, ADMIN)).actions;
  return {
    url: coord.url,
    start: (id, profile) =>
      children.spawn(
        id,
        ['worker', '--emulate', '--profile', profile, '--coordinator', coord.url, '--token', TOKEN_A],
        { main },
      ),
    stateOf: async (node, model) =>
      (await getJson<NodesView>(`${coord.url}/v1/nodes`)).nodes
        .find((n) => n.id === node)
        ?.telemetry?.models.find((m) => m.id === model)?.state,
    actions,
    answered: (kind, node) =>
      waitFor(`the ${kind} on ${node} answered`, async () => {
        const a = (await actions()).find((x) => x.kind === kind && x.node === node);
        return a !== undefined && a.status !== 'pending' && a.status !== 'sent' ? a : undefined;
      }),
  };
}
