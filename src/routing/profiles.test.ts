import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { POLICY_NAMES } from '../model/policies.js';
import { builtinPolicies, loadProfiles } from './profiles.js';

function messageOf(text: string): string {
  try {
    loadProfiles(text, 'profiles.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error('expected an InputError');
}

const PLUGINS = `plugins:
  rtt: { type: rtt }
  queue-wait: { type: queue-wait }
  low: { type: min }
`;

describe('routing profiles', () => {
  it('compile every policy preset from the built-in YAML', () => {
    const policies = builtinPolicies();
    for (const name of POLICY_NAMES) expect(policies.get(name)?.name).toBe(name);
  });

  it('name the profile, the list and the position of a reference to an unknown plugin', () => {
    const text = `${PLUGINS}profiles:
  fast:
    scorers: [rtt, queue-wait, qeue-wait]
    picker: low
`;
    expect(messageOf(text)).toBe(
      'profiles.yaml:7: profiles[fast].scorers[2]: references unknown plugin "qeue-wait"',
    );
  });

  it('reject a plugin of the wrong kind in a slot', () => {
    expect(messageOf(`${PLUGINS}profiles:\n  p: { picker: rtt }\n`)).toBe(
      'profiles.yaml:6: profiles[p].picker: plugin "rtt" is a scorer, not a picker',
    );
  });

  it('reject an unknown plugin type, listing the known ones', () => {
    expect(messageOf('plugins:\n  x: { type: rtx }\nprofiles: {}\n')).toMatch(
      /^profiles\.yaml:2: plugins\[x\]\.type: unknown plugin type "rtx" \(known: healthy, countries, .*\)$/,
    );
  });

  it("check each plugin's parameters against its type", () => {
    expect(
      messageOf('plugins:\n  t: { type: tolerance, parameters: { relative: -1 } }\nprofiles: {}\n'),
    ).toBe('profiles.yaml:2: plugins[t].parameters.relative: expected ≥ 0 (got -1)');
  });

  it('catch misspelt profile fields and bad weights', () => {
    expect(messageOf(`${PLUGINS}profiles:\n  p: { scorer: [rtt], picker: low }\n`)).toContain(
      'profiles[p]: unknown field "scorer"',
    );
    expect(
      messageOf(`${PLUGINS}profiles:\n  p: { scorers: [{ plugin: rtt, weight: -2 }], picker: low }\n`),
    ).toContain('profiles[p].scorers[0]');
  });

  it('give the line of a YAML syntax error', () => {
    expect(messageOf('plugins:\n  rtt: { type: rtt\nprofiles: {}\n')).toMatch(/^profiles\.yaml:3:.*Flow map/);
  });

  it('give each profile its own plugin instances (state such as a round-robin cursor is not shared)', () => {
    const a = builtinPolicies().get('round-robin')!;
    const b = builtinPolicies().get('round-robin')!;
    expect(a.picker.picker).not.toBe(b.picker.picker);
  });
});
