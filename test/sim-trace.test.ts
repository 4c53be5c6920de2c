import { describe, expect, it } from 'vitest';
import { runSimulation } from '../src/sim/run.js';
import type { ServedRecord } from '../src/sim/simulation.js';
import { loadTraceCsv } from '../src/sim/workload/trace-csv.js';
import { FRANKFURT, NEW_YORK, standInRouter, testInput, testModel, testNode } from './sim-support.js';
import { sharedFile } from './support/shared-data.js';

const conv = sharedFile('traces/azure-llm-2023-conv.csv');

describe('trace replay', () => {
  it.skipIf(conv === undefined)(
    'replays the first 10 minutes of the Azure conversation trace: every row once, with its token counts, spread over metros by weight',
    () => {
      const trace = loadTraceCsv(conv!);
      const durationS = 600;
      const inWindow = Array.from(trace.offsetsMs).filter((t) => t < durationS * 1000).length;
      const node = (id: string, at: typeof FRANKFURT) =>
        testNode(
          id,
          { lat: at.lat, lon: at.lon, metro: at.id },
          { slots: 256, models: [{ model: 'm', tier: 'gpu' }] },
        );
      const input = testInput({
        durationS,
        nodes: [node('fra', FRANKFURT), node('nyc', NEW_YORK)],
        metros: [FRANKFURT, { ...NEW_YORK, weight: 3 }],
        models: [testModel('m', { prefillMsPer1k: 20, decodeMsPerToken: 5 })],
        demand: { kind: 'trace', ...trace, modelWeights: [1] },
      });
      const served: ServedRecord[] = [];
      const out = runSimulation(input, standInRouter, {}, undefined, undefined, (r) => served.push({ ...r }));
      const m = out.policies[0]!.metrics;
      console.log(
        `trace replay: ${inWindow} rows in the first ${durationS} s, ${m.arrived} arrivals, ${m.served} served`,
      );
      expect(m.arrived).toBe(inWindow);
      expect(m.served).toBe(inWindow);
      const byArrival = served.sort((a, b) => a.arrivalMs - b.arrivalMs);
      byArrival.forEach((r, i) => {
        expect(r.arrivalMs).toBe(trace.offsetsMs[i]);
        expect(r.input).toBe(trace.input[i]);
        expect(r.output).toBe(trace.output[i]);
      });
      const newYork = served.filter((r) => r.metro === 1).length / served.length;
      expect(newYork).toBeGreaterThan(0.7);
      expect(newYork).toBeLessThan(0.8);
    },
  );
});
