import { labelValue } from '../model/labels.js';
import { ACCEL_API } from '../network/models.js';
import type { RegistryStore, WarmActionRecord } from '../store/registry-store.js';
import { planWarmSets, UNDONE_BLOCK_HORIZONS } from '../warmset/controller.js';
import type { ServerConfig } from './config.js';
import type { DemandLog } from './demand-log.js';
import type { Leader } from './leader.js';
import type { LiveNetwork } from './live-network.js';
import type { Registry } from './registry.js';
import { ServedRates } from './served-rates.js';
import { healthOf } from './telemetry.js';
import type { WarmCommands } from './warm-commands.js';
import { forecastModelDemand, ModelDemandWindow, splitByPlace } from './warm-demand.js';
import { type LiveNode, warmSetInput } from './warm-input.js';

/**
 * The warm-set controller of `meridian serve`: every `warmset.periodMs` it reads the demand the gateway
 * recorded, forecasts each model's rate over the horizon (and each place's, which split it), builds the
 * planner's input from the live registry (warmset/controller.ts decides) and turns its actions into
 * commands to the nodes' agents (warm-commands.ts), each recorded with its reason. One plan runs at a
 * time; a plan that fails is retried at the next period and its error kept in `lastError`.
 *
 * In a cluster (`leader` set by cluster.ts) only the coordinator holding the `warmset` lease plans: the
 * others skip their periods, so each decision is acted on once; one that takes the lease over first reads
 * the commands still open from the store, so it does not issue them again.
 */

export interface WarmControlParts {
  config: ServerConfig;
  store: RegistryStore;
  registry: Registry;
  network: LiveNetwork;
  demand: DemandLog;
  commands: WarmCommands;
  now: () => number;
}

export class WarmControl {
  private readonly window: ModelDemandWindow;
  /** What the gateway had each (node, model) serve lately (the gateway counts, each plan folds). */
  readonly served = new ServedRates();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  /** Plans made so far, and the error of the last one when it failed. */
  plans = 0;
  lastError: string | undefined;
  /** Periods skipped because another coordinator holds the lease. */
  skipped = 0;
  /** The controller's lease, when coordinators share the network (cluster.ts); none: always plans. */
  leader: Leader | undefined;

  constructor(private readonly p: WarmControlParts) {
    const w = p.config.warmset;
    this.window = new ModelDemandWindow(p.store, p.demand.baseMs, w.bucketMs, w.historyMs);
  }

  /** Plans every period; a period that comes while a plan still runs is skipped. */
  start(): void {
    if (this.timer !== undefined) return;
    let busy = false;
    this.timer = setInterval(() => {
      if (busy) return;
      busy = true;
      void this.step()
        .catch(() => {})
        .finally(() => {
          busy = false;
        });
    }, this.p.config.warmset.periodMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running.catch(() => {});
    await this.p.commands.flush();
  }

  /**
   * One plan: expire old commands, forecast, plan, issue. Returns the commands issued (none when another
   * coordinator holds the lease).
   */
  step(): Promise<WarmActionRecord[]> {
    const next = this.running.catch(() => {}).then(() => this.plan());
    this.running = next;
    return next;
  }

  private async plan(): Promise<WarmActionRecord[]> {
    const { config, network, commands } = this.p;
    const w = config.warmset;
    try {
      if (this.leader !== undefined && !(await this.leader.ensure())) {
        this.skipped++;
        return [];
      }
      commands.expire();
      const now = this.p.now();
      await this.p.demand.flush();
      await this.window.refresh(now);
      this.served.fold(now, w.horizonMs);
      const demand = forecastModelDemand(this.window.series(now), w.bucketMs, w.horizonMs, w.coverage);
      const byPlace = forecastModelDemand(this.window.placeSeries(now), w.bucketMs, w.horizonMs, w.coverage);
      const view = network.currentView();
      const topology = view.topology;
      const mn = topology.metros.nodeMetroCount;
      const input = warmSetInput({
        topology,
        nodes: this.liveNodes(now),
        demand,
        outputTokens: config.gateway.defaultOutputTokens,
        horizonMs: w.horizonMs,
        margin: w.margin,
        maxResident: w.maxResidentPerNode ?? Number.POSITIVE_INFINITY,
        expected: (node, model) => commands.expected(node, model),
        loadedLately: (node, model) =>
          commands.loadedWithin(node, model, UNDONE_BLOCK_HORIZONS * w.horizonMs, now),
        servedRps: (node, model) => this.served.rps(node, model),
        places: {
          rps: splitByPlace(demand, byPlace),
          rttMs: (row, col) => view.dyn.metroRtt[row * mn + col]!,
          reachMs: w.reachMs,
        },
      });
      // A proxy node's models are the hosted API's: counted as replicas, never commanded.
      const actions = planWarmSets(input).filter((a) => {
        const i = topology.index.get(a.node);
        return i !== undefined && topology.accel[i] !== ACCEL_API;
      });
      const issued = await commands.issue(actions);
      this.plans++;
      this.lastError = undefined;
      return issued;
    } catch (e) {
      this.lastError = e instanceof Error ? e.message : String(e);
      throw e;
    }
  }

  /** The commands issued less than `commandTtlMs` ago, from the store (on taking the lease over). */
  async adoptOpen(): Promise<void> {
    const since = this.p.now() - this.p.config.warmset.commandTtlMs;
    for (const r of await this.p.store.listWarmActions(since, 5000)) this.p.commands.apply(r);
  }

  /** Registered nodes whose telemetry is not unhealthy, with what they report. */
  private liveNodes(now: number): LiveNode[] {
    const { registry, network, config } = this.p;
    const out: LiveNode[] = [];
    for (const n of registry.all()) {
      const id = n.record.id;
      const hb = network.telemetry.get(id)?.heartbeat;
      if (hb === undefined || healthOf(network.telemetry.ageMs(id, now), config.telemetry) === 'unhealthy')
        continue;
      out.push({
        id,
        slots: hb.slots > 0 ? hb.slots : n.descriptor.slots,
        domain: labelValue(n.descriptor.labels, config.warmset.domainDimension) ?? `node:${id}`,
        models: hb.models,
      });
    }
    return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
}
