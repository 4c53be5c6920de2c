import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { envelope } from '../src/agent/coordinator-client.js';
import { InputError } from '../src/errors.js';
import { parseConfig } from '../src/server/config.js';
import { MemoryStore } from '../src/store/memory-store.js';
import type { RegistryStore } from '../src/store/registry-store.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import { generateIdentity, type KeyPair } from '../src/wire/identity.js';
import type { RegisterResponse } from '../src/wire/protocol.js';
import {
  ADMIN,
  descriptor,
  LOOPBACK,
  startCoordinator,
  type TestCoordinator,
  TOKEN_A,
  tempDir,
  writeYaml,
} from './server-kit.js';
import { meridian } from './support/cli.js';
import { type DocOptions, MODULE_ID, nitroDocument, PCR0, type Pki, pki } from './support/nitro-documents.js';

/**
 * Issue 13, item 1 "TEE", in process: nodes register with AWS Nitro-shaped attestation documents that the
 * test builds on its own root (test/support/nitro-documents.ts); the coordinator's clock is the test's.
 */
const T0 = Math.floor(Date.now() / 1000) * 1000;
const MAX_AGE = 600_000;
const MODEL = 'llama-3.1-8b-instruct';
const tmp = tempDir('registry-attestation');
let good: Pki;
let other: Pki;
let rootFile: string;
let t = T0;
let c: TestCoordinator | undefined;

beforeAll(async () => {
  good = await pki(T0);
  other = await pki(T0);
  rootFile = join(tmp.dir, 'root.pem');
  writeFileSync(rootFile, good.rootPem);
});
afterAll(() => tmp.remove());
afterEach(async () => {
  await c?.close();
  c = undefined;
  t = T0;
});

const attestationConfig = () => ({ nitro: { root: rootFile, pcrs: { '0': [PCR0] }, maxAgeMs: MAX_AGE } });

function start(store: RegistryStore = new MemoryStore()) {
  return startCoordinator(
    { registry: { allowEndpoints: LOOPBACK, attestation: attestationConfig() } },
    { now: () => t, store },
  );
}

const rawKey = (k: KeyPair) => new Uint8Array(Buffer.from(k.publicKeyText, 'base64url'));

async function doc(key: KeyPair, o: Partial<DocOptions> = {}, p = good): Promise<string> {
  const bytes = await nitroDocument(p, { timestamp: T0 - 1000, publicKey: rawKey(key), ...o });
  return Buffer.from(bytes).toString('base64');
}

interface Sent {
  status: number;
  body: { error?: { code: string; message: string } } & Partial<RegisterResponse>;
}

async function registerTee(id: string, key: KeyPair, document: string | undefined): Promise<Sent> {
  const res = await c!.app.inject({
    method: 'POST',
    url: '/v1/nodes',
    headers: { authorization: `Bearer ${TOKEN_A}` },
    payload: envelope(
      'register',
      {
        node: descriptor(id, { verification: ['vanilla', 'tee'] }),
        endpoint: `http://127.0.0.1:9/${id}`,
        publicKey: key.publicKeyText,
        signedAt: t,
        ...(document === undefined ? {} : { attestation: { kind: 'aws-nitro', document } }),
      },
      key,
    ),
  });
  return { status: res.statusCode, body: res.json() as Sent['body'] };
}

async function update(id: string, key: KeyPair, seq: number, document: string): Promise<Sent> {
  const res = await c!.app.inject({
    method: 'PUT',
    url: `/v1/nodes/${id}`,
    payload: envelope(
      'update',
      { nodeId: id, seq, signedAt: t, attestation: { kind: 'aws-nitro', document } },
      key,
    ),
  });
  return { status: res.statusCode, body: res.json() as Sent['body'] };
}

async function warm(id: string, key: KeyPair, seq: number): Promise<void> {
  const res = await c!.app.inject({
    method: 'POST',
    url: '/v1/heartbeats',
    payload: envelope(
      'heartbeat',
      {
        nodeId: id,
        seq,
        sentAt: t,
        models: [{ id: MODEL, state: 'warm' }],
        slots: 8,
        inFlight: 0,
        queue: 0,
      },
      key,
    ),
  });
  expect(res.statusCode, res.body).toBe(200);
}

async function route(verification: 'tee' | 'none') {
  const res = await c!.app.inject({
    method: 'POST',
    url: '/v1/route',
    payload: {
      model: MODEL,
      client: { lat: 50.11, lon: 8.68 },
      inputTokens: 100,
      outputTokens: 10,
      verification,
      constraints: { independence: { fallbacks: 0 } },
    },
  });
  return {
    status: res.statusCode,
    body: res.json() as { primary?: string; receiptId?: string; error?: { code: string; message: string } },
  };
}

async function receipt(id: string) {
  const res = await c!.app.inject({
    method: 'GET',
    url: `/v1/receipts/${id}`,
    headers: { authorization: `Bearer ${ADMIN}` },
  });
  return res.json() as {
    attestations?: { node: string; status: string; module?: string; expiresAt?: string }[];
  };
}

async function attestationOf(id: string, token?: string) {
  const res = await c!.app.inject({
    method: 'GET',
    url: '/v1/nodes',
    ...(token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } }),
  });
  const nodes = (
    res.json() as { nodes: { id: string; attestation?: { status: string; expiresAt?: string } }[] }
  ).nodes;
  return nodes.find((n) => n.id === id)?.attestation;
}

describe('TEE attestation at registration', () => {
  it('registers a node whose document binds its key; its TEE verdict expires 600 s after the document timestamp and only admins and its operator see it', async () => {
    c = await start();
    const key = generateIdentity();
    const r = await registerTee('tee-1', key, await doc(key));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const expiresAt = new Date(T0 - 1000 + MAX_AGE).toISOString();
    expect(await attestationOf('tee-1', ADMIN)).toMatchObject({
      status: 'valid',
      kind: 'aws-nitro',
      module: MODULE_ID,
      expiresAt,
      measurements: { PCR0 },
    });
    expect(await attestationOf('tee-1', TOKEN_A)).toMatchObject({ status: 'valid' });
    expect(await attestationOf('tee-1')).toBeUndefined();
  });

  const refusals: [string, (key: KeyPair) => Promise<string>, string][] = [
    [
      'a tampered document (one PCR0 byte changed after signing)',
      (k) => doc(k, { tamper: true }),
      'COSE signature does not verify with the leaf certificate key',
    ],
    [
      'a document from another root',
      (k) => doc(k, {}, other),
      'cabundle[0] is not the configured root certificate',
    ],
    [
      'a PCR0 outside the allowlist',
      (k) => doc(k, { pcr0: 'bb'.repeat(48) }),
      `PCR0 ${'bb'.repeat(48)} is not in the allowlist`,
    ],
    [
      'a document bound to another key',
      () => doc(generateIdentity()),
      "public_key is not the node's registered key",
    ],
    [
      'a document 601 s old (limit 600 s)',
      (k) => doc(k, { timestamp: T0 - 601_000 }),
      'document is 601 s old (limit 600 s)',
    ],
  ];
  for (const [what, make, reason] of refusals)
    it(`refuses with 403 ${what}, saying why, and registers nothing`, async () => {
      c = await start();
      const key = generateIdentity();
      const r = await registerTee('bad', key, await make(key));
      expect(r.status).toBe(403);
      expect(r.body.error).toEqual({
        code: 'attestation_refused',
        message: `attestation refused (aws-nitro): ${reason}`,
      });
      expect(c.coordinator.registry.get('bad')).toBeUndefined();
    });

  it('refuses a document when no verifier is configured, naming the kind', async () => {
    c = await startCoordinator({}, { now: () => t });
    const key = generateIdentity();
    const r = await registerTee('tee-1', key, await doc(key));
    expect([r.status, r.body.error?.message]).toEqual([
      403,
      'attestation refused (aws-nitro): no verifier for attestation kind "aws-nitro" (known: none)',
    ]);
  });
});

describe('TEE requests', () => {
  it('routes a TEE request to the one attested node of two that declare tee, and its receipt names the module and expiry relied on', async () => {
    c = await start();
    const k1 = generateIdentity();
    const k2 = generateIdentity();
    const a = await registerTee('attested', k1, await doc(k1));
    const b = await registerTee('claims-only', k2, undefined);
    expect([a.status, b.status]).toEqual([201, 201]);
    await warm('attested', k1, a.body.lastSeq! + 1);
    await warm('claims-only', k2, b.body.lastSeq! + 1);
    expect(await attestationOf('claims-only', ADMIN)).toEqual({ status: 'none' });
    const picked = new Set<string>();
    for (let k = 0; k < 20; k++) {
      const r = await route('tee');
      expect(r.status).toBe(200);
      picked.add(r.body.primary!);
    }
    expect([...picked]).toEqual(['attested']);
    const r = await route('tee');
    expect((await receipt(r.body.receiptId!)).attestations).toEqual([
      {
        node: 'attested',
        status: 'valid',
        kind: 'aws-nitro',
        module: MODULE_ID,
        verifiedAt: new Date(T0).toISOString(),
        expiresAt: new Date(T0 - 1000 + MAX_AGE).toISOString(),
      },
    ]);
    // Requests without a TEE requirement still go to both, and their receipts carry no attestation.
    const plain = new Set<string>();
    for (let k = 0; k < 40; k++) plain.add((await route('none')).body.primary!);
    expect([...plain].sort()).toEqual(['attested', 'claims-only']);
    expect((await receipt((await route('none')).body.receiptId!)).attestations).toBeUndefined();
  });

  it('refuses a TEE request on a node whose attestation expired 1 s ago, with 503 naming the verification filter', async () => {
    c = await start();
    const key = generateIdentity();
    const a = await registerTee('tee-1', key, await doc(key));
    const expiresAt = T0 - 1000 + MAX_AGE;
    t = expiresAt - 1000;
    await warm('tee-1', key, a.body.lastSeq! + 1);
    expect((await route('tee')).body.primary).toBe('tee-1');
    t = expiresAt + 1000;
    await warm('tee-1', key, a.body.lastSeq! + 2);
    const r = await route('tee');
    expect(r.status).toBe(503);
    expect(r.body.error?.code).toBe('no_capacity');
    expect(r.body.error?.message).toBe(
      `no node can take ${MODEL} now: no node qualifies for model "${MODEL}": 1 of 1 capable nodes considered (1 verification mode unsupported) (a TEE request needs a node with a valid, unexpired attestation)`,
    );
    expect(await attestationOf('tee-1', ADMIN)).toMatchObject({ status: 'expired' });
    expect((await route('none')).body.primary).toBe('tee-1');
  });

  it('an update with a fresh document extends the verdict; an update with a tampered one is refused and keeps the old verdict', async () => {
    c = await start();
    const key = generateIdentity();
    const a = await registerTee('tee-1', key, await doc(key));
    let seq = a.body.lastSeq!;
    t = T0 + 500_000;
    const fresh = await update('tee-1', key, ++seq, await doc(key, { timestamp: t - 1000 }));
    expect(fresh.status, JSON.stringify(fresh.body)).toBe(200);
    expect(await attestationOf('tee-1', ADMIN)).toMatchObject({
      expiresAt: new Date(t - 1000 + MAX_AGE).toISOString(),
    });
    const bad = await update('tee-1', key, ++seq, await doc(key, { timestamp: t, tamper: true }));
    expect([bad.status, bad.body.error?.code]).toEqual([403, 'attestation_refused']);
    expect(await attestationOf('tee-1', ADMIN)).toMatchObject({
      status: 'valid',
      expiresAt: new Date(t - 1000 + MAX_AGE).toISOString(),
    });
    // Past the first document's expiry (T0 + 599 s), the refreshed verdict still carries TEE requests.
    t = T0 + 700_000;
    await warm('tee-1', key, ++seq);
    expect((await route('tee')).body.primary).toBe('tee-1');
  });

  it('keeps a node TEE standing through a coordinator restart on the same SQLite data directory, until it expires', async () => {
    const dir = join(tmp.dir, 'restart-data');
    const first = new SqliteStore(dir);
    c = await start(first);
    const key = generateIdentity();
    const a = await registerTee('tee-1', key, await doc(key));
    await c.close();
    await first.close();
    const second = new SqliteStore(dir);
    c = await start(second);
    expect(c.coordinator.registry.get('tee-1')?.record.attestation?.module).toBe(MODULE_ID);
    await warm('tee-1', key, a.body.lastSeq! + 1);
    expect((await route('tee')).body.primary).toBe('tee-1');
    t = T0 + MAX_AGE;
    await warm('tee-1', key, a.body.lastSeq! + 2);
    expect((await route('tee')).status).toBe(503);
    await c.close();
    c = undefined;
    await second.close();
  });
});

describe('registry.attestation config', () => {
  const parse = (nitro: Record<string, unknown>) => () =>
    parseConfig({ registry: { attestation: { nitro } } }, 'coordinator.yaml', tmp.dir);

  it('resolves the root file against the config directory and names the field and file when it is missing or not a certificate', () => {
    writeFileSync(join(tmp.dir, 'relative.pem'), good.rootPem);
    expect(parse({ root: 'relative.pem' })().registry.attestation.nitro?.root).toBe(
      join(tmp.dir, 'relative.pem'),
    );
    expect(parse({ root: 'missing.pem' })).toThrow(InputError);
    expect(parse({ root: 'missing.pem' })).toThrow(/registry\.attestation\.nitro\.root.*missing\.pem/s);
    writeFileSync(join(tmp.dir, 'not-a-cert.pem'), 'hello');
    expect(parse({ root: 'not-a-cert.pem' })).toThrow(/not-a-cert\.pem is not a PEM certificate/);
  });

  it('refuses a PCR value that is not 96 hex digits and a PCR index above 31', () => {
    expect(parse({ root: rootFile, pcrs: { '0': ['abc'] } })).toThrow(/96 hex digits/);
    expect(parse({ root: rootFile, pcrs: { '32': [PCR0] } })).toThrow(/"32" is not a PCR index 0 … 31/);
  });
});

describe('--attestation on the command line', () => {
  it('worker --attestation without --key: exit 2, the document must bind a key the test knows', async () => {
    const profile = writeYaml(join(tmp.dir, 'w.yaml'), { models: [{ id: MODEL }], node: descriptor('w1') });
    const r = await meridian(
      'worker',
      '--emulate',
      '--profile',
      profile,
      '--coordinator',
      'http://127.0.0.1:9',
      '--token',
      TOKEN_A,
      '--attestation',
      rootFile,
    );
    expect([r.code, r.stderr]).toEqual([
      2,
      'meridian: worker: --attestation needs --coordinator and --key FILE (the document must bind that key)',
    ]);
  });

  it('agent --attestation naming a missing file: exit 2 naming it', async () => {
    const node = writeYaml(join(tmp.dir, 'node.yaml'), descriptor('a1'));
    const missing = join(tmp.dir, 'missing.cbor');
    const r = await meridian(
      'agent',
      '--backend',
      'http://127.0.0.1:9',
      '--kind',
      'vllm',
      '--coordinator',
      'http://127.0.0.1:9',
      '--node',
      node,
      '--token',
      TOKEN_A,
      '--attestation',
      missing,
    );
    expect([r.code, r.stderr]).toEqual([
      2,
      `meridian: agent: --attestation: cannot read ${missing} (ENOENT)`,
    ]);
  });
});
