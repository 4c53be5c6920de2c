import type { Coordinator } from './coordinator.js';
import { AuthError, ClientLimitError } from './http-errors.js';
import { bearer } from './registry.js';
import { TokenDigests } from './secrets.js';

/**
 * Who is asking, from the `Authorization: Bearer …` header: the admin (`adminToken`), an operator (its
 * token), a client (its API key) or nobody. A secret that is unknown or expired gives the rights of no
 * secret (`anonymous`, with the reason), so reads stay open to the public view and the gateway decides
 * whether a key is required. What each may read is in docs/security.md.
 */
export type Access =
  | { role: 'admin' }
  | { role: 'operator'; operator: string }
  | { role: 'client'; client: string }
  | { role: 'anonymous'; refused?: string };

export async function accessOf(c: Coordinator, authorization: string | undefined): Promise<Access> {
  const token = bearer(authorization);
  if (token === undefined) return { role: 'anonymous' };
  const admin = c.config.adminToken;
  if (admin !== undefined && TokenDigests.same(token, admin)) return { role: 'admin' };
  const found = await c.registry.lookup(token);
  if (found === undefined) return { role: 'anonymous', refused: 'unknown key' };
  if ('expired' in found)
    return {
      role: 'anonymous',
      refused: `the key expired at ${new Date(found.expired.expiresAt!).toISOString()}`,
    };
  return found.kind === 'client'
    ? { role: 'client', client: found.operator }
    : { role: 'operator', operator: found.operator };
}

/** AuthError unless the header carries the admin token (the admin API is off without `adminToken`). */
export function requireAdmin(c: Coordinator, authorization: string | undefined): void {
  const admin = c.config.adminToken;
  if (admin === undefined)
    throw new AuthError('unauthorized', 'the admin API is disabled (no adminToken in the config)');
  const given = bearer(authorization);
  if (given === undefined || !TokenDigests.same(given, admin))
    throw new AuthError('unauthorized', 'a valid admin token is required');
}

/**
 * The client a gateway request is made for: its key's id after taking one request from its rate and
 * quota (ClientLimitError when over), or undefined for a request without a valid key, which is refused
 * (AuthError) when `gateway.requireClientKey` is set and the caller is not the admin. A request without
 * an `Authorization` header where no key is required is let through at once, with no promise: that is
 * every request of an open gateway, and awaiting one costs a tick each.
 */
export function admitClient(
  c: Coordinator,
  authorization: string | undefined,
): string | undefined | Promise<string | undefined> {
  if (authorization === undefined && !c.config.gateway.requireClientKey) return undefined;
  return admitKey(c, authorization);
}

async function admitKey(c: Coordinator, authorization: string | undefined): Promise<string | undefined> {
  const access = await accessOf(c, authorization);
  if (access.role === 'client') {
    const own = c.config.clients.find((k) => k.id === access.client);
    const limits = {
      rate: own?.rate ?? c.config.gateway.clientRate,
      ...(own?.quota === undefined ? {} : { quota: own.quota }),
    };
    const refused = c.clientLimits.take(access.client, limits, c.now());
    if (refused !== undefined)
      throw new ClientLimitError(
        refused.code,
        refused.code === 'rate_limited'
          ? `client ${access.client} is over its rate of ${limits.rate.perSecond} requests per second`
          : `client ${access.client} has used its quota of ${limits.quota?.requests} requests per ${limits.quota?.windowMs} ms`,
        refused.retryAfterMs,
      );
    return access.client;
  }
  if (c.config.gateway.requireClientKey && access.role !== 'admin')
    throw new AuthError(
      'unauthorized',
      access.role === 'anonymous' && access.refused !== undefined
        ? `client key refused: ${access.refused}`
        : 'a client API key is required (Authorization: Bearer …)',
    );
  return undefined;
}
