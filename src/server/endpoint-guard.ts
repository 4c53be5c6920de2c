import type { KeyObject } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { ControlCheck } from './endpoint-proof.js';
import { CidrSet, ipOfHost, refusedKind } from './endpoint-rules.js';
import { EndpointError } from './http-errors.js';

/**
 * Admits a node's endpoint only when it is the node's own: not an alias of another node's endpoint, not
 * the coordinator itself, not in a refused range (loopback, private, link-local, metadata, …) unless
 * `registry.allowEndpoints` lists it — checked on every address the name resolves to — and answering the
 * proof of control with the node's key. Checked at registration and whenever an update moves the endpoint.
 */

/** One endpoint, one node: scheme, host (lower case, IPv4 forms canonical), port (default dropped) and path. */
export function endpointKey(endpoint: string): string {
  const u = new URL(endpoint);
  return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
}

/** Every address of a host name (an IP literal is its own address). */
export type Resolve = (hostname: string) => Promise<string[]>;

const dnsResolve: Resolve = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

export interface EndpointGuardOptions {
  /** CIDR ranges admitted despite being in a refused range (`registry.allowEndpoints`). */
  allow: readonly string[];
  check: ControlCheck;
  resolve?: Resolve;
  /** Time a name has to resolve (default 2000 ms). */
  resolveTimeoutMs?: number;
}

/** The addresses a coordinator listening on `addr` answers on (every interface when it listens on all). */
export function selfAddresses(addr: AddressInfo): { addresses: Set<string>; port: number } {
  const all = addr.address === '0.0.0.0' || addr.address === '::';
  const addresses = new Set<string>([addr.address]);
  if (all) {
    for (const list of Object.values(networkInterfaces()))
      for (const i of list ?? []) addresses.add(i.address);
    addresses.add('127.0.0.1').add('::1');
  }
  return { addresses, port: addr.port };
}

function portOf(u: URL): number {
  return u.port !== '' ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
}

/** IPv4-mapped IPv6 (`::ffff:7f00:1`) as the IPv4 address it stands for, so self matches either form. */
function plain(address: string): string {
  const m = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (m === null) return address.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1');
  const hi = Number.parseInt(m[1]!, 16);
  const lo = Number.parseInt(m[2]!, 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

export class EndpointGuard {
  private readonly allow: CidrSet;
  private readonly resolve: Resolve;
  private self: { addresses: Set<string>; port: number } | undefined;

  constructor(private readonly opt: EndpointGuardOptions) {
    this.allow = new CidrSet(opt.allow);
    this.resolve = opt.resolve ?? dnsResolve;
  }

  /** Tells the guard where the coordinator listens (its own addresses are never an endpoint). */
  listeningAt(addr: AddressInfo): void {
    this.self = selfAddresses(addr);
  }

  /** Throws EndpointError unless `endpoint` may be `nodeId`'s, given the endpoints other nodes hold. */
  async admit(
    nodeId: string,
    endpoint: string,
    key: KeyObject,
    holders: Iterable<{ id: string; endpoint: string }>,
  ): Promise<void> {
    const k = endpointKey(endpoint);
    for (const h of holders)
      if (h.id !== nodeId && endpointKey(h.endpoint) === k)
        throw new EndpointError(
          'endpoint_taken',
          `endpoint ${endpoint} is already node ${h.id}'s; one endpoint serves one node`,
        );
    const u = new URL(endpoint);
    const literal = ipOfHost(u.hostname);
    let addresses: string[];
    try {
      addresses =
        literal === undefined
          ? await withTimeout(this.resolve(u.hostname), this.opt.resolveTimeoutMs ?? 2000)
          : [literal];
    } catch (e) {
      throw new EndpointError(
        'endpoint_refused',
        `endpoint ${endpoint}: cannot resolve ${u.hostname} (${(e as Error).message})`,
      );
    }
    if (addresses.length === 0)
      throw new EndpointError('endpoint_refused', `endpoint ${endpoint}: ${u.hostname} has no address`);
    const port = portOf(u);
    for (const a of addresses) {
      const self = this.self;
      if (self !== undefined && self.port === port && (self.addresses.has(a) || self.addresses.has(plain(a))))
        throw new EndpointError(
          'endpoint_refused',
          `endpoint ${endpoint} is this coordinator (${a} port ${port}): a node cannot point at the gateway`,
        );
      const kind = refusedKind(a);
      if (kind !== undefined && !this.allow.has(a))
        throw new EndpointError(
          'endpoint_refused',
          `endpoint ${endpoint} resolves to ${a}, a ${kind} address; only public addresses are proxied unless registry.allowEndpoints lists the range`,
        );
    }
    const reason = await this.opt.check(endpoint, key);
    if (reason !== undefined)
      throw new EndpointError(
        'proof_failed',
        `endpoint ${endpoint} did not prove it is node ${nodeId}'s: ${reason}`,
      );
  }
}
