import { type Provider, sites } from './provider.js';

/**
 * Independent clouds, bare-metal hosts, GPU clouds, colocation and residential GPUs (see `providers.ts`
 * for sources and rules).
 */

export const HETZNER: Provider = {
  id: 'hetzner',
  name: 'Hetzner',
  kind: 'bare-metal',
  asns: [24940],
  sites: sites([
    ['falkenstein', 'fsn1'],
    ['nuremberg', 'nbg1'],
    ['helsinki', 'hel1'],
    ['ashburn', 'ash'],
    ['portland', 'hil'],
    ['singapore', 'sin'],
  ]),
  // Hetzner's GPU servers (GEX44: RTX 4000 SFF Ada, GEX130: RTX 6000 Ada) have no class of their own here.
  accelerators: ['cpu'],
  gpuHourUsd: {},
};

export const OVH: Provider = {
  id: 'ovh',
  name: 'OVHcloud',
  kind: 'cloud',
  asns: [16276],
  sites: sites([
    ['lille', 'rbx'],
    ['lille', 'gra'],
    ['strasbourg', 'sbg'],
    ['paris', 'eu-west-par'],
    ['frankfurt', 'lim'],
    ['london', 'eri'],
    ['warsaw', 'waw'],
    ['montreal', 'bhs'],
    ['toronto', 'tor'],
    ['ashburn', 'vin'],
    ['portland', 'hil'],
    ['singapore', 'sgp'],
    ['sydney', 'syd'],
    ['mumbai', 'ynm'],
  ]),
  accelerators: ['h100', 'a100-80', 'l40s', 'l4', 'cpu'],
  // ovhcloud.com/en/public-cloud/prices, 2025, EUR list prices converted at ≈1.08 USD/EUR:
  // H100 ≈ €2.99, A100 ≈ €3.07, L40S ≈ €1.80, L4 ≈ €0.90 per GPU-hour.
  gpuHourUsd: { h100: 3.23, 'a100-80': 3.32, l40s: 1.94, l4: 0.97 },
};

export const EQUINIX: Provider = {
  id: 'equinix',
  name: 'Equinix',
  kind: 'colo',
  asns: [54825],
  sites: sites([
    ['ashburn', 'DC'],
    ['new-york', 'NY'],
    ['chicago', 'CH'],
    ['atlanta', 'AT'],
    ['miami', 'MI'],
    ['dallas', 'DA'],
    ['san-jose', 'SV'],
    ['los-angeles', 'LA'],
    ['seattle', 'SE'],
    ['toronto', 'TR'],
    ['sao-paulo', 'SP'],
    ['london', 'LD'],
    ['amsterdam', 'AM'],
    ['frankfurt', 'FR'],
    ['paris', 'PA'],
    ['madrid', 'MD'],
    ['milan', 'ML'],
    ['zurich', 'ZH'],
    ['stockholm', 'SK'],
    ['helsinki', 'HE'],
    ['warsaw', 'WA'],
    ['dubai', 'DX'],
    ['lagos', 'LG'],
    ['mumbai', 'MB'],
    ['singapore', 'SG'],
    ['hong-kong', 'HK'],
    ['tokyo', 'TY'],
    ['osaka', 'OS'],
    ['seoul', 'SL'],
    ['sydney', 'SY'],
    ['melbourne', 'ME'],
  ]),
  // Colocation: operators bring their own hardware, so no accelerators are rented out.
  accelerators: [],
  gpuHourUsd: {},
};

export const LATITUDE: Provider = {
  id: 'latitude',
  name: 'Latitude.sh',
  kind: 'bare-metal',
  asns: [396356],
  sites: sites([
    ['ashburn', 'ASH'],
    ['new-york', 'NYC'],
    ['chicago', 'CHI'],
    ['dallas', 'DAL'],
    ['los-angeles', 'LAX'],
    ['miami', 'MIA'],
    ['mexico-city', 'MEX'],
    ['bogota', 'BGT'],
    ['sao-paulo', 'SAO'],
    ['buenos-aires', 'BUE'],
    ['santiago', 'SAN'],
    ['london', 'LON'],
    ['frankfurt', 'FRA'],
    ['madrid', 'MAD'],
    ['singapore', 'SGP'],
    ['tokyo', 'TYO'],
    ['sydney', 'SYD'],
  ]),
  // No public on-demand GPU price was at hand when this was written; prices left out.
  accelerators: ['h100', 'l40s', 'cpu'],
  gpuHourUsd: {},
};

export const TERASWITCH: Provider = {
  id: 'teraswitch',
  name: 'TeraSwitch',
  kind: 'bare-metal',
  asns: [20326],
  sites: sites([
    ['pittsburgh', 'PIT'],
    ['new-york', 'EWR'],
    ['chicago', 'ORD'],
    ['salt-lake-city', 'SLC'],
    ['amsterdam', 'AMS'],
    ['frankfurt', 'FRA'],
    ['london', 'LHR'],
    ['dublin', 'DUB'],
    ['tokyo', 'TYO'],
    ['singapore', 'SIN'],
  ]),
  // No public on-demand GPU price was at hand when this was written; prices left out.
  accelerators: ['h100', 'cpu'],
  gpuHourUsd: {},
};

export const VULTR: Provider = {
  id: 'vultr',
  name: 'Vultr',
  kind: 'cloud',
  asns: [20473],
  sites: sites([
    ['new-york', 'ewr'],
    ['atlanta', 'atl'],
    ['miami', 'mia'],
    ['chicago', 'ord'],
    ['dallas', 'dfw'],
    ['los-angeles', 'lax'],
    ['san-jose', 'sjc'],
    ['seattle', 'sea'],
    ['honolulu', 'hnl'],
    ['toronto', 'yto'],
    ['mexico-city', 'mex'],
    ['sao-paulo', 'sao'],
    ['santiago', 'scl'],
    ['london', 'lhr'],
    ['manchester', 'man'],
    ['amsterdam', 'ams'],
    ['paris', 'cdg'],
    ['frankfurt', 'fra'],
    ['madrid', 'mad'],
    ['warsaw', 'waw'],
    ['stockholm', 'sto'],
    ['tel-aviv', 'tlv'],
    ['johannesburg', 'jnb'],
    ['mumbai', 'bom'],
    ['delhi', 'del'],
    ['bangalore', 'blr'],
    ['singapore', 'sgp'],
    ['seoul', 'icn'],
    ['tokyo', 'nrt'],
    ['osaka', 'itm'],
    ['sydney', 'syd'],
    ['melbourne', 'mel'],
  ]),
  accelerators: ['h100', 'a100-80', 'l40s', 'mi300x', 'cpu'],
  // vultr.com/pricing (cloud GPU), 2025 on-demand: HGX H100 ≈ $2.99, L40S ≈ $1.67 per GPU-hour.
  gpuHourUsd: { h100: 2.99, l40s: 1.67 },
};

export const COREWEAVE: Provider = {
  id: 'coreweave',
  name: 'CoreWeave',
  kind: 'gpu-cloud',
  // ASN not verified from a public source while writing this catalog; fill in from PeeringDB.
  asns: [],
  sites: sites([
    ['new-york', 'LGA1'],
    ['ashburn', 'US-EAST-04'],
    ['chicago', 'ORD1'],
    ['dallas', 'US-CENTRAL'],
    ['austin', 'US-CENTRAL-AUS'],
    ['las-vegas', 'LAS1'],
    ['london', 'GB-SOUTH'],
    ['oslo', 'NO-EAST'],
    ['stockholm', 'SE-EAST'],
    ['barcelona', 'ES-EAST'],
  ]),
  accelerators: ['h200', 'h100', 'a100-80', 'a100-40', 'l40s', 'cpu'],
  // coreweave.com/pricing, 2025 on-demand per 8-GPU node: HGX H200 $50.44, HGX H100 $49.24,
  // HGX A100 80GB $21.60, L40S $18.00 (÷ 8).
  gpuHourUsd: { h200: 6.31, h100: 6.16, 'a100-80': 2.7, l40s: 2.25 },
};

export const LAMBDA: Provider = {
  id: 'lambda',
  name: 'Lambda',
  kind: 'gpu-cloud',
  // ASN not verified from a public source while writing this catalog; fill in from PeeringDB.
  asns: [],
  sites: sites([
    ['ashburn', 'us-east-1'],
    ['chicago', 'us-midwest-1'],
    ['dallas', 'us-south-1'],
    ['san-francisco', 'us-west-1'],
    ['phoenix', 'us-west-2'],
    ['salt-lake-city', 'us-west-3'],
    ['columbus', 'us-east-3'],
    ['frankfurt', 'europe-central-1'],
    ['tel-aviv', 'me-west-1'],
    ['tokyo', 'asia-northeast-1'],
    ['osaka', 'asia-northeast-2'],
  ]),
  accelerators: ['h100', 'a100-80', 'a100-40', 'cpu'],
  // lambda.ai/pricing, 2025 on-demand: 8× H100 SXM $2.99, 8× A100 SXM 80GB $1.79, A100 40GB $1.29 per GPU-hour.
  gpuHourUsd: { h100: 2.99, 'a100-80': 1.79, 'a100-40': 1.29 },
};

/** Metros where home and office GPUs are common enough to model (largest broadband markets). */
const RESIDENTIAL_METROS = [
  'new-york',
  'los-angeles',
  'chicago',
  'dallas',
  'san-francisco',
  'seattle',
  'atlanta',
  'toronto',
  'mexico-city',
  'sao-paulo',
  'buenos-aires',
  'london',
  'paris',
  'berlin',
  'munich',
  'amsterdam',
  'madrid',
  'milan',
  'warsaw',
  'stockholm',
  'moscow',
  'istanbul',
  'tel-aviv',
  'dubai',
  'lagos',
  'johannesburg',
  'cairo',
  'mumbai',
  'bangalore',
  'delhi',
  'singapore',
  'jakarta',
  'manila',
  'ho-chi-minh-city',
  'hong-kong',
  'shanghai',
  'taipei',
  'seoul',
  'tokyo',
  'sydney',
] as const;

export const RESIDENTIAL: Provider = {
  id: 'residential',
  name: 'Residential and office GPUs',
  kind: 'residential',
  // Large residential ISPs: Comcast 7922, Charter 20115, AT&T 7018, Verizon 701, Deutsche Telekom 3320,
  // Orange 3215, BT 2856, Telefónica Spain 3352, NTT OCN 4713, KT 4766, China Telecom 4134, Reliance Jio
  // 55836, Telstra 1221, Claro Brasil 28573, Rostelecom 12389.
  asns: [7922, 20115, 7018, 701, 3320, 3215, 2856, 3352, 4713, 4766, 4134, 55836, 1221, 28573, 12389],
  sites: RESIDENTIAL_METROS.map((metro) => ({ metro, datacenter: `home-${metro}` })),
  accelerators: ['rtx4090', 'cpu'],
  // Typical community-marketplace asking price for an RTX 4090 (RunPod community cloud / Vast.ai
  // listings, 2025): about $0.35 per GPU-hour; an order of magnitude, not a quote.
  gpuHourUsd: { rtx4090: 0.35 },
};
