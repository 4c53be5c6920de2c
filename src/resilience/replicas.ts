import { residentCapacityGb } from '../model/capability.js';
import { isCapable, type Member, type ModelLike } from './member.js';

/**
 * For each model (in the given order), the members holding it warm and the members able to serve it.
 * Models with identical capable sets share one `capable` array. Lists are in no particular order.
 */
export interface ReplicaIndex {
  models: string[];
  warm: Int32Array[];
  capable: Int32Array[];
}

/**
 * Members with the same accelerator class, resident capacity and inference role. A proxy (`api`) member
 * serves only the models it lists, so each one is a shape of its own.
 */
interface Shape {
  sample: Member;
  memory: number;
  inference: boolean;
  members: number[];
}

/** Same total memory (NaN equals NaN, as their text does). */
function sameMemory(a: number, b: number): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

/**
 * Indexes warm and capable replicas of every model. Capability depends only on hardware, host RAM and
 * roles (and a proxy's list), so it is decided once per distinct shape rather than once per member.
 */
export function replicaIndex(members: readonly Member[], models: readonly ModelLike[]): ReplicaIndex {
  const position = new Map(models.map((m, i) => [m.id, i] as const));
  const warm: number[][] = models.map(() => []);
  // Shapes in order of first appearance, and by accelerator for lookup.
  const shapeList: Shape[] = [];
  const byAccelerator = new Map<string, Shape[]>();
  for (let i = 0; i < members.length; i++) {
    const m = members[i]!;
    const held = m.models;
    if (held !== undefined) {
      for (let k = 0; k < held.length; k++) {
        const h = held[k]!;
        if (h.tier !== 'gpu') continue;
        const p = position.get(h.model);
        if (p === undefined) continue;
        const list = warm[p]!;
        if (list.length === 0 || list[list.length - 1] !== i) list.push(i);
      }
    }
    const hw = m.hardware;
    if (hw === undefined || models.length === 0) continue;
    const inference = m.roles === undefined || m.roles.includes('inference');
    const memory = residentCapacityGb(hw, m.storage);
    const proxy = hw.accelerator === 'api';
    let candidates = byAccelerator.get(hw.accelerator);
    if (candidates === undefined) {
      candidates = [];
      byAccelerator.set(hw.accelerator, candidates);
    }
    let shape: Shape | undefined;
    for (let k = 0; k < candidates.length && shape === undefined && !proxy; k++) {
      const s = candidates[k]!;
      if (s.inference === inference && sameMemory(s.memory, memory)) shape = s;
    }
    if (shape !== undefined) shape.members.push(i);
    else {
      const created = { sample: m, memory, inference, members: [i] };
      candidates.push(created);
      shapeList.push(created);
    }
  }
  const bySignature = new Map<string, Int32Array>();
  const capable = models.map((model) => {
    const able = shapeList.map((s) => isCapable(s.sample, model));
    const signature = able.map((a) => (a ? 1 : 0)).join('');
    let arr = bySignature.get(signature);
    if (arr === undefined) {
      let size = 0;
      shapeList.forEach((s, k) => {
        if (able[k]) size += s.members.length;
      });
      arr = new Int32Array(size);
      let at = 0;
      shapeList.forEach((s, k) => {
        if (!able[k]) return;
        arr!.set(s.members, at);
        at += s.members.length;
      });
      bySignature.set(signature, arr);
    }
    return arr;
  });
  return { models: models.map((m) => m.id), warm: warm.map((w) => Int32Array.from(w)), capable };
}
