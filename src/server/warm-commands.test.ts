import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../store/memory-store.js';
import type { WarmSetAction } from '../warmset/controller.js';
import { WarmCommands } from './warm-commands.js';

const action = (kind: 'load' | 'unload', node = 'n1', model = 'm'): WarmSetAction => ({
  kind,
  node,
  model,
  reason: 'test',
  gainMs: 0,
  costMs: 0,
});

describe('WarmCommands.loadedWithin: the loads the planner does not repeat', () => {
  it('holds a load for the span from its issue (30 s: true at 29.999 s, false at 30 s), for that pair only', async () => {
    const clock = { now: 1_000_000 };
    const c = new WarmCommands(new MemoryStore(), 600_000, () => clock.now);
    await c.issue([action('load')]);
    expect(c.loadedWithin('n1', 'm', 30_000, 1_029_999)).toBe(true);
    expect(c.loadedWithin('n1', 'other', 30_000, 1_029_999)).toBe(false);
    expect(c.loadedWithin('n2', 'm', 30_000, 1_029_999)).toBe(false);
    expect(c.loadedWithin('n1', 'm', 30_000, 1_030_000)).toBe(false);
  });

  it('forgets a load once an unload of the pair is issued, and one that failed', async () => {
    const clock = { now: 1_000_000 };
    const c = new WarmCommands(new MemoryStore(), 600_000, () => clock.now);
    const [load] = await c.issue([action('load')]);
    c.acknowledge('n1', [{ id: load!.id, status: 'done', detail: 'loaded' }]);
    expect(c.loadedWithin('n1', 'm', 30_000, clock.now)).toBe(true);
    await c.issue([action('unload')]);
    expect(c.loadedWithin('n1', 'm', 30_000, clock.now)).toBe(false);
    const [again] = await c.issue([action('load', 'n2')]);
    c.acknowledge('n2', [{ id: again!.id, status: 'failed', detail: 'no memory' }]);
    expect(c.loadedWithin('n2', 'm', 30_000, clock.now)).toBe(false);
  });

  it('forgets a load that expired unanswered (ttl 600 s, span 1,800 s), and the loads of a node that left', async () => {
    const clock = { now: 1_000_000 };
    const c = new WarmCommands(new MemoryStore(), 600_000, () => clock.now);
    await c.issue([action('load'), action('load', 'n2')]);
    clock.now += 600_000;
    c.expire();
    expect(c.loadedWithin('n1', 'm', 1_800_000, clock.now)).toBe(false);
    await c.issue([action('load', 'n3')]);
    c.removed('n3');
    expect(c.loadedWithin('n3', 'm', 1_800_000, clock.now)).toBe(false);
    await c.flush();
  });
});
