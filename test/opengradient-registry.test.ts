import { join } from 'node:path';
import { encodeFunctionData, type Hex, keccak256, parseAbi, toHex } from 'viem';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  parseRegistryAddress,
  readTeeRegistry,
  registryClient,
} from '../src/import/opengradient/registry.js';
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
});
