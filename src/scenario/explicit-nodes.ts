import { metroById } from '../geo/metros.js';
import { providerById } from '../geo/providers.js';
import { ACCELERATORS } from '../model/accelerators.js';
import { residentCapacityGb, residentFootprintGb } from '../model/capability.js';
import type { Label } from '../model/labels.js';
import type { Model } from '../model/model.js';
import { type Node, Storage } from '../model/node.js';
import type { IssueList } from './issues.js';
import type { ExplicitNodeInput } from './schema.js';
import { unknownAsn } from './unknown-asn.js';

/**
 * Turns a listed node into a Node: coordinates from its metro when omitted, missing labels derived from a
 * catalog provider (see ExplicitNodeInput), memory from the accelerator datasheet; checks the metro, the
 * provider when labels must be derived, and every holding (known model; a warm model must have a profile
 * for the node's accelerator, and the warm models together must fit its memory).
 */
export function resolveExplicitNode(
  n: ExplicitNodeInput,
  index: number,
  models: ReadonlyMap<string, Model>,
  issues: IssueList,
): Node | undefined {
  const at = (...p: (string | number)[]) => ['network', 'nodes', index, ...p];
  const before = issues.size;
  const metro = metroById(n.location.metro);
  if (metro === undefined) {
    issues.addValue(at('location', 'metro'), 'unknown metro (not in src/geo/metros.ts)', n.location.metro);
  }
  const labels: Record<string, Label> = { ...n.labels };
  const providerId = labels.provider!.value;
  const provider = providerById(providerId);
  const missing = (['asn', 'datacenter'] as const).filter((d) => labels[d] === undefined);
  if (provider === undefined && missing.length > 0) {
    issues.addValue(
      at('labels', 'provider'),
      `unknown provider: cannot derive the ${missing.join(' and ')} label${missing.length > 1 ? 's' : ''}; give them or use a catalog provider`,
      providerId,
    );
  }
  if (provider !== undefined) {
    const asn = provider.asns[0];
    labels.asn ??= {
      value: asn === undefined ? unknownAsn(provider.id) : String(asn),
      provenance: 'inferred',
    };
    const site = provider.sites.find((s) => s.metro === n.location.metro);
    labels.datacenter ??= {
      value: site?.datacenter ?? `${provider.id}-${n.location.metro}`,
      provenance: 'inferred',
    };
  }
  if (metro !== undefined) labels.country ??= { value: metro.country, provenance: 'inferred' };
  labels.operator ??= { value: providerId, provenance: 'declared' };

  const hardware = {
    accelerator: n.hardware.accelerator,
    count: n.hardware.count,
    memoryGb: n.hardware.memoryGb ?? ACCELERATORS[n.hardware.accelerator].memoryGb,
  };
  const storage = Storage.parse(n.storage ?? {});
  let warmGb = 0;
  n.models.forEach((h, j) => {
    const model = models.get(h.model);
    if (model === undefined) {
      issues.addValue(at('models', j, 'model'), 'unknown model (not among the scenario models)', h.model);
      return;
    }
    if (h.tier !== 'gpu') return;
    if (model.performance[hardware.accelerator] === undefined) {
      issues.addValue(
        at('models', j, 'model'),
        `cannot be warm on this node: the model has no performance profile for accelerator "${hardware.accelerator}"`,
        h.model,
      );
    }
    warmGb += residentFootprintGb(model.weightsGb);
  });
  const capacity = residentCapacityGb(hardware, storage);
  if (warmGb > capacity) {
    issues.add(
      at('models'),
      `warm models need ${warmGb.toFixed(1)} GB with headroom but the node holds ${capacity} GB`,
    );
  }
  if (issues.size > before || metro === undefined) return undefined;
  return {
    id: n.id,
    roles: n.roles,
    location: { lat: n.location.lat ?? metro.lat, lon: n.location.lon ?? metro.lon, metro: metro.id },
    labels: labels as Node['labels'],
    hardware,
    storage,
    slots: n.slots,
    pricePer1kTokens: n.pricePer1kTokens,
    verification: n.verification,
    models: n.models,
    ...(n.stake !== undefined ? { stake: n.stake } : {}),
  };
}
