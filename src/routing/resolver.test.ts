import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../errors.js';
import { POLICY_NAMES } from '../model/policies.js';
import { PolicyResolver } from './resolver.js';

const FILE = `plugins:
  rtt: { type: rtt }
  lowest: { type: min }
profiles:
  closest: { description: the smallest round trip, scorers: [rtt], picker: lowest }
  nearest: { description: replaced by the file, scorers: [rtt], picker: lowest }
`;

describe('the policy resolver', () => {
  it('resolves the 6 built-in presets, then the new profiles of a file, in that order', () => {
    const builtin = PolicyResolver.load().names;
    expect([...builtin].sort()).toEqual([...POLICY_NAMES].sort());
    expect(PolicyResolver.fromText(FILE, 'p.yaml').names).toEqual([...builtin, 'closest']);
  });

  it("lets a file's profile replace the built-in one of the same name", () => {
    const r = PolicyResolver.fromText(FILE, 'p.yaml');
    expect(r.resolve('nearest')?.spec.description).toBe('replaced by the file');
    expect(r.resolve('closest')?.scorers.map((s) => s.name)).toEqual(['rtt']);
    expect(r.resolve('p2c')?.picker.name).toBe('two-choices');
  });

  it('compiles a fresh policy on every resolve (2 runs never share a round-robin cursor)', () => {
    const r = PolicyResolver.load();
    expect(r.resolve('round-robin')!.picker.picker).not.toBe(r.resolve('round-robin')!.picker.picker);
  });

  it('compiles the same spec for each of the 11 built-in names on a third resolve as a fresh resolver does on its first (the parsed profiles are read, never changed)', () => {
    const r = PolicyResolver.load();
    expect(r.names).toHaveLength(11);
    for (const name of r.names) {
      r.resolve(name);
      r.resolve(name);
      expect(r.resolve(name)!.spec).toEqual(PolicyResolver.load().resolve(name)!.spec);
    }
  });

  it('resolves an unknown name to nothing and names every valid one in its message', () => {
    const r = PolicyResolver.fromText(FILE, 'p.yaml');
    expect(r.has('fastest')).toBe(false);
    expect(r.resolve('fastest')).toBeUndefined();
    expect(r.unknown('fastest')).toBe(
      'unknown policy "fastest"; expected one of meridian, random, round-robin, nearest, least-loaded, p2c, nearest-warm, warm-least-loaded, opengradient, meridian-static, meridian-reactive, closest',
    );
  });

  it("lets a file's profile name the built-in plugin instances without declaring them (meridian with one change), and its own declaration of a built-in name replace it", () => {
    const meridianLong = `profiles:
  meridian-long:
    description: meridian planning warm sets an hour ahead
    candidates: { mode: nearest, warm: 12, fast: 8, cold: 6, explore: 4 }
    filters: [healthy, trusted, countries, max-price, verification]
    scorers: [completion-time, demoted]
    picker: no-herd
    warmset: { controller: true, horizonS: 3600 }
`;
    const p = PolicyResolver.fromText(meridianLong, 'p.yaml').resolve('meridian-long')!;
    expect(p.filters.map((f) => f.name)).toEqual([
      'healthy',
      'trusted',
      'countries',
      'max-price',
      'verification',
    ]);
    expect(p.scorers.map((s) => s.name)).toEqual(['completion-time', 'demoted']);
    expect(p.picker.name).toBe('no-herd');
    expect(p.spec.warmset.horizonS).toBe(3600);
    // The file declares no-herd as a scorer: its profile's picker then refers to that, not the built-in one.
    expect(() =>
      PolicyResolver.fromText(`plugins:\n  no-herd: { type: rtt }\n${meridianLong}`, 'p.yaml'),
    ).toThrow('p.yaml:9: profiles[meridian-long].picker: plugin "no-herd" is a scorer, not a picker');
  });

  it('refuses a bad profiles file when made, with its line, and an unreadable one as not found', () => {
    expect(() => PolicyResolver.fromText('profiles:\n  x: { picker: nope }\n', 'p.yaml')).toThrow(
      'p.yaml:2: profiles[x].picker: references unknown plugin "nope"',
    );
    expect(() => PolicyResolver.load('/no/such/profiles.yaml')).toThrow(NotFoundError);
  });
});
