import type { Provider } from './provider.js';
import { AWS, AZURE, GCP } from './providers-hyperscale.js';
import {
  COREWEAVE,
  EQUINIX,
  HETZNER,
  LAMBDA,
  LATITUDE,
  OVH,
  RESIDENTIAL,
  TERASWITCH,
  VULTR,
} from './providers-independent.js';

export type { Provider, ProviderKind, ProviderSite } from './provider.js';

/**
 * Catalog of infrastructure providers a node can run on: their ASNs, their sites (every `metro` is an
 * id in `METROS`) and the accelerators they rent out, with approximate on-demand list prices.
 *
 * Sources, all public: the providers' own region / location pages (2024–2025); ASNs as announced in BGP
 * (Hetzner, OVH, Vultr, Latitude.sh, TeraSwitch and Equinix Metal cross-checked against the `asn` and
 * `data_center_key` columns of the Solana validator snapshot in ../shared/data/networks). A site's
 * `metro` is the nearest catalog metro when the facility sits in a small town outside it (e.g. OVH
 * Gravelines → `lille`, OVH Limburg → `frankfurt`, OVH Vint Hill → `ashburn`).
 *
 * Prices are indicative, in USD per accelerator-hour (instance price ÷ accelerators), on-demand, for
 * comparing scenarios only; each provider's comment gives the date and source. A class is left out of
 * `gpuHourUsd` when no public on-demand price was at hand.
 */

export const PROVIDERS: readonly Provider[] = Object.freeze([
  AWS,
  GCP,
  AZURE,
  HETZNER,
  OVH,
  EQUINIX,
  LATITUDE,
  TERASWITCH,
  VULTR,
  COREWEAVE,
  LAMBDA,
  RESIDENTIAL,
]);

const BY_ID: ReadonlyMap<string, Provider> = new Map(PROVIDERS.map((p) => [p.id, p]));

/** The provider with this id, or undefined. */
export function providerById(id: string): Provider | undefined {
  return BY_ID.get(id);
}
