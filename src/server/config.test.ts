import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from './config.js';

const dir = mkdtempSync(join(tmpdir(), 'meridian-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}

describe('coordinator config', () => {
  it('fills every default and resolves dataDir against the config file', () => {
    const c = loadConfig(file('a.yaml', 'dataDir: state\n'));
    expect(c.dataDir).toBe(join(dir, 'state'));
    expect(c.listen).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(c.gateway.hedge).toEqual({
      enabled: true,
      deadlineBelowMs: 2000,
      delayMs: 30,
      maxRate: 0.05,
      windowMs: 10_000,
      burst: 2,
    });
    expect(c.gateway.timing).toEqual({
      factor: 4,
      firstByteFloorMs: 2000,
      idleFloorMs: 2000,
      unboundedOutputTokens: 1024,
    });
    expect(c.telemetry).toMatchObject({ staleAfterMs: 3000, unhealthyAfterMs: 10_000 });
    expect(c.routing).toEqual({ policy: 'meridian' });
  });

  it('refuses a gateway.metro the catalog does not have (RTT samples to the coordinator are placed there)', () => {
    const f = file('m.yaml', 'gateway:\n  metro: atlantis\n');
    expect(() => loadConfig(f)).toThrow(`${f}:2: gateway.metro: unknown metro (got "atlantis")`);
  });

  it('names the file, line, field and value of a bad setting', () => {
    const f = file('b.yaml', 'listen:\n  port: 8080\ngateway:\n  hedge:\n    maxRate: 3\n');
    expect(() => loadConfig(f)).toThrow(`${f}:5: gateway.hedge.maxRate: expected ≤ 1 (got 3)`);
  });

  it('rejects contradictions: unhealthy before stale, repeated operators, token and hash together', () => {
    expect(() => parseConfig({ telemetry: { staleAfterMs: 5000, unhealthyAfterMs: 4000 } }, 'c')).toThrow(
      'c: telemetry.unhealthyAfterMs: must be greater than telemetry.staleAfterMs',
    );
    const op = { id: 'x', token: 'abcdefghijklmnopq' };
    expect(() => parseConfig({ operators: [op, op] }, 'c')).toThrow(
      'c: operators[1].id: operator ids must not repeat',
    );
    expect(() => parseConfig({ operators: [{ ...op, tokenSha256: 'a'.repeat(64) }] }, 'c')).toThrow(
      'c: operators[0]: give exactly one of token and tokenSha256',
    );
  });

  it('rejects an unknown policy, an unknown field and a short token', () => {
    expect(() => parseConfig({ routing: { policy: 'fastest' } }, 'c')).toThrow(
      'c: routing.policy: expected one of meridian, random, round-robin, nearest, least-loaded, p2c, nearest-warm, warm-least-loaded, opengradient, meridian-static, meridian-reactive (got "fastest")',
    );
    expect(() => parseConfig({ gateway: { hedging: true } }, 'c')).toThrow(
      'c: gateway: unknown field "hedging"',
    );
    expect(() => parseConfig({ operators: [{ id: 'x', token: 'short' }] }, 'c')).toThrow(
      'c: operators[0].token: expected ≥ 16 characters (got "short")',
    );
  });

  it('reads expiresAt as epoch ms or an ISO date-time, and names a bad one, a repeated client and a short secret', () => {
    const op = { id: 'x', token: 'abcdefghijklmnopq' };
    const c = parseConfig({ operators: [{ ...op, expiresAt: '2027-01-01T00:00:00Z' }] }, 'c');
    expect(c.operators[0]!.expiresAt).toBe(Date.UTC(2027, 0, 1));
    expect(() => parseConfig({ operators: [{ ...op, expiresAt: 'next week' }] }, 'c')).toThrow(
      'c: operators[0].expiresAt',
    );
    const key = { id: 'app', key: 'abcdefghijklmnopq' };
    expect(() => parseConfig({ clients: [key, key] }, 'c')).toThrow(
      'c: clients[1].id: client ids must not repeat',
    );
    expect(() => parseConfig({ secret: 'short' }, 'c')).toThrow('c: secret: expected ≥ 32 characters');
    expect(parseConfig({}, 'c').gateway.requireClientKey).toBe(false);
  });

  it('reports YAML syntax errors with their line', () => {
    const f = file('d.yaml', 'listen:\n  port: [1\n');
    expect(() => loadConfig(f)).toThrow(new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+: `));
  });
});
