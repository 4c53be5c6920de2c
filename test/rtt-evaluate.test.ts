import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, sharedFile } from './support/shared-data.js';

const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const built = existsSync(CLI);
if (!built) console.warn('skipping: dist/cli/main.js not built (run npm run build)');

const matrix = sharedFile('rtt/wonderproxy-city-rtt-2020-07.csv');
const coords = sharedFile('rtt/wonderproxy-servers-2020-07.csv');

describe('meridian rtt evaluate (built CLI)', () => {
  it.skipIf(!built || matrix === undefined || coords === undefined)(
    'Vivaldi beats the distance model on held-out pairs of the WonderProxy city matrix',
    () => {
      const out = execFileSync(
        process.execPath,
        [CLI, 'rtt', 'evaluate', '--matrix', matrix!, '--coords', coords!, '--json'],
        { encoding: 'utf8' },
      );
      const report = JSON.parse(out);
      console.log(
        `held-out pairs ${report.pairs_test} (trained on ${report.pairs_train}): ` +
          `distance median ${report.distance.median_rel_err.toFixed(4)} p90 ${report.distance.p90_rel_err.toFixed(4)}; ` +
          `vivaldi median ${report.vivaldi.median_rel_err.toFixed(4)} p90 ${report.vivaldi.p90_rel_err.toFixed(4)}`,
      );
      expect(report.pairs_train + report.pairs_test).toBe(23218);
      expect(report.vivaldi.median_rel_err).toBeLessThan(report.distance.median_rel_err);
      expect(report.dropped_cities).toEqual(['Montevideo']);
    },
  );

  it.skipIf(!built)('exits 2 with a clear message when the matrix file is missing', () => {
    const r = spawnSync(
      process.execPath,
      [CLI, 'rtt', 'evaluate', '--matrix', 'no-such-matrix.csv', '--coords', 'no-such-coords.csv'],
      { encoding: 'utf8' },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('RTT matrix file not found: no-such-matrix.csv');
  });

  it.skipIf(!built)('exits 2 when --matrix is missing or --train is out of range', () => {
    const missing = spawnSync(process.execPath, [CLI, 'rtt', 'evaluate', '--coords', 'c.csv'], {
      encoding: 'utf8',
    });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('--matrix is required');
    const bad = spawnSync(
      process.execPath,
      [CLI, 'rtt', 'evaluate', '--matrix', 'm', '--coords', 'c', '--train', '1'],
      {
        encoding: 'utf8',
      },
    );
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--train 1: out of range; expected a number from 0.001 to 0.999');
  });
});

describe('meridian rtt evaluate on too few cities', () => {
  it.skipIf(!built)(
    'two cities (one pair): exit 2, "0 training and 1 held-out pairs" (it printed a Vivaldi error from no training)',
    () => {
      const fixtures = join(ROOT, 'test', 'fixtures');
      const r = spawnSync(
        process.execPath,
        [
          CLI,
          'rtt',
          'evaluate',
          '--matrix',
          join(fixtures, 'rtt-tiny.csv'),
          '--coords',
          join(fixtures, 'coords-tiny.csv'),
        ],
        { encoding: 'utf8' },
      );
      expect(r.status).toBe(2);
      expect(r.stderr).toContain('gives 0 training and 1 held-out pairs at --train 0.3 (2 cities joined');
    },
  );
});
