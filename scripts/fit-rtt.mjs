#!/usr/bin/env node
// Refits the distance RTT model (src/geo/rtt-model.ts) on the measured WonderProxy city matrix and prints
// the fitted numbers as JSON. Run from the project root with `npm run fit:rtt` (builds, then runs this).
// Arguments: [matrix.csv] [servers.csv]; default: the files in ../shared/data/rtt beside the project
// (or under $MERIDIAN_SHARED_DATA/rtt).
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { distanceSamples, fitRttModel } from '../dist/geo/rtt-fit.js';
import { loadRttMatrix } from '../dist/geo/rtt-matrix.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const data = process.env.MERIDIAN_SHARED_DATA ?? join(root, '..', 'shared', 'data');
const matrixFile = process.argv[2] ?? join(data, 'rtt', 'wonderproxy-city-rtt-2020-07.csv');
const coordsFile = process.argv[3] ?? join(data, 'rtt', 'wonderproxy-servers-2020-07.csv');

try {
  const matrix = loadRttMatrix(matrixFile, coordsFile);
  const fit = fitRttModel(distanceSamples(matrix));
  const round = (x, digits) => Number(x.toFixed(digits));
  const out = {
    cities: matrix.names.length,
    dropped: matrix.dropped,
    pairs: fit.pairs,
    fibreKmPerMs: fit.fibreKmPerMs,
    inflation: round(fit.inflation, 4),
    accessMs: round(fit.accessMs, 3),
    rmsLogError: round(fit.rmsLogError, 4),
    medianRelErr: round(fit.medianRelErr, 4),
    p90RelErr: round(fit.p90RelErr, 4),
  };
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
} catch (e) {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 2;
}
