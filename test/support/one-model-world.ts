/**
 * A small shifting-demand world of one-model nodes, shared by the warm-set and eviction-price tests: six
 * hours of demand peaking at 20:00 local time in Tokyo, Frankfurt and New York, two 7-8B models, four 24 GB
 * A10G nodes that hold one model each. Qwen starts warm on one node only (Tokyo, provider gcp); llama on
 * the three others. `policies` names the policies it is played to.
 */
export function oneModelWorld(policies: readonly string[]): string {
  return `
name: warm-set-world
seed: 5
durationS: 21600
stalenessMs: 1000
network:
  nodes:
    - { id: tyo, location: { metro: tokyo }, labels: { provider: gcp, operator: op-tyo }, hardware: { accelerator: a10g, count: 1 }, slots: 4,
        models: [{ model: qwen2.5-7b-instruct, tier: gpu }, { model: llama-3.1-8b-instruct, tier: localDisk }] }
    - { id: fra, location: { metro: frankfurt }, labels: { provider: hetzner, operator: op-fra }, hardware: { accelerator: a10g, count: 1 }, slots: 4,
        models: [{ model: llama-3.1-8b-instruct, tier: gpu }, { model: qwen2.5-7b-instruct, tier: localDisk }] }
    - { id: nyc, location: { metro: new-york }, labels: { provider: aws, operator: op-nyc }, hardware: { accelerator: a10g, count: 1 }, slots: 4,
        models: [{ model: llama-3.1-8b-instruct, tier: gpu }, { model: qwen2.5-7b-instruct, tier: localDisk }] }
    - { id: chi, location: { metro: chicago }, labels: { provider: vultr, operator: op-chi }, hardware: { accelerator: a10g, count: 1 }, slots: 4,
        models: [{ model: llama-3.1-8b-instruct, tier: gpu }, { model: qwen2.5-7b-instruct, tier: localDisk }] }
models:
  catalog: builtin
  include: [llama-3.1-8b-instruct, qwen2.5-7b-instruct]
demand:
  totalRps: 0.5
  metros: { tokyo: 1, frankfurt: 1, new-york: 1 }
  diurnal: { amplitude: 0.8, peakLocalHour: 20 }
  models: { llama-3.1-8b-instruct: 2, qwen2.5-7b-instruct: 1 }
policies: [${policies.join(', ')}]
`;
}
