import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startCoordinator, type TestCoordinator } from './server-kit.js';

let c: TestCoordinator | undefined;
afterEach(async () => {
  await c?.close();
  c = undefined;
});

/** Sends `raw` bytes on a fresh socket to the listening app and resolves with everything it answers. */
async function rawRequest(app: TestCoordinator['app'], raw: string): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(raw));
    let text = '';
    socket.on('data', (b) => {
      text += b.toString('utf8');
    });
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
  });
}

/**
 * Errors Fastify and Node raise before a route runs come out like every other error the coordinator
 * answers, `{ error: { code, message } }`, with the status they always had.
 */
describe('errors raised before a route runs', () => {
  it('a 5,000-character receipt id: 414 param_too_long, its message cut to 300 characters in the middle', async () => {
    c = await startCoordinator();
    const res = await c.app.inject({ method: 'GET', url: `/v1/receipts/${'a'.repeat(5000)}` });
    expect(res.statusCode).toBe(414);
    const { error } = res.json() as { error: { code: string; message: string } };
    expect(Object.keys(res.json() as object)).toEqual(['error']);
    expect(error.code).toBe('param_too_long');
    expect(error.message).toMatch(/^'\/v1\/receipts\/a{50}a*\.\.\.a+' is exceeding the max param length$/);
    expect(error.message.length).toBe(300);
  });

  it('GET /v1/receipts/%ZZ (a percent sign that decodes to nothing): 400 bad_url naming the path', async () => {
    c = await startCoordinator();
    const res = await c.app.inject({ method: 'GET', url: '/v1/receipts/%ZZ' });
    expect([res.statusCode, res.json()]).toEqual([
      400,
      { error: { code: 'bad_url', message: "'/v1/receipts/%ZZ' is not a valid url component" } },
    ]);
  });

  it('a Content-Length of "abc" on a real socket: 400 bad_request saying why, then the socket closes', async () => {
    c = await startCoordinator();
    const answer = await rawRequest(
      c.app,
      'POST /v1/heartbeats HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: abc\r\n\r\n{}',
    );
    const [head, body] = answer.split('\r\n\r\n');
    expect(head!.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
    expect(JSON.parse(body!)).toEqual({
      error: { code: 'bad_request', message: 'malformed HTTP request: Invalid character in Content-Length' },
    });
  });

  it('20 KB of headers on a real socket: still 431, as headers_too_large', async () => {
    c = await startCoordinator();
    const answer = await rawRequest(
      c.app,
      `GET /v1/models HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`,
    );
    const [head, body] = answer.split('\r\n\r\n');
    expect(head!.split('\r\n')[0]).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(JSON.parse(body!)).toEqual({
      error: { code: 'headers_too_large', message: 'the request headers are too large' },
    });
  });
});

describe('body errors say what to send', () => {
  const chat = '{"model":"m","messages":[{"role":"user","content":"x"}]}';

  it('no content type: 415 unsupported_media_type naming application/json', async () => {
    c = await startCoordinator();
    const res = await c.app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      payload: chat,
      headers: { 'content-type': '' },
    });
    expect(res.statusCode).toBe(415);
    const { error } = res.json() as { error: { code: string; message: string } };
    expect(error.code).toBe('unsupported_media_type');
    expect(error.message).toContain('send the body as Content-Type: application/json');
  });

  it('valid JSON with a "__proto__" key: 400 invalid_json saying such a key is refused (it said "not valid JSON" alone)', async () => {
    c = await startCoordinator();
    const res = await c.app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      payload: '{"__proto__":{"x":1},"model":"m","messages":[]}',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.statusCode).toBe(400);
    const { error } = res.json() as { error: { code: string; message: string } };
    expect(error.code).toBe('invalid_json');
    expect(error.message).toContain('or it holds a "__proto__" or "constructor" key');
  });
});

/**
 * A path that exists under other methods answers 405 with `Allow` naming them (HTTP's Method Not
 * Allowed); only a path no route matches is 404.
 */
describe('a wrong method on a known path is 405 with Allow, an unknown path 404', () => {
  it('GET /v1/route (POST only): 405 method_not_allowed, Allow: POST, "POST /v1/route only (got GET)"', async () => {
    c = await startCoordinator();
    const res = await c.app.inject({ method: 'GET', url: '/v1/route' });
    expect([res.statusCode, res.headers.allow, res.json()]).toEqual([
      405,
      'POST',
      { error: { code: 'method_not_allowed', message: 'POST /v1/route only (got GET)' } },
    ]);
  });

  it('GET /v1/chat/completions?stream=1: 405 naming the path without its query, Allow: POST', async () => {
    c = await startCoordinator();
    const res = await c.app.inject({ method: 'GET', url: '/v1/chat/completions?stream=1' });
    expect([res.statusCode, res.headers.allow, res.json()]).toEqual([
      405,
      'POST',
      { error: { code: 'method_not_allowed', message: 'POST /v1/chat/completions only (got GET)' } },
    ]);
  });

  it('DELETE /v1/nodes (GET and POST): 405 with Allow: GET, HEAD, POST (HEAD comes with GET)', async () => {
    c = await startCoordinator();
    const res = await c.app.inject({ method: 'DELETE', url: '/v1/nodes' });
    expect([res.statusCode, res.headers.allow]).toEqual([405, 'GET, HEAD, POST']);
    expect(res.json()).toEqual({
      error: { code: 'method_not_allowed', message: 'GET, HEAD, POST /v1/nodes only (got DELETE)' },
    });
  });

  it('parametric paths: POST /v1/receipts/r-1 is 405 with Allow: GET, HEAD; GET /v1/nodes/n-1 is 405 with Allow: PUT, DELETE', async () => {
    c = await startCoordinator();
    const receipt = await c.app.inject({ method: 'POST', url: '/v1/receipts/r-1' });
    expect([receipt.statusCode, receipt.headers.allow, receipt.json().error.message]).toEqual([
      405,
      'GET, HEAD',
      'GET, HEAD /v1/receipts/r-1 only (got POST)',
    ]);
    const node = await c.app.inject({ method: 'GET', url: '/v1/nodes/n-1' });
    expect([node.statusCode, node.headers.allow, node.json().error.code]).toEqual([
      405,
      'PUT, DELETE',
      'method_not_allowed',
    ]);
  });

  it('a 5,000-character unknown path comes back clipped to 300 characters, its start and end kept', async () => {
    c = await startCoordinator();
    const url = `/v1/${'x'.repeat(5000)}/end`;
    const res = await c.app.inject({ method: 'GET', url });
    const { message } = (res.json() as { error: { message: string } }).error;
    expect([res.statusCode, message.length <= 'no route GET '.length + 300]).toEqual([404, true]);
    expect(message.startsWith('no route GET /v1/xxx')).toBe(true);
    expect(message.endsWith('xxx/end')).toBe(true);
  });

  it('an unknown path is still 404 not_found with no Allow: GET /v1/nosuch, POST /v1/receipts (no id)', async () => {
    c = await startCoordinator();
    for (const [method, url] of [
      ['GET', '/v1/nosuch?x=1'],
      ['POST', '/v1/receipts'],
    ] as const) {
      const res = await c.app.inject({ method, url });
      expect([res.statusCode, res.headers.allow, res.json()]).toEqual([
        404,
        undefined,
        { error: { code: 'not_found', message: `no route ${method} ${url.split('?')[0]}` } },
      ]);
    }
  });

  it('HEAD on a GET route still answers 200 (Fastify adds it); HEAD /v1/route is 405 with Allow: POST', async () => {
    c = await startCoordinator();
    const head = await c.app.inject({ method: 'HEAD', url: '/v1/models' });
    expect([head.statusCode, head.headers.allow]).toEqual([200, undefined]);
    const post = await c.app.inject({ method: 'HEAD', url: '/v1/route' });
    expect([post.statusCode, post.headers.allow]).toEqual([405, 'POST']);
  });
});
