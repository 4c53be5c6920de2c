import type { Mapping } from './mapping.js';

export interface Preset {
  name: string;
  description: string;
  mapping: Mapping;
}

/**
 * Ready mappings for known exports. `solana-validators` reads the validators.app export flattened in
 * `../shared/data/networks/solana-validators-epoch860.csv`: live validators only (is_active True,
 * delinquent False, stake > 0), weighted by active stake in lamports.
 */
export const PRESETS: readonly Preset[] = [
  {
    name: 'solana-validators',
    description:
      'Solana validators (validators.app export): live only, weight = active stake, dimensions asn, datacenter, country, client and validator (identity)',
    mapping: {
      dimensions: {
        asn: 'asn',
        datacenter: 'data_center_key',
        country: 'country',
        client: 'software_client',
        validator: 'account',
      },
      weight: 'active_stake_lamports',
      id: 'account',
      lat: 'latitude',
      lon: 'longitude',
      where: [
        { column: 'is_active', equals: 'True' },
        { column: 'delinquent', equals: 'False' },
      ],
      positiveWeight: true,
    },
  },
];

export function presetByName(name: string): Preset | undefined {
  return PRESETS.find((p) => p.name === name);
}
