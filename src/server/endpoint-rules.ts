import { BlockList, isIP } from 'node:net';

/**
 * Which addresses a node endpoint may not point at unless the config allow-lists them: every range where
 * a coordinator would reach something of its own network instead of a node on the internet (SSRF).
 * Pure: no DNS, no traffic; the guard resolves names first and asks about each address.
 */

export type RefusedKind =
  | 'metadata'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'multicast'
  | 'broadcast';

/** Ranges in the order they are named: the most specific reason first (metadata inside link-local). */
export const REFUSED_RANGES: readonly { kind: RefusedKind; cidr: string }[] = [
  { kind: 'metadata', cidr: '169.254.169.254/32' },
  { kind: 'metadata', cidr: 'fd00:ec2::254/128' },
  { kind: 'unspecified', cidr: '0.0.0.0/8' },
  { kind: 'unspecified', cidr: '::/128' },
  { kind: 'loopback', cidr: '127.0.0.0/8' },
  { kind: 'loopback', cidr: '::1/128' },
  { kind: 'private', cidr: '10.0.0.0/8' },
  { kind: 'private', cidr: '172.16.0.0/12' },
  { kind: 'private', cidr: '192.168.0.0/16' },
  { kind: 'private', cidr: '100.64.0.0/10' },
  { kind: 'private', cidr: 'fc00::/7' },
  { kind: 'link-local', cidr: '169.254.0.0/16' },
  { kind: 'link-local', cidr: 'fe80::/10' },
  { kind: 'multicast', cidr: '224.0.0.0/4' },
  { kind: 'multicast', cidr: 'ff00::/8' },
  { kind: 'broadcast', cidr: '255.255.255.255/32' },
];

/** `10.0.0.0/8` → its parts, or undefined when the text is not an IPv4/IPv6 CIDR (a bare address is /32 or /128). */
export function parseCidr(
  text: string,
): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | undefined {
  const [address = '', bits, extra] = text.trim().split('/');
  const v = isIP(address);
  if (v === 0 || extra !== undefined) return undefined;
  const max = v === 4 ? 32 : 128;
  const prefix = bits === undefined ? max : /^\d{1,3}$/.test(bits) ? Number(bits) : Number.NaN;
  if (!(prefix >= 0 && prefix <= max)) return undefined;
  return { address, prefix, family: v === 4 ? 'ipv4' : 'ipv6' };
}

/** A set of CIDR ranges (IPv4-mapped IPv6 addresses match their IPv4 ranges). */
export class CidrSet {
  private readonly list = new BlockList();
  constructor(cidrs: readonly string[]) {
    for (const c of cidrs) {
      const p = parseCidr(c);
      if (p === undefined) throw new Error(`not a CIDR range: ${c}`);
      this.list.addSubnet(p.address, p.prefix, p.family);
    }
  }
  has(address: string): boolean {
    const v = isIP(address);
    return v !== 0 && this.list.check(address, v === 4 ? 'ipv4' : 'ipv6');
  }
}

const REFUSED = REFUSED_RANGES.map((r) => ({ kind: r.kind, set: new CidrSet([r.cidr]) }));

/** The kind of refused range an IP address is in, or undefined for a public address. */
export function refusedKind(address: string): RefusedKind | undefined {
  return REFUSED.find((r) => r.set.has(address))?.kind;
}

/** An IP literal in a URL host (`[::1]`) without its brackets; undefined for names. */
export function ipOfHost(hostname: string): string | undefined {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return isIP(bare) === 0 ? undefined : bare;
}
