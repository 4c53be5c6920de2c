import { get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uiRoutes } from '../src/ui/routes.js';
import {
  ADMIN,
  descriptor,
  register,
  startCoordinator,
  type TestCoordinator,
  TOKEN_A,
  TOKEN_B,
} from './server-kit.js';

/**
 * What the dashboard's API gives each reader (docs/security.md, "The dashboard"): nobody gets an
 * endpoint; node coordinates are exact for the admin and the node's operator and rounded to 0.1° for the
 * rest; request arcs follow the receipt rules: whole for the admin and the client who made the request,
 * from the client's metro centre for a request made without a key, absent for another client's.
 */
const CLIENT_KEY = 'client-key-app-1-0123456789';
const HERE = { lat: 50.1234, lon: 8.6789 };

interface Arc {
  id: string;
  client: { lat: number; lon: number; metro: string | null; exact: boolean };
}

describe('the dashboard as each reader sees it', () => {
  let c: TestCoordinator;
  let url: string;

  beforeAll(async () => {
    c = await startCoordinator(
      { clients: [{ id: 'app-1', key: CLIENT_KEY }] },
      { extra: [(app, co) => uiRoutes(app, co, { intervalMs: 100 })] },
    );
    await register(
      c,
      descriptor('na', { location: { ...HERE, metro: 'frankfurt' } }),
      'http://127.0.0.1:9/na',
    );
    await register(
      c,
      descriptor('nb', {
        location: { lat: 35.6895, lon: 139.6917, metro: 'tokyo' },
        labels: { operator: 'op-b' },
      }),
      'http://127.0.0.1:9/nb',
      { token: TOKEN_B },
    );
    await c.app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(c.app.server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await c?.close();
  });

  const state = async (key?: string) => {
    const res = await fetch(
      `${url}/ui/api/state`,
      key === undefined ? {} : { headers: { authorization: `Bearer ${key}` } },
    );
    expect(res.status).toBe(200);
    const text = await res.text();
    return {
      text,
      body: JSON.parse(text) as { nodes: { id: string; lat: number; lon: number }[]; viewer: object },
    };
  };
  const place = (s: Awaited<ReturnType<typeof state>>, id: string) => {
    const n = s.body.nodes.find((x) => x.id === id)!;
    return [n.lat, n.lon];
  };

  it('anonymous: no endpoint, every node at 0.1° (50.1234, 8.6789 → 50.1, 8.7)', async () => {
    const s = await state();
    expect(s.text).not.toContain('127.0.0.1:9');
    expect(s.body.viewer).toEqual({ role: 'anonymous' });
    expect(place(s, 'na')).toEqual([50.1, 8.7]);
    expect(place(s, 'nb')).toEqual([35.7, 139.7]);
  });

  it('the admin: every node exact, still no endpoint', async () => {
    const s = await state(ADMIN);
    expect(s.text).not.toContain('127.0.0.1:9');
    expect(s.body.viewer).toEqual({ role: 'admin' });
    expect(place(s, 'na')).toEqual([50.1234, 8.6789]);
    expect(place(s, 'nb')).toEqual([35.6895, 139.6917]);
  });

  it("an operator: its own node exact (op-a's na), another operator's rounded (nb)", async () => {
    const s = await state(TOKEN_A);
    expect(place(s, 'na')).toEqual([50.1234, 8.6789]);
    expect(place(s, 'nb')).toEqual([35.7, 139.7]);
  });

  it('an unknown key reads as anonymous and is told why', async () => {
    const s = await state('no-such-key-0123456789');
    expect(s.body.viewer).toEqual({ role: 'anonymous', refused: 'unknown key' });
    expect(place(s, 'na')).toEqual([50.1, 8.7]);
  });

  /** The arcs a reader's live stream brings while two receipts are added: one without a key, one of app-1. */
  async function arcsSeen(key?: string): Promise<Arc[]> {
    const abort = new AbortController();
    const res = await fetch(`${url}/ui/events`, {
      signal: abort.signal,
      headers: key === undefined ? {} : { authorization: `Bearer ${key}` },
    });
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    await reader.read(); // the first tick: the stream is listening
    const suffix = Math.random().toString(36).slice(2, 8);
    const receipt = {
      request: { model: 'm' },
      decision: { primary: 'na', receipt: { client: { ...HERE } } },
      node: 'na',
      status: 200,
    };
    c.coordinator.receipts.add(`open-${suffix}`, Date.now(), receipt);
    c.coordinator.receipts.own(`owned-${suffix}`, 'app-1');
    c.coordinator.receipts.add(`owned-${suffix}`, Date.now(), receipt);
    const arcs: Arc[] = [];
    let text = '';
    const deadline = Date.now() + 3000;
    while (Date.now() < deadline && !text.includes('event: arcs')) text += (await reader.read()).value ?? '';
    abort.abort();
    for (const m of text.matchAll(/event: arcs\ndata: (.*)\n/g))
      arcs.push(...(JSON.parse(m[1]!) as { arcs: Arc[] }).arcs);
    return arcs.map((a) => ({ id: a.id.replace(`-${suffix}`, ''), client: a.client }));
  }

  const exact = { lat: 50.1234, lon: 8.6789, metro: null, exact: true };
  const metro = { lat: 50.11, lon: 8.68, metro: 'frankfurt', exact: false };

  it("arcs for anonymous: the keyless request from Frankfurt's centre, none for app-1's", async () => {
    expect(await arcsSeen()).toEqual([{ id: 'open', client: metro }]);
  });

  it('arcs for the admin: both, from the client coordinates', async () => {
    expect(await arcsSeen(ADMIN)).toEqual([
      { id: 'open', client: exact },
      { id: 'owned', client: exact },
    ]);
  });

  it('arcs for client app-1: its own exact, the keyless one from the metro centre', async () => {
    expect(await arcsSeen(CLIENT_KEY)).toEqual([
      { id: 'open', client: metro },
      { id: 'owned', client: exact },
    ]);
  });

  it('a bad demand query is a 400 naming the field and value (bucket=30: not whole minutes; points=1)', async () => {
    for (const [query, field] of [
      ['bucket=30', 'bucket'],
      ['bucket=1e300', 'at most 604800 (a week)'],
      ['points=1', 'points'],
    ] as const) {
      const res = await fetch(`${url}/ui/api/demand?${query}`);
      expect(res.status).toBe(400);
      expect(await res.text()).toContain(field);
    }
    expect((await fetch(`${url}/ui/api/demand?bucket=300&points=12`)).status).toBe(200);
  });

  /** The headers and the bytes of the live stream's first 500 ms, asked with `accept-encoding` or without. */
  const firstBytes = (encoding?: string) =>
    new Promise<{ encoding: string | undefined; body: Buffer }>((resolve, reject) => {
      const headers = encoding === undefined ? {} : { 'accept-encoding': encoding };
      const req = get(`${url}/ui/events`, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        setTimeout(() => {
          resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) });
          req.destroy();
        }, 500);
      });
      req.on('error', reject);
    });

  it('the live stream is plain text to a reader that does not accept gzip, gzipped (flushed per tick) to one that does', async () => {
    const plain = await firstBytes();
    expect(plain.encoding).toBeUndefined();
    expect(plain.body.toString().startsWith('event: snapshot\ndata: {"at":')).toBe(true);
    const zipped = await firstBytes('gzip, deflate');
    expect(zipped.encoding).toBe('gzip');
    // Each tick is flushed: what came so far decompresses without the end of the stream.
    expect(gunzipSync(zipped.body, { finishFlush: 2 }).toString().startsWith('event: snapshot\n')).toBe(true);
  });
});
