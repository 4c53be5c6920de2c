import { describe, expect, it } from 'vitest';
import { clusterOf, parseConfig } from './config.js';
import { decisionSeed } from './coordinator.js';

const A = '0000002a-0000-4000-8000-000000000000';
const B = '0000002b-0000-4000-8000-000000000000';

describe('the seed of a coordinator’s decisions', () => {
  it('is 1 for a lone coordinator without routing.seed, whatever its instance id', () => {
    const c = parseConfig({});
    expect([decisionSeed(c, A), decisionSeed(c, B)]).toEqual([1, 1]);
  });

  it('is routing.seed when given, alone or among several coordinators', () => {
    const alone = parseConfig({ routing: { seed: 7 } });
    expect(decisionSeed(alone, A)).toBe(7);
    const several = { ...alone, cluster: clusterOf(['nats://127.0.0.1:4222']) };
    expect([decisionSeed(several, A), decisionSeed(several, B)]).toEqual([7, 7]);
  });

  it('differs between coordinators of one cluster without routing.seed (0x2a = 42, 0x2b = 43)', () => {
    const several = { ...parseConfig({}), cluster: clusterOf(['nats://127.0.0.1:4222']) };
    expect([decisionSeed(several, A), decisionSeed(several, B)]).toEqual([42, 43]);
  });
});
