import type { Address, PublicClient } from 'viem';
import type { Member } from '../../resilience/member.js';
import type { LoadedNetwork } from '../load.js';
import { readTeeRegistry, type TeeRegistrySnapshot } from './registry.js';

/**
 * OpenGradient's TEE registry as a network to analyse: one member per enabled TEE, with the dimensions
 * the registry knows — `operator` (the owner address), `host` (the endpoint's host name), `teeType`, and
 * `pcr` (the enclave image: which code the network's TEEs depend on). The registry has no locations, so
 * the analysis reports "no locations". TEEs the contract does not count as active (stale heartbeat or a
 * revoked image) are left out unless `includeInactive`, and the notices say how many.
 */
export const OPENGRADIENT_DIMENSIONS = ['operator', 'host', 'teeType', 'pcr'] as const;

export function teeMembers(snapshot: TeeRegistrySnapshot, includeInactive = false): Member[] {
  return snapshot.tees
    .filter((t) => includeInactive || t.active)
    .map((t) => ({
      id: t.id,
      labels: {
        operator: { value: t.owner.toLowerCase() },
        ...(t.host === '' ? {} : { host: { value: t.host } }),
        teeType: { value: t.typeName },
        pcr: { value: t.pcrHash },
      },
      roles: [t.typeName === 'validator' ? 'full' : 'inference'],
    }));
}

export async function openGradientNetwork(
  client: PublicClient,
  address: Address,
  rpc: string,
  includeInactive = false,
): Promise<LoadedNetwork> {
  const snapshot = await readTeeRegistry(client, address);
  const members = teeMembers(snapshot, includeInactive);
  const inactive = snapshot.tees.filter((t) => !t.active).length;
  const notices = [
    `read ${snapshot.tees.length} enabled TEEs from the registry ${address} at ${rpc} (block time ${new Date(snapshot.atS * 1000).toISOString()}, heartbeat limit ${snapshot.heartbeatMaxAgeS} s)`,
  ];
  if (inactive > 0)
    notices.push(
      includeInactive
        ? `${inactive} of them are not active (stale heartbeat or an image no longer approved) and are included`
        : `${inactive} of them are not active (stale heartbeat or an image no longer approved) and are left out (--include-inactive keeps them)`,
    );
  return {
    source: `opengradient:${address}`,
    format: 'opengradient',
    members,
    models: [],
    dimensions: [...OPENGRADIENT_DIMENSIONS],
    notices,
    rows: snapshot.tees.length,
    skipped: members.length === snapshot.tees.length ? 0 : snapshot.tees.length - members.length,
  };
}
