import {
  type Address,
  createPublicClient,
  type Hex,
  http,
  isAddress,
  keccak256,
  type PublicClient,
  type Transport,
} from 'viem';
import { UsageError } from '../../errors.js';
import { TEE_REGISTRY_ABI, TEE_TYPES } from './abi.js';

/**
 * OpenGradient's on-chain TEE registry as a node source. Reads, per TEE type, the enabled TEEs
 * (`getEnabledTEEs`, then `getTEE` for each) and which of them the contract itself counts as active
 * (`getActiveTEEs`: enabled, approved PCR, heartbeat younger than `heartbeatMaxAge`), the way
 * OpenGradient's SDKs read it; meridian keeps both so that a stale heartbeat is visible, not hidden.
 */
export interface OpenGradientTee {
  /** keccak256 of the TEE's signing public key, as the contract computes it. */
  readonly id: Hex;
  readonly type: number;
  readonly typeName: string;
  readonly owner: Address;
  readonly endpoint: string;
  /** Host of the endpoint URL ('' when the endpoint is not a URL). */
  readonly host: string;
  readonly publicKey: Hex;
  readonly tlsCertificate: Hex;
  /** keccak256 of PCR0‖PCR1‖PCR2: which enclave image runs. */
  readonly pcrHash: Hex;
  readonly active: boolean;
  readonly registeredAt: number;
  readonly lastHeartbeatAt: number;
  /** Seconds since the last heartbeat at the time of reading (block time). */
  readonly heartbeatAgeS: number;
}

export interface TeeRegistrySnapshot {
  readonly address: Address;
  readonly heartbeatMaxAgeS: number;
  /** Block timestamp the snapshot was read at, s. */
  readonly atS: number;
  readonly tees: readonly OpenGradientTee[];
}

function hostOf(endpoint: string): string {
  try {
    return new URL(endpoint).hostname;
  } catch {
    return '';
  }
}

/** Reads the registry at `address` through `client`, for TEE types `types` (default 0 and 1). */
export async function readTeeRegistry(
  client: PublicClient,
  address: Address,
  types: readonly number[] = [0, 1],
): Promise<TeeRegistrySnapshot> {
  const contract = { address, abi: TEE_REGISTRY_ABI } as const;
  const block = await client.getBlock();
  const atS = Number(block.timestamp);
  const heartbeatMaxAgeS = Number(
    await client.readContract({ ...contract, functionName: 'heartbeatMaxAge' }),
  );
  const tees: OpenGradientTee[] = [];
  for (const type of types) {
    const ids = await client.readContract({ ...contract, functionName: 'getEnabledTEEs', args: [type] });
    const active = await client.readContract({ ...contract, functionName: 'getActiveTEEs', args: [type] });
    const activeIds = new Set(active.map((t) => keccak256(t.publicKey)));
    for (const id of ids) {
      const t = await client.readContract({ ...contract, functionName: 'getTEE', args: [id] });
      const last = Number(t.lastHeartbeatAt);
      tees.push({
        id,
        type,
        typeName: TEE_TYPES[type] ?? `type-${type}`,
        owner: t.owner,
        endpoint: t.endpoint,
        host: hostOf(t.endpoint),
        publicKey: t.publicKey,
        tlsCertificate: t.tlsCertificate,
        pcrHash: t.pcrHash,
        active: activeIds.has(id),
        registeredAt: Number(t.registeredAt),
        lastHeartbeatAt: last,
        heartbeatAgeS: Math.max(0, atS - last),
      });
    }
  }
  return { address, heartbeatMaxAgeS, atS, tees };
}

/** A public client for a JSON-RPC URL (or any viem transport, e.g. an in-process chain in tests). */
export function registryClient(rpc: string | Transport): PublicClient {
  return createPublicClient({ transport: typeof rpc === 'string' ? http(rpc) : rpc }) as PublicClient;
}

/** Checks the registry address given on the command line: a 20-byte hex address. */
export function parseRegistryAddress(text: string, flag = '--registry'): Address {
  if (!isAddress(text, { strict: false }))
    throw new UsageError(`${flag}: expected a 0x-prefixed 20-byte hex address (got "${text}")`);
  return text as Address;
}
