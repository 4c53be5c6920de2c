import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InputError } from '../src/errors.js';
import { NetworkState } from '../src/network/state.js';
import { defaultRegistry } from '../src/routing/plugins/index.js';
import { loadProfiles, policyByName } from '../src/routing/profiles.js';
import { definePlugin } from '../src/routing/registry.js';
import { parseRequest } from '../src/routing/request.js';
import { route } from '../src/routing/route.js';
import { Rng } from '../src/util/rng.js';
import { LLAMA_70B, node, request } from './route-support.js';

function network(): NetworkState {
  const nodes = [
    node({
      id: 'fra',
      metro: 'frankfurt',
      provider: 'hetzner',
      price: 2,
      models: [{ model: 'llama-70b', tier: 'gpu' }],
    }),
    node({
      id: 'ams',
      metro: 'amsterdam',
      provider: 'ovh',
      price: 1,
      models: [{ model: 'llama-70b', tier: 'gpu' }],
    }),
  ];
  return NetworkState.fromScenario({ nodes, models: [LLAMA_70B] });
}

const decide = (r: ReturnType<typeof request>, state = network(), policy = policyByName('meridian')) =>
  route(r, state.snapshot(0), policy, new Rng(1), { explain: true });

describe('requests that cannot be routed come back typed, with a reason', () => {
  it('names an unknown model', () => {
    const d = decide(request('frankfurt', { model: 'gpt-9' }));
    expect(d.ok).toBe(false);
    expect(!d.ok && d.error).toEqual({
      code: 'unknown_model',
      message: 'model "gpt-9" is not served by this network',
    });
  });

  it('names an unknown dataset', () => {
    const d = decide(request('frankfurt', { model: 'llama-70b', dataset: 'nope' }));
    expect(!d.ok && d.error.code).toBe('unknown_dataset');
  });

  it('counts the nodes an impossible country constraint removed', () => {
    const d = decide(request('frankfurt', { model: 'llama-70b', constraints: { countries: ['JP'] } }));
    expect(!d.ok && d.error).toEqual({
      code: 'no_candidates',
      message:
        'no node qualifies for model "llama-70b": 2 of 2 capable nodes considered (2 country not allowed)',
    });
    expect(d.receipt?.filtered).toEqual({ 'country not allowed': 2 });
  });

  it('keeps only nodes within the maximum price, and says why when none is', () => {
    const cheap = decide(
      request('frankfurt', { model: 'llama-70b', constraints: { maxPricePer1kTokens: 1.5 } }),
    );
    expect(cheap.ok && cheap.primary).toBe('ams');
    const none = decide(
      request('frankfurt', { model: 'llama-70b', constraints: { maxPricePer1kTokens: 0.5 } }),
    );
    expect(!none.ok && none.error.message).toContain('2 price above maximum');
  });

  it('refuses a verification mode the model does not support', () => {
    const d = decide(request('frankfurt', { model: 'llama-70b', verification: 'zkml' }));
    expect(!d.ok && d.error).toEqual({
      code: 'unsupported_verification',
      message: 'model "llama-70b" does not support zkml execution',
    });
  });

  it('finds no TEE-capable node when none offers it', () => {
    const d = decide(request('frankfurt', { model: 'llama-70b', constraints: { requireTee: true } }));
    expect(!d.ok && d.error.message).toContain('2 verification mode unsupported');
  });

  it('counts unhealthy nodes', () => {
    const state = network();
    state.setHealthy(0, false);
    state.setHealthy(1, false);
    const d = decide(request('frankfurt', { model: 'llama-70b' }), state);
    expect(!d.ok && d.error.message).toBe(
      'no node qualifies for model "llama-70b": 2 of 2 capable nodes considered (2 unhealthy)',
    );
  });
});

describe('deadlines', () => {
  // Warm, idle: Amsterdam's estimate is its RTT + 4,060 ms; Frankfurt's is 8.8 + 4,060 ms.
  it('keeps the request on a node that meets the deadline when one does', () => {
    const state = network();
    state.setLoad(0, 8, 8, 0, 4000); // Frankfurt: 4.5 s of queue
    const d = decide(request('frankfurt', { model: 'llama-70b', deadlineMs: 5000 }), state);
    expect(d.ok && [d.primary, d.deadline]).toEqual(['ams', 'met']);
  });

  it('routes best effort to the lowest estimate and says the deadline is missed', () => {
    const d = decide(request('frankfurt', { model: 'llama-70b', deadlineMs: 1000 }));
    expect(d.ok && [d.primary, d.deadline]).toEqual(['fra', 'missed']);
  });

  it('sheds under a shedding profile, with the best estimate in the reason', () => {
    const policy = loadProfiles(
      'plugins:\n  rtt: { type: rtt }\n  service: { type: service }\n  low: { type: min }\nprofiles:\n  strict:\n    scorers: [rtt, service]\n    picker: low\n    deadline: shed\n',
      'inline',
    ).get('strict')!;
    const d = decide(request('frankfurt', { model: 'llama-70b', deadlineMs: 1000 }), network(), policy);
    expect(!d.ok && d.error.code).toBe('deadline');
    expect(!d.ok && d.error.message).toMatch(
      /^no candidate can meet the 1000 ms deadline: the best estimate is 4069 ms \(node fra\)$/,
    );
    expect(d.receipt?.deadline).toEqual({ deadlineMs: 1000, outcome: 'shed' });
  });
});

describe('malformed requests', () => {
  it('name the field, the value and the expectation', () => {
    const body = { model: 'llama-70b', client: { lat: 50, lon: 8 }, inputTokens: -5, outputTokens: 10 };
    expect(() => parseRequest(body)).toThrow(InputError);
    expect(() => parseRequest(body)).toThrow('request: inputTokens: expected ≥ 0 (got -5)');
    expect(() => parseRequest({ ...body, inputTokens: 5, client: { lat: 123, lon: 8 } }, 'req.json')).toThrow(
      'req.json: client.lat: expected ≤ 90 (got 123)',
    );
  });

  it('refuse an unknown field and a client metro the catalog does not have (routing would drop both unseen)', () => {
    const body = { model: 'llama-70b', client: { lat: 50, lon: 8 }, inputTokens: 5, outputTokens: 10 };
    expect(() => parseRequest({ ...body, bogus: 1 })).toThrow('request: unknown field "bogus"');
    expect(() => parseRequest({ ...body, client: { lat: 50, lon: 8, metro: 'atlantis' } })).toThrow(
      'request: client.metro: unknown metro (got "atlantis")',
    );
    expect(parseRequest({ ...body, client: { lat: 50, lon: 8, metro: 'frankfurt' } }).client.metro).toBe(
      'frankfurt',
    );
  });

  it('place a client given by its metro alone at the metro (tokyo: 35.68, 139.69); an unknown one, or half the coordinates, are refused', () => {
    const body = { model: 'llama-70b', inputTokens: 5, outputTokens: 10 };
    const tokyo = parseRequest({ ...body, client: { metro: 'tokyo' } }).client;
    expect([tokyo.metro, tokyo.lat.toFixed(2), tokyo.lon.toFixed(2)]).toEqual(['tokyo', '35.68', '139.69']);
    expect(() => parseRequest({ ...body, client: { metro: 'atlantis' } })).toThrow(
      'request: client.metro: unknown metro (got "atlantis")',
    );
    expect(() => parseRequest({ ...body, client: { metro: 'atlantis' } })).toThrow(
      'request: client.lat: expected number',
    );
    expect(() => parseRequest({ ...body, client: { metro: 'tokyo', lat: 35 } })).toThrow(
      'request: client.lon: expected number (got nothing)',
    );
    expect(() => parseRequest({ ...body, client: {} })).toThrow('request: client.lat: expected number');
  });
});

describe('plugins that throw', () => {
  const registry = defaultRegistry()
    .register(
      definePlugin({
        kind: 'filter',
        type: 'explodes',
        summary: 'always throws (test)',
        params: z.object({}),
        create: () => ({
          reason: 'never',
          filter() {
            throw new Error('boom');
          },
        }),
      }),
    )
    .register(
      definePlugin({
        kind: 'scorer',
        type: 'nan',
        summary: 'throws on every call (test)',
        params: z.object({}),
        create: () => ({
          score() {
            throw new Error('no score');
          },
        }),
      }),
    )
    .register(
      definePlugin({
        kind: 'picker',
        type: 'bad-pick',
        summary: 'returns an invalid position (test)',
        params: z.object({}),
        create: () => ({ pick: () => 99 }),
      }),
    );
  const profiles = loadProfiles(
    `plugins:
  boom: { type: explodes }
  nan: { type: nan }
  rtt: { type: rtt }
  bad: { type: bad-pick }
  low: { type: min }
profiles:
  broken-filter: { filters: [boom], picker: low }
  broken-scorer: { scorers: [nan, rtt], picker: low }
  broken-picker: { scorers: [rtt], picker: bad }
`,
    'inline',
    registry,
  );

  it('reports a throwing filter as a filter reason and a warning, never a throw', () => {
    const d = decide(request('frankfurt', { model: 'llama-70b' }), network(), profiles.get('broken-filter')!);
    expect(!d.ok && d.error.code).toBe('no_candidates');
    expect(d.receipt?.filtered).toEqual({ 'plugin failure (filter "boom")': 2 });
    expect(d.warnings[0]).toBe('filter "boom" failed: boom');
  });

  it('ignores a throwing scorer (same cost for all) and still decides', () => {
    const d = decide(request('frankfurt', { model: 'llama-70b' }), network(), profiles.get('broken-scorer')!);
    expect(d.ok && d.primary).toBe('fra');
    expect(d.warnings).toContain('scorer "nan" failed: no score');
  });

  it('falls back to the cheapest candidate when the picker returns an invalid position', () => {
    const d = decide(request('frankfurt', { model: 'llama-70b' }), network(), profiles.get('broken-picker')!);
    expect(d.ok && d.primary).toBe('fra');
    expect(d.warnings[0]).toMatch(/^picker "bad" returned an invalid position \(99\)/);
  });
});
