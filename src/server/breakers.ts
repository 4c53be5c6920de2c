/**
 * Circuit breakers per node and per shared failure domain (every node with the same `upstream`, say).
 *
 * A node breaker opens after `failures` consecutive failures; after `cooldownMs` it lets one trial through
 * (half-open); the trial's success closes it, a failure opens it again. Only a real request closes a
 * breaker: a node can answer probes and still hang every completion.
 *
 * A domain breaker opens when `domainFailures` distinct members of the domain (every member, when it has
 * fewer; at least two) have failed with no success from any member in between: the shared thing is down,
 * so failing over from one member to another only wastes time. After `cooldownMs` one trial goes through;
 * any member's success closes it.
 */

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  failures: number;
  cooldownMs: number;
  /** Distinct failing members that open a domain (capped at the member count). */
  domainFailures: number;
}

class Breaker {
  state: BreakerState = 'closed';
  consecutive = 0;
  openedAt = 0;
  trialOut = false;
  trialAt = 0;

  constructor(private readonly opt: BreakerOptions) {}

  /** Whether a request could pass now, without taking the half-open trial slot. */
  canPass(now: number): boolean {
    const s = this.current(now);
    // A trial that never reported back (client gone) frees its slot after another cooldown.
    return (
      s === 'closed' || (s === 'half-open' && (!this.trialOut || now - this.trialAt >= this.opt.cooldownMs))
    );
  }

  /** Lets a request through (call after `canPass`): takes the trial slot when half-open. */
  take(now: number): void {
    if (this.state === 'open' && now - this.openedAt >= this.opt.cooldownMs) this.state = 'half-open';
    if (this.state === 'half-open') {
      this.trialOut = true;
      this.trialAt = now;
    }
  }

  current(now: number): BreakerState {
    if (this.state === 'open' && now - this.openedAt >= this.opt.cooldownMs) return 'half-open';
    return this.state;
  }

  success(): void {
    this.state = 'closed';
    this.consecutive = 0;
    this.trialOut = false;
  }

  open(now: number): void {
    this.state = 'open';
    this.openedAt = now;
    this.trialOut = false;
  }
}

/** Why a node may not be tried now. */
export type Blocked = { kind: 'node' } | { kind: 'domain'; domain: string };

export class BreakerBoard {
  private readonly nodes = new Map<string, Breaker>();
  private readonly domains = new Map<string, Breaker>();
  /** Domain key (`upstream=openai`) → member node ids. */
  private readonly members = new Map<string, Set<string>>();
  /** Node id → its domain keys. */
  private readonly domainsOf = new Map<string, string[]>();
  /** Domain key → members that failed since the domain's last success. */
  private readonly failedSince = new Map<string, Set<string>>();

  constructor(private readonly opt: BreakerOptions) {}

  /** Sets the node's failure domains (e.g. `['upstream=openai']`); an empty list removes it from all. */
  setDomains(nodeId: string, domains: readonly string[]): void {
    for (const d of this.domainsOf.get(nodeId) ?? []) {
      this.members.get(d)?.delete(nodeId);
      this.failedSince.get(d)?.delete(nodeId);
    }
    this.domainsOf.set(nodeId, [...domains]);
    for (const d of domains) {
      let m = this.members.get(d);
      if (m === undefined) this.members.set(d, (m = new Set()));
      m.add(nodeId);
    }
  }

  removeNode(nodeId: string): void {
    this.setDomains(nodeId, []);
    this.domainsOf.delete(nodeId);
    this.nodes.delete(nodeId);
  }

  /** Whether a request may go to the node now; takes the half-open trial slot when it is free. */
  check(nodeId: string, now: number): Blocked | undefined {
    const domains = this.domainsOf.get(nodeId) ?? [];
    for (const d of domains) {
      if (this.domains.get(d)?.canPass(now) === false) return { kind: 'domain', domain: d };
    }
    const b = this.nodes.get(nodeId);
    if (b?.canPass(now) === false) return { kind: 'node' };
    b?.take(now);
    for (const d of domains) this.domains.get(d)?.take(now);
    return undefined;
  }

  success(nodeId: string): void {
    this.nodes.get(nodeId)?.success();
    for (const d of this.domainsOf.get(nodeId) ?? []) {
      this.domains.get(d)?.success();
      this.failedSince.get(d)?.clear();
    }
  }

  /** Records a failure; returns the domains this failure has just opened. */
  failure(nodeId: string, now: number): string[] {
    const b = this.nodeBreaker(nodeId);
    b.consecutive++;
    if (b.state === 'half-open' || (b.state === 'closed' && b.consecutive >= this.opt.failures)) b.open(now);
    const opened: string[] = [];
    for (const d of this.domainsOf.get(nodeId) ?? []) {
      let failed = this.failedSince.get(d);
      if (failed === undefined) this.failedSince.set(d, (failed = new Set()));
      failed.add(nodeId);
      const members = this.members.get(d)!;
      let db = this.domains.get(d);
      if (db === undefined) this.domains.set(d, (db = new Breaker(this.opt)));
      const allFailed =
        members.size >= 2 && failed.size >= Math.min(members.size, Math.max(2, this.opt.domainFailures));
      if (db.state === 'half-open' || (db.state === 'closed' && allFailed)) {
        db.open(now);
        opened.push(d);
      }
    }
    return opened;
  }

  /** True when the node must not get new requests: its breaker or one of its domains' is open. */
  blocked(nodeId: string, now: number): boolean {
    if (this.nodeState(nodeId, now) === 'open') return true;
    for (const d of this.domainsOf.get(nodeId) ?? []) if (this.domainState(d, now) === 'open') return true;
    return false;
  }

  /** Domains whose breaker is open now. */
  openDomains(now: number): string[] {
    return [...this.domains.entries()].filter(([, b]) => b.current(now) === 'open').map(([d]) => d);
  }

  nodeState(nodeId: string, now: number): BreakerState {
    return this.nodes.get(nodeId)?.current(now) ?? 'closed';
  }

  domainState(domain: string, now: number): BreakerState {
    return this.domains.get(domain)?.current(now) ?? 'closed';
  }

  /** Every node and domain with a breaker, with its state (for metrics). */
  states(now: number): { nodes: [string, BreakerState][]; domains: [string, BreakerState][] } {
    return {
      nodes: [...this.nodes.entries()].map(([id, b]) => [id, b.current(now)]),
      domains: [...this.members.keys()].map((d) => [d, this.domainState(d, now)]),
    };
  }

  private nodeBreaker(nodeId: string): Breaker {
    let b = this.nodes.get(nodeId);
    if (b === undefined) this.nodes.set(nodeId, (b = new Breaker(this.opt)));
    return b;
  }
}

/** The failure-domain keys of a node: `dimension=value` for each configured dimension it carries. */
export function domainKeys(
  labels: Record<string, { value: string }>,
  dimensions: readonly string[],
): string[] {
  const out: string[] = [];
  for (const d of dimensions) {
    const v = labels[d]?.value;
    if (v !== undefined) out.push(`${d}=${v}`);
  }
  return out;
}
