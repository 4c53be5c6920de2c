import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { Children } from '../src/fleet/children.js';
import { descriptor, tempDir, waitFor, writeYaml } from './server-kit.js';
import { warmsetFleet } from './warmset-kit.js';

/**
 * Issue 12, item 3, across process boundaries: a coordinator (`meridian serve` with the warm-set
 * controller on), two emulated Ollama-like workers with their agents (`meridian worker --emulate
 * --coordinator`): fra-1 in Frankfurt holds llama warm, nrt-1 in Tokyo has it only on disk. Demand for
 * llama from Tokyo ramps up over six 2-second steps (1 … 6 requests per step); the controller must command
 * a load on nrt-1 before the last step, the agent must carry it out on its worker, the worker must report
 * the model warm, and the command must be recorded with its reason and the agent's answer.
 */
const children = new Children();
const tmp = tempDir('warmset-process');
afterAll(async () => {
  await children.stopAll();
  tmp.remove();
});

const MODEL = 'llama-3.1-8b-instruct';
const STEPS = 6;
const STEP_MS = 2000;

function worker(id: string, location: { lat: number; lon: number; metro: string }, preload: string[]) {
  return writeYaml(join(tmp.dir, `${id}.yaml`), {
    flavor: 'ollama',
    memoryGb: 80,
    loadGBps: 2,
    // 16 GB at 2 GB/s = 8 s, scaled to 0.8 s.
    timeScale: 0.1,
    tokensPerSec: 0,
    prefillTokensPerSec: 0,
    models: [{ id: MODEL, weightsGb: 16 }],
    preload,
    node: descriptor(id, { location }),
  });
}

describe('the warm-set controller across processes', () => {
  it('loads llama on the Tokyo worker while Tokyo demand ramps (before its peak), the agent carries it out and the worker reports it warm', async () => {
    const fleet = await warmsetFleet(children, tmp.dir);
    await fleet.start('fra-1', worker('fra-1', { lat: 50.11, lon: 8.68, metro: 'frankfurt' }, [MODEL]));
    await fleet.start('nrt-1', worker('nrt-1', { lat: 35.68, lon: 139.69, metro: 'tokyo' }, []));
    await waitFor('both nodes reporting', async () =>
      (await fleet.stateOf('fra-1', MODEL)) === 'warm' &&
      (await fleet.stateOf('nrt-1', MODEL)) === 'localDisk'
        ? true
        : undefined,
    );
    expect(await fleet.actions()).toEqual([]); // no demand, nothing to do

    let commandedAtStep: number | undefined;
    for (let step = 1; step <= STEPS; step++) {
      const sent = Array.from({ length: step }, () =>
        request(`${fleet.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-meridian-client-metro': 'tokyo' },
          body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], max_tokens: 2 }),
        }).then((r) => r.body.dump()),
      );
      await Promise.all([...sent, new Promise((r) => setTimeout(r, STEP_MS))]);
      if (
        commandedAtStep === undefined &&
        (await fleet.actions()).some((a) => a.kind === 'load' && a.node === 'nrt-1')
      )
        commandedAtStep = step;
    }
    expect(commandedAtStep).toBeDefined();
    expect(commandedAtStep!).toBeLessThan(STEPS);

    const load = await fleet.answered('load', 'nrt-1');
    console.log(
      `load on nrt-1 commanded by ramp step ${commandedAtStep} of ${STEPS}: ${load.reason}; ${load.detail}`,
    );
    expect(load).toMatchObject({ model: MODEL, status: 'done' });
    expect(load.reason).toMatch(/^warm only in prov-fra-1; \d+\.\d\d req\/s forecast$/);
    expect(load.detail).toMatch(/^loaded llama-3\.1-8b-instruct in \d+\.\d s$/);
    await waitFor('nrt-1 reporting llama warm', async () =>
      (await fleet.stateOf('nrt-1', MODEL)) === 'warm' ? true : undefined,
    );
  }, 90_000);
});
