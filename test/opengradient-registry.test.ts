import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { encodeFunctionData, type Hex, keccak256, parseAbi, toHex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  parseRegistryAddress,
  readTeeRegistry,
  registryClient,
} from '../src/import/opengradient/registry.js';
import { meridian } from './support/cli.js';
import { compile, type LocalChain, localChain } from './support/evm-chain.js';
import { ROOT } from './support/shared-data.js';

const SOURCE = join(ROOT, 'test', 'fixtures', 'opengradient', 'TestTEERegistry.sol');
const SETUP = parseAbi([
  'function approve(uint8 teeType, bytes32 pcrHash)',
  'function add(address owner, string endpoint, bytes publicKey, bytes tlsCertificate, bytes32 pcrHash, uint8 teeType, uint256 lastHeartbeatAt) returns (bytes32)',
]);
const NOW = 1_790_000_000;
const GOOD_PCR = keccak256(toHex('enclave v1.2'));
const OLD_PCR = keccak256(toHex('enclave v1.0'));
const OWNER_A = '0x00000000000000000000000000000000000000aa';
const OWNER_B = '0x00000000000000000000000000000000000000bb';

describe('OpenGradient TEE registry on an in-process chain', () => {
  let chain: LocalChain;
  const keys: Hex[] = [toHex('key-1'), toHex('key-2'), toHex('key-3'), toHex('key-4')];

  beforeAll(async () => {
    chain = await localChain(compile(SOURCE, 'TestTEERegistry'), NOW);
    await chain.send(encodeFunctionData({ abi: SETUP, functionName: 'approve', args: [0, GOOD_PCR] }));
    const add = (owner: Hex, endpoint: string, key: Hex, pcr: Hex, type: number, heartbeat: number) =>
      chain.send(
        encodeFunctionData({
          abi: SETUP,
          functionName: 'add',
          args: [owner, endpoint, key, toHex('cert'), pcr, type, BigInt(heartbeat)],
        }),
      );
    await add(OWNER_A, 'https://tee-1.example.net:443', keys[0]!, GOOD_PCR, 0, NOW - 60);
    await add(OWNER_A, 'https://tee-2.example.net', keys[1]!, GOOD_PCR, 0, NOW - 3600);
    await add(OWNER_B, 'https://tee-3.example.org', keys[2]!, OLD_PCR, 0, NOW - 10);
    await add(OWNER_B, 'not a url', keys[3]!, GOOD_PCR, 1, NOW - 10);
  }, 60_000);

  it('reads every enabled TEE per type with endpoint, certificate, PCR hash and heartbeat age', async () => {
    const snap = await readTeeRegistry(registryClient(chain.transport), chain.address as Hex);
    expect(snap.heartbeatMaxAgeS).toBe(1800);
    expect(snap.atS).toBe(NOW);
    expect(snap.tees.map((t) => [t.id, t.typeName, t.host, t.heartbeatAgeS])).toEqual([
      [keccak256(keys[0]!), 'llm-proxy', 'tee-1.example.net', 60],
      [keccak256(keys[1]!), 'llm-proxy', 'tee-2.example.net', 3600],
      [keccak256(keys[2]!), 'llm-proxy', 'tee-3.example.org', 10],
      [keccak256(keys[3]!), 'validator', '', 10],
    ]);
    expect(snap.tees[0]!.tlsCertificate).toBe(toHex('cert'));
    expect(snap.tees[2]!.pcrHash).toBe(OLD_PCR);
  });

  it('marks active exactly as getActiveTEEs does: fresh heartbeat (≤ 1,800 s) and an approved PCR', async () => {
    const snap = await readTeeRegistry(registryClient(chain.transport), chain.address as Hex);
    // tee-2: heartbeat 3,600 s old; tee-3: PCR not approved; the validator's PCR is approved for type 0 only.
    expect(snap.tees.map((t) => t.active)).toEqual([true, false, false, false]);
  });

  it('refuses a registry address that is not 20 bytes of hex, naming the flag', () => {
    expect(() => parseRegistryAddress('0x1234')).toThrow(
      /--registry: expected a 0x-prefixed 20-byte hex address \(got "0x1234"\)/,
    );
  });

  describe('meridian analyze --opengradient RPC --registry ADDRESS', () => {
    let server: Server;
    let rpc: string;
    beforeAll(async () => {
      // The local chain behind a real JSON-RPC endpoint on loopback, as a node's RPC would be.
      const request = chain.transport({}).request as (a: {
        method: string;
        params?: unknown[];
      }) => Promise<unknown>;
      server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', async () => {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
            id: number;
            method: string;
            params?: unknown[];
          };
          const reply = await request(body).then(
            (result) => ({ jsonrpc: '2.0', id: body.id, result }),
            (e: Error & { code?: number; data?: unknown }) => ({
              jsonrpc: '2.0',
              id: body.id,
              error: { code: e.code ?? -32000, message: e.message, data: e.data },
            }),
          );
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify(reply));
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      rpc = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('analyses the active TEEs: 1 of 4 enabled is active, operator 0x…aa holds it all (HHI 1)', async () => {
      const r = await meridian('analyze', '--opengradient', rpc, '--registry', chain.address, '--json');
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout) as {
        network: { members: number; rows: number; notices: string[] };
        dimensions: Record<string, { hhi: number }>;
      };
      expect(out.network.members).toBe(1);
      expect(out.network.rows).toBe(4);
      expect(out.network.notices[1]).toMatch(/^3 of them are not active/);
      expect(out.dimensions.operator!.hhi).toBe(1);
    });

    it('with --include-inactive: 4 TEEs, two operators with two each (HHI 0.5), two enclave images', async () => {
      const r = await meridian(
        'analyze',
        '--opengradient',
        rpc,
        '--registry',
        chain.address,
        '--include-inactive',
        '--json',
      );
      const out = JSON.parse(r.stdout) as { dimensions: Record<string, { hhi: number; groups: number }> };
      expect(out.dimensions.operator!.hhi).toBeCloseTo(0.5, 12);
      expect(out.dimensions.pcr!.groups).toBe(2);
    });

    it('an RPC that does not answer is exit 1 naming it; a bad address is exit 2', async () => {
      const dead = await meridian(
        'analyze',
        '--opengradient',
        'http://127.0.0.1:9',
        '--registry',
        chain.address,
      );
      expect(dead.code).toBe(1);
      expect(dead.stderr).toContain(`cannot read the TEE registry ${chain.address} at http://127.0.0.1:9`);
      const bad = await meridian('analyze', '--opengradient', rpc, '--registry', '0x12');
      expect(bad.code).toBe(2);
    });
  });
});
