import { describe, expect, it } from 'vitest';
import { metroById } from '../geo/metros.js';
import { fibreFloorMs, rttMs } from '../geo/rtt-model.js';
import type { LatLon } from '../model/common.js';
import { Rng } from '../util/rng.js';
import { RttLearner } from './rtt-learner.js';

const place = (id: string): LatLon => {
  const m = metroById(id);
  if (m === undefined) throw new Error(`no metro ${id}`);
  return { lat: m.lat, lon: m.lon };
};

const CITIES = ['frankfurt', 'amsterdam', 'london', 'paris', 'madrid', 'warsaw', 'stockholm', 'milan'];

describe('RttLearner', () => {
  it('predicts from the distance model before any sample', () => {
    const l = new RttLearner([place('frankfurt'), place('tokyo')]);
    expect(l.predictMs(0, 1)).toBeCloseTo(rttMs(place('frankfurt'), place('tokyo')), 9);
    expect(l.learned(0, 1)).toBe(false);
    expect(l.relativeError(0, 1, 0.193)).toBe(0.193);
  });

  it('refuses a Sydney–Frankfurt round trip of 0 ms and of 100 ms: both below the fibre floor (≈ 162 ms)', () => {
    const l = new RttLearner([place('sydney'), place('frankfurt')]);
    const floor = fibreFloorMs(place('sydney'), place('frankfurt'));
    expect(floor).toBeGreaterThan(160);
    expect(floor).toBeLessThan(164);
    expect(l.observe(0, 1, 0)).toBe(false);
    expect(l.observe(0, 1, 100)).toBe(false);
    expect(l.refused).toBe(1);
    expect(l.observe(0, 1, 280)).toBe(true);
  });

  it('learns that a node next door sits behind a bad path (+80 ms access) that the distance model cannot see', () => {
    // Hosts 0…7 are client metros, host 8 is a node in Frankfurt whose path to everyone costs 80 ms more.
    const places = [...CITIES.map(place), place('frankfurt')];
    const node = 8;
    const truth = (a: number, b: number) =>
      rttMs(places[a]!, places[b]!) + (a === node || b === node ? 80 : 0);
    const l = new RttLearner(places, { seed: 3 });
    const rng = new Rng(5);
    for (let s = 0; s < 3000; s++) {
      const a = rng.int(places.length);
      const b = rng.int(places.length);
      if (a !== b) l.observe(a, b, truth(a, b) * rng.logNormal(1, 0.05));
    }
    const frankfurtClient = 0;
    expect(l.learned(frankfurtClient, node)).toBe(true);
    const learned = l.predictMs(frankfurtClient, node);
    const prior = rttMs(places[frankfurtClient]!, places[node]!);
    expect(prior).toBeLessThan(15);
    expect(Math.abs(learned / truth(frankfurtClient, node) - 1)).toBeLessThan(0.25);
    // Between the well-behaved clients the learned coordinates stay close to the truth too.
    expect(Math.abs(l.predictMs(1, 2) / truth(1, 2) - 1)).toBeLessThan(0.5);
  });

  it("learnedMs is the coordinates' prediction raised to the fibre floor for a learned pair and −1 for one that is not, every pair of 8 cities after 400 samples", () => {
    const places = CITIES.map(place);
    const l = new RttLearner(places, { seed: 2 });
    // The coordinates themselves (private), to check the kept floors against the floor worked out afresh.
    const vivaldi = (l as unknown as { vivaldi: { predict(a: number, b: number): number } }).vivaldi;
    const rng = new Rng(9);
    const check = () => {
      for (let a = 0; a < places.length; a++)
        for (let b = 0; b < places.length; b++) {
          const expected =
            a === b ? 0 : Math.max(vivaldi.predict(a, b), fibreFloorMs(places[a]!, places[b]!));
          expect(l.learnedMs(a, b)).toBe(l.learned(a, b) ? expected : -1);
          if (!l.learned(a, b) && a !== b) expect(l.predictMs(a, b)).toBe(rttMs(places[a]!, places[b]!));
        }
    };
    check();
    let learned = 0;
    for (let s = 0; s < 400; s++) {
      const a = rng.int(places.length);
      const b = rng.int(places.length);
      if (a !== b) l.observe(a, b, rttMs(places[a]!, places[b]!) * rng.logNormal(1, 0.1));
    }
    check();
    for (let a = 1; a < places.length; a++) if (l.learned(0, a)) learned++;
    expect(learned).toBeGreaterThan(0);
    // Never below the fibre floor, asked twice (the second time from the kept floors).
    for (let b = 1; b < places.length; b++)
      for (let k = 0; k < 2; k++)
        expect(l.predictMs(0, b)).toBeGreaterThanOrEqual(fibreFloorMs(places[0]!, places[b]!));
  });

  it('learnedMs is max(prediction, fibre floor) to the bit for 120 hosts jittered around 4 cities (anchors shared), with the floor above the prediction in some pairs', () => {
    const rng = new Rng(17);
    const cities = ['frankfurt', 'london', 'new-york', 'singapore'].map(place);
    const places = Array.from({ length: 120 }, (_, h) => {
      const c = cities[h % cities.length]!;
      return { lat: c.lat + (rng.next() - 0.5) * 3, lon: c.lon + (rng.next() - 0.5) * 3 };
    });
    const l = new RttLearner(places, { seed: 3, minSamples: 1, maxError: 10 });
    const vivaldi = (l as unknown as { vivaldi: { predict(a: number, b: number): number } }).vivaldi;
    // Samples at the floor itself (+0–10 %): predictions land on both sides of it.
    for (let s = 0; s < 6000; s++) {
      const a = rng.int(places.length);
      const b = rng.int(places.length);
      if (a !== b) l.observe(a, b, fibreFloorMs(places[a]!, places[b]!) * (1 + rng.next() * 0.1) + 1e-6);
    }
    let raised = 0;
    for (let k = 0; k < 2; k++)
      for (let a = 0; a < places.length; a++)
        for (let b = 0; b < places.length; b++) {
          if (a === b || !l.learned(a, b)) continue;
          const floor = fibreFloorMs(places[a]!, places[b]!);
          const predicted = vivaldi.predict(a, b);
          if (floor > predicted) raised++;
          expect(l.learnedMs(a, b)).toBe(Math.max(predicted, floor));
        }
    expect(raised).toBeGreaterThan(100);
  });
});
