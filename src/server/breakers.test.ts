import { describe, expect, it } from 'vitest';
import { BreakerBoard, domainKeys } from './breakers.js';

const opts = { failures: 3, cooldownMs: 1000, domainFailures: 3 };

describe('node breaker', () => {
  it('opens after 3 consecutive failures and blocks the node', () => {
    const b = new BreakerBoard(opts);
    b.failure('a', 0);
    b.failure('a', 0);
    expect(b.check('a', 0)).toBeUndefined();
    b.failure('a', 0);
    expect(b.nodeState('a', 0)).toBe('open');
    expect(b.check('a', 999)).toEqual({ kind: 'node' });
  });

  it('a success in between resets the count', () => {
    const b = new BreakerBoard(opts);
    b.failure('a', 0);
    b.failure('a', 0);
    b.success('a');
    b.failure('a', 0);
    expect(b.nodeState('a', 0)).toBe('closed');
  });

  it('lets exactly one trial through after the cooldown; success closes, failure reopens', () => {
    const b = new BreakerBoard(opts);
    for (let k = 0; k < 3; k++) b.failure('a', 0);
    expect(b.nodeState('a', 1000)).toBe('half-open');
    expect(b.check('a', 1000)).toBeUndefined();
    expect(b.check('a', 1001)).toEqual({ kind: 'node' });
    b.failure('a', 1002);
    expect(b.nodeState('a', 1500)).toBe('open');
    expect(b.check('a', 2002)).toBeUndefined();
    b.success('a');
    expect(b.nodeState('a', 2003)).toBe('closed');
  });

  it('frees a trial slot that never reported back after another cooldown', () => {
    const b = new BreakerBoard(opts);
    for (let k = 0; k < 3; k++) b.failure('a', 0);
    expect(b.check('a', 1000)).toBeUndefined();
    expect(b.check('a', 1999)).toEqual({ kind: 'node' });
    expect(b.check('a', 2000)).toBeUndefined();
  });
});

describe('shared-domain breaker', () => {
  it('opens when every member of a two-node domain has failed, and then blocks all members', () => {
    const b = new BreakerBoard(opts);
    b.setDomains('a', ['upstream=acme']);
    b.setDomains('b', ['upstream=acme']);
    b.setDomains('c', ['upstream=other']);
    expect(b.failure('a', 0)).toEqual([]);
    expect(b.failure('b', 0)).toEqual(['upstream=acme']);
    expect(b.check('a', 10)).toEqual({ kind: 'domain', domain: 'upstream=acme' });
    expect(b.check('b', 10)).toEqual({ kind: 'domain', domain: 'upstream=acme' });
    expect(b.check('c', 10)).toBeUndefined();
  });

  it('needs domainFailures distinct failing members in a large domain, with no success in between', () => {
    const b = new BreakerBoard(opts);
    for (const id of ['a', 'b', 'c', 'd']) b.setDomains(id, ['upstream=acme']);
    b.failure('a', 0);
    b.failure('a', 0);
    b.failure('b', 0);
    expect(b.domainState('upstream=acme', 0)).toBe('closed');
    b.success('d');
    b.failure('c', 0);
    expect(b.domainState('upstream=acme', 0)).toBe('closed');
    b.failure('a', 0);
    expect(b.failure('b', 0)).toEqual(['upstream=acme']);
  });

  it('never opens a domain of one node (the node breaker covers it)', () => {
    const b = new BreakerBoard(opts);
    b.setDomains('a', ['upstream=solo']);
    b.failure('a', 0);
    expect(b.domainState('upstream=solo', 0)).toBe('closed');
  });
});

describe('domainKeys', () => {
  it('lists dimension=value for the configured dimensions the node carries', () => {
    expect(
      domainKeys({ upstream: { value: 'acme' }, provider: { value: 'aws' } }, ['upstream', 'teeVendor']),
    ).toEqual(['upstream=acme']);
    expect(domainKeys({}, ['upstream'])).toEqual([]);
  });
});
