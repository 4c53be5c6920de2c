import { describe, expect, it } from 'vitest';
import { ArcRing, arcOf } from './arcs.js';

const receipt = (node: string | null, primary = 'a') => ({
  request: { model: 'm' },
  decision: {
    primary,
    receipt: { client: { lat: 50.1, lon: 8.7, metro: 'frankfurt' }, verifiers: [{ node: 'v1' }] },
  },
  node,
  status: node === null ? 502 : 200,
});

describe('request arcs from gateway receipts', () => {
  it('an answer from the primary is a plain arc with its verifiers; from another node a failover', () => {
    expect(arcOf('r1', receipt('a'))).toMatchObject({ node: 'a', failover: false, verifiers: ['v1'] });
    expect(arcOf('r2', receipt('b'))).toMatchObject({ node: 'b', primary: 'a', failover: true });
  });

  it('a failed request points at the primary tried; a receipt without a primary or place has no arc', () => {
    expect(arcOf('r3', receipt(null))).toMatchObject({ node: 'a', failover: false, status: 502 });
    expect(arcOf('r4', { decision: { primary: null } })).toBeUndefined();
    expect(arcOf('r5', { decision: { primary: 'a', receipt: {} } })).toBeUndefined();
  });

  it('for a reader without the client coordinates the arc starts at the metro centre (frankfurt 50.11, 8.68), else the nearest metro', () => {
    expect(arcOf('r1', receipt('a'))?.client).toEqual({
      lat: 50.1,
      lon: 8.7,
      metro: 'frankfurt',
      exact: true,
    });
    expect(arcOf('r1', receipt('a'), false)?.client).toEqual({
      lat: 50.11,
      lon: 8.68,
      metro: 'frankfurt',
      exact: false,
    });
    const noMetro = { decision: { primary: 'a', receipt: { client: { lat: 50.2, lon: 8.6 } } }, node: 'a' };
    expect(arcOf('r6', noMetro, false)?.client).toEqual({
      lat: 50.11,
      lon: 8.68,
      metro: 'frankfurt',
      exact: false,
    });
    expect(
      arcOf('r7', { decision: { primary: 'a', receipt: { client: { metro: 'atlantis' } } } }, false),
    ).toBeUndefined();
  });

  it('a ring of 8 keeps the newest 8 of 100 arcs and a tick takes at most 5 of them, then nothing', () => {
    const ring = new ArcRing(8);
    for (let k = 0; k < 100; k++) ring.push(arcOf(`r${k}`, receipt('a'))!);
    expect(ring.seen).toBe(100);
    expect(ring.take(5).map((a) => a.id)).toEqual(['r95', 'r96', 'r97', 'r98', 'r99']);
    expect(ring.take(5)).toEqual([]);
  });
});
