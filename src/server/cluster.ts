import type { FastifyInstance } from 'fastify';
import type { MessageBus } from '../bus/message-bus.js';
import type { LeaseStore } from '../store/lease.js';
import { ClusterLoad } from './cluster-load.js';
import { ClusterView } from './cluster-view.js';
import type { ClusterConfig } from './config.js';
import type { Coordinator } from './coordinator.js';
import { Leader } from './leader.js';
import { shareWarmCommands } from './warm-share.js';

/** What `/healthz` and `GET /v1/cluster` say about the shared view. */
export interface ClusterStatus {
  instance: string;
  /** False while the bus or the store cannot reach NATS: routing goes on from the last view. */
  connected: boolean;
  /** Milliseconds since the connection was lost (null while connected). */
  disconnectedForMs: number | null;
  /** Other coordinators heard from within `peerTimeoutMs`, with the age of their last message. */
  peers: { id: string; lastHeardMs: number }[];
  /** From a heartbeat accepted by another coordinator to its application here, ms, over the last 10 s. */
  viewLagMs: { p50: number; p99: number; max: number; samples: number };
  /** Node-set reads from the store after the bus came back. */
  catchUps: number;
  catchUpError?: string;
  /** Who holds the warm-set controller's lease, as last seen here (null: no lease, or not yet asked). */
  warmsetLeader: { holder: string; untilMs: number; self: boolean } | null;
}

export interface Cluster {
  status(): ClusterStatus;
  /** Publishes the waiting heartbeats and this coordinator's load now (they also go on their timers). */
  sync(): void;
  /** Publishes what waits and leaves the view (the bus itself belongs to the caller). */
  close(): void;
  /** The warm-set controller's lease (with `leases`). */
  leader?: Leader;
}

/**
 * Joins the coordinator to the shared view on `bus` (docs/nats.md): membership and telemetry
 * (cluster-view.ts), load and client-key use (cluster-load.ts), warm-set commands (warm-share.ts).
 * `storeConnected` tells whether the store reaches NATS; the coordinator is degraded when either does
 * not. With `leases`, the warm-set controller plans only while this coordinator holds the `warmset`
 * lease (leader.ts), renewed every `leaseMs / 3` when the controller is on.
 */
export function joinCluster(
  c: Coordinator,
  bus: MessageBus,
  config: ClusterConfig,
  storeConnected: () => boolean = () => true,
  leases?: LeaseStore,
): Cluster {
  const view = new ClusterView(c, bus, config);
  const load = new ClusterLoad(c, bus, config);
  const unshare = shareWarmCommands(c, bus, config.prefix);
  const control = c.warm.control;
  const leader =
    leases === undefined
      ? undefined
      : new Leader(leases, 'warmset', c.instanceId, config.leaseMs, c.now, () => control.adoptOpen());
  control.leader = leader;
  if (leader !== undefined && c.config.warmset.enabled) leader.start();
  let lostAt: number | undefined;
  const track = (up: boolean) => {
    if (up && storeConnected()) lostAt = undefined;
    else lostAt ??= c.now();
  };
  bus.onStatus(track);
  const cluster: Cluster = {
    status() {
      const now = c.now();
      track(bus.connected());
      const peers = [...view.peers]
        .map(([id, at]) => ({ id, lastHeardMs: now - at }))
        .filter((p) => p.lastHeardMs <= config.peerTimeoutMs)
        .sort((a, b) => (a.id < b.id ? -1 : 1));
      return {
        instance: c.instanceId,
        connected: lostAt === undefined,
        disconnectedForMs: lostAt === undefined ? null : now - lostAt,
        peers,
        viewLagMs: view.lag(),
        catchUps: view.catchUps,
        ...(view.catchUpError === undefined ? {} : { catchUpError: view.catchUpError }),
        warmsetLeader:
          leader?.holder === undefined
            ? null
            : { holder: leader.holder, untilMs: leader.until, self: leader.held() },
      };
    },
    sync() {
      view.flush();
      load.sync();
    },
    close() {
      view.close();
      load.close();
      unshare();
      void leader?.stop();
    },
    ...(leader === undefined ? {} : { leader }),
  };
  c.cluster = cluster;
  return cluster;
}

/** `GET /v1/cluster`: the shared view's status (public, like `/healthz`). */
export function clusterRoutes(app: FastifyInstance, c: Coordinator): void {
  app.get('/v1/cluster', async (_req, reply) => {
    if (c.cluster === undefined)
      return reply.code(404).send({
        error: { code: 'not_found', message: 'this coordinator runs alone (no --nats)' },
      });
    return c.cluster.status();
  });
}
