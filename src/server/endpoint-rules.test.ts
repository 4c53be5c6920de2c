import { describe, expect, it } from 'vitest';
import { CidrSet, ipOfHost, parseCidr, refusedKind } from './endpoint-rules.js';

/** The rule table on literal addresses only: no name is resolved and no packet is sent. */
describe('refused endpoint ranges', () => {
  it.each([
    ['169.254.169.254', 'metadata'],
    ['::ffff:a9fe:a9fe', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['169.254.1.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['febf::1', 'link-local'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
  ])('%s is %s', (address, kind) => {
    expect(refusedKind(address)).toBe(kind);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '172.15.255.255',
    '172.32.0.0',
    '192.169.0.1',
    '100.128.0.1',
    '11.0.0.1',
    '2001:4860:4860::8888',
    'fec0::1',
  ])('%s (public) is admitted', (address) => {
    expect(refusedKind(address)).toBeUndefined();
  });
});

describe('CIDR allow-lists', () => {
  it('parses v4 and v6 ranges and bare addresses, and rejects the rest', () => {
    expect(parseCidr('10.0.0.0/8')).toEqual({ address: '10.0.0.0', prefix: 8, family: 'ipv4' });
    expect(parseCidr('::1')).toEqual({ address: '::1', prefix: 128, family: 'ipv6' });
    for (const bad of [
      '10.0.0.0/33',
      '::1/129',
      '999.1.1.1/8',
      'localhost',
      '10.0.0.0/8/1',
      '10.0.0.0/x',
      '',
    ])
      expect(parseCidr(bad)).toBeUndefined();
  });

  it('127.0.0.0/8 admits 127.0.0.1 and its IPv4-mapped form, not ::1 or 10.0.0.1', () => {
    const set = new CidrSet(['127.0.0.0/8']);
    expect(['127.0.0.1', '::ffff:127.0.0.1', '::1', '10.0.0.1'].map((a) => set.has(a))).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });

  it('reads IP literals out of URL hosts and leaves names alone', () => {
    expect([ipOfHost('[::1]'), ipOfHost('127.0.0.1'), ipOfHost('localhost')]).toEqual([
      '::1',
      '127.0.0.1',
      undefined,
    ]);
  });
});
