import { columnsOf, tableLines } from '../util/text-table.js';
import type { TrafficSnapshot } from './traffic.js';

/** What `GET /v1/cluster` says, as far as the summary needs it (server/cluster.ts ClusterStatus). */
interface ClusterAnswer {
  instance: string;
  connected: boolean;
  peers: { id: string }[];
  viewLagMs: { p99: number; samples: number };
  warmsetLeader: { holder: string; self: boolean } | null;
}

/** One coordinator of the local fleet in the live summary. */
export interface CoordinatorRow {
  url: string;
  /** Requests the traffic generator sent through it, and their outcomes. */
  sent: number;
  ok: number;
  failed: number;
  /** From its `GET /v1/cluster` (null when it did not answer). */
  connected: boolean | null;
  peers: number | null;
  lagP99Ms: number | null;
  holdsWarmsetLease: boolean;
}

/** The rows: each coordinator's `/v1/cluster` (via `get`) with the traffic sent through it. */
export async function coordinatorRows(
  urls: readonly string[],
  get: (url: string, path: string) => Promise<unknown>,
  traffic: TrafficSnapshot | undefined,
): Promise<CoordinatorRow[]> {
  return Promise.all(
    urls.map(async (url) => {
      const c = (await get(url, '/v1/cluster').catch(() => undefined)) as ClusterAnswer | undefined;
      const t = traffic?.byTarget.find((x) => x.url === url);
      return {
        url,
        sent: t?.sent ?? 0,
        ok: t?.ok ?? 0,
        failed: t?.failed ?? 0,
        connected: c?.connected ?? null,
        peers: c?.peers.length ?? null,
        lagP99Ms: c === undefined || c.viewLagMs.samples === 0 ? null : c.viewLagMs.p99,
        holdsWarmsetLease: c?.warmsetLeader?.self === true,
      };
    }),
  );
}

/** The summary's coordinator table: one line per coordinator. Pure: rows in, lines out. */
export function coordinatorLines(rows: readonly CoordinatorRow[]): string[] {
  const dash = (v: number | null, unit = '') => (v === null ? '—' : `${Math.round(v)}${unit}`);
  return tableLines(
    columnsOf(
      ['coordinator', 'NATS', 'peers', 'view lag p99', 'sent', 'ok', 'failed', 'warm-set'],
      [2, 3, 4, 5, 6],
    ),
    rows.map((r) => [
      r.url,
      r.connected === null ? 'no answer' : r.connected ? 'connected' : 'cut off',
      dash(r.peers),
      dash(r.lagP99Ms, ' ms'),
      String(r.sent),
      String(r.ok),
      String(r.failed),
      r.holdsWarmsetLease ? 'plans (holds the lease)' : '',
    ]),
  );
}
