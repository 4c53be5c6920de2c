import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { InputError, NotFoundError } from '../errors.js';
import { Id } from '../model/common.js';
import { parseOrThrow } from '../model/validate.js';
import type { TokenRecord } from '../store/registry-store.js';
import { requireAdmin } from './access.js';
import type { Coordinator } from './coordinator.js';

const Expiry = {
  note: z.string().max(200).default('admin'),
  /** Epoch ms or ISO 8601 date-time from which the secret is refused. */
  expiresAt: z
    .union([z.number().int().min(0), z.iso.datetime({ offset: true })])
    .transform((v) => (typeof v === 'number' ? v : Date.parse(v)))
    .optional(),
};
const TokenRequest = z.strictObject({ operator: Id, ...Expiry });
const ClientKeyRequest = z.strictObject({ client: Id, ...Expiry });
const TokenParams = z.strictObject({ id: z.string().regex(/^[0-9a-f]{64}$/, 'a token id (64 hex digits)') });

/**
 * InputError naming `expiresAt` and the value sent when the expiry (ms) is not after `now` (ms): a secret
 * issued already expired would be refused from its first use.
 */
function refuseExpired(body: unknown, expiresAt: number | undefined, now: number): void {
  if (expiresAt === undefined || expiresAt > now) return;
  throw new InputError('body', [
    {
      path: 'expiresAt',
      message: `must be in the future (the coordinator's clock reads ${new Date(now).toISOString()})`,
      value: (body as { expiresAt?: unknown }).expiresAt,
    },
  ]);
}

/**
 * The admin API (bearer `adminToken`): issue operator tokens and client keys, list them (by id: the
 * stored HMAC digest, never the secret), revoke one. Secrets are shown once, when issued.
 */
export function adminRoutes(app: FastifyInstance, c: Coordinator): void {
  const issue = async (kind: 'operator' | 'client', owner: string, note: string, expiresAt?: number) => {
    const secret = randomBytes(24).toString('base64url');
    const record: TokenRecord = {
      hash: c.registry.digests.ofToken(secret),
      operator: owner,
      createdAt: c.now(),
      note,
      kind,
      ...(expiresAt === undefined ? {} : { expiresAt }),
    };
    await c.store.putToken(record);
    return { id: record.hash, secret, expiresAt: expiresAt ?? null };
  };

  app.post('/v1/admin/tokens', async (req, reply) => {
    requireAdmin(c, req.headers.authorization);
    const body = parseOrThrow(TokenRequest, req.body ?? {}, 'body');
    refuseExpired(req.body, body.expiresAt, c.now());
    const t = await issue('operator', body.operator, body.note, body.expiresAt);
    return reply
      .code(201)
      .send({ operator: body.operator, token: t.secret, id: t.id, expiresAt: t.expiresAt });
  });

  app.post('/v1/admin/clients', async (req, reply) => {
    requireAdmin(c, req.headers.authorization);
    const body = parseOrThrow(ClientKeyRequest, req.body ?? {}, 'body');
    refuseExpired(req.body, body.expiresAt, c.now());
    const t = await issue('client', body.client, body.note, body.expiresAt);
    return reply.code(201).send({ client: body.client, key: t.secret, id: t.id, expiresAt: t.expiresAt });
  });

  app.get('/v1/admin/tokens', async (req) => {
    requireAdmin(c, req.headers.authorization);
    return {
      tokens: (await c.store.listTokens()).map((t) => ({
        id: t.hash,
        kind: t.kind ?? 'operator',
        owner: t.operator,
        note: t.note,
        createdAt: t.createdAt,
        expiresAt: t.expiresAt ?? null,
      })),
    };
  });

  app.delete('/v1/admin/tokens/:id', async (req, reply) => {
    requireAdmin(c, req.headers.authorization);
    const { id } = parseOrThrow(TokenParams, req.params, 'url');
    if (!(await c.store.deleteToken(id))) throw new NotFoundError(`no token with id ${id}`);
    return reply.code(204).send();
  });
}
