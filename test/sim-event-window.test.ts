import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../src/scenario/load.js';
import { durationWarnings, type TimedEvent, timedEvents } from '../src/sim/events-window.js';
import { simInputFromScenario } from '../src/sim/scenario-input.js';
import { ROOT } from './support/shared-data.js';

const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const built = existsSync(CLI);
const SCENARIOS = join(ROOT, 'scenarios');

const outage: TimedEvent = { kind: 'outage', field: 'failures[0]', at_s: 600, duration_s: 900 };
const burst: TimedEvent = { kind: 'burst', field: 'demand.bursts[2]', at_s: 100, duration_s: 50 };

describe('events outside the simulated duration', () => {
  it('warns that an outage at 600 s for 900 s never happens in a 300 s run', () => {
    expect(durationWarnings([outage], 300)).toEqual([
      'failures[0]: outage from 600 s to 1500 s falls outside the 300 s run and never happens; use a duration of at least 1500 s',
    ]);
  });

  it('warns that the same outage is cut to 400 of its 900 s in a 1000 s run', () => {
    expect(durationWarnings([outage], 1000)).toEqual([
      'failures[0]: outage from 600 s to 1500 s is cut short by the 1000 s run (only 400 of its 900 s are simulated); use a duration of at least 1500 s',
    ]);
  });

  it('says nothing when the event ends exactly at the end of the run (1500 s) and names the burst field', () => {
    expect(durationWarnings([outage, burst], 1500)).toEqual([]);
    expect(durationWarnings([burst], 120)[0]).toMatch(/^demand\.bursts\[2\]: burst from 100 s to 150 s/);
  });

  it('finds no warning in any built-in scenario at its own durationS (the defaults cover their events)', () => {
    const files = readdirSync(SCENARIOS).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(5);
    let events = 0;
    for (const f of files) {
      const input = simInputFromScenario(loadScenarioFile(join(SCENARIOS, f)));
      events += timedEvents(input).length;
      expect({ file: f, warnings: durationWarnings(timedEvents(input), input.durationS) }).toEqual({
        file: f,
        warnings: [],
      });
    }
    expect(events).toBeGreaterThanOrEqual(3); // flash-crowd's burst, global's burst and outage, provider-outage
  });

  it.skipIf(!built)(
    'simulate --duration 60 on provider-outage warns on stderr and in --json warnings',
    () => {
      const r = spawnSync(
        process.execPath,
        [
          CLI,
          'simulate',
          join(SCENARIOS, 'provider-outage.yaml'),
          '--duration',
          '60',
          '--policies',
          'nearest',
          '--json',
        ],
        { encoding: 'utf8', cwd: ROOT },
      );
      expect(r.status).toBe(0);
      expect(r.stderr).toContain('warning: ');
      expect(r.stderr).toContain(
        'provider-outage.yaml: failures[0]: outage from 600 s to 1500 s falls outside',
      );
      const out = JSON.parse(r.stdout);
      expect(out.warnings).toHaveLength(1);
      expect(out.warnings[0]).toContain('failures[0]');
      expect(out.events).toEqual([{ kind: 'outage', field: 'failures[0]', at_s: 600, duration_s: 900 }]);
    },
  );
});
