import { describe, expect, it } from 'vitest';
import { promSum } from './adapters.js';
import { catalogId } from './model-names.js';

describe('catalogId', () => {
  it.each([
    ['meta-llama/Llama-3.1-8B-Instruct', 'llama-3.1-8b-instruct'],
    ['Llama-3.1-8B-Instruct.gguf', 'llama-3.1-8b-instruct'],
    ['qwen2.5-7b-instruct:latest', 'qwen2.5-7b-instruct'],
    ['llama3.1:8b', 'llama3.1:8b'],
    ['my model (v2)', 'my-model--v2-'],
  ])('maps %s to %s', (name, id) => {
    expect(catalogId(name)).toBe(id);
  });

  it('prefers an explicit mapping', () => {
    expect(catalogId('llama3.1:8b', new Map([['llama3.1:8b', 'llama-3.1-8b-instruct']]))).toBe(
      'llama-3.1-8b-instruct',
    );
  });
});

describe('promSum', () => {
  const text = [
    '# HELP vllm:num_requests_running Number of requests running.',
    'vllm:num_requests_running{model_name="a"} 3',
    'vllm:num_requests_running{model_name="b"} 2',
    'vllm:num_requests_running_total 99',
    'vllm:num_requests_waiting 1.5',
  ].join('\n');
  it('sums every sample of the exact metric name, whatever its labels', () => {
    expect(promSum(text, 'vllm:num_requests_running')).toBe(5);
    expect(promSum(text, 'vllm:num_requests_waiting')).toBe(1.5);
  });
  it('is undefined for an absent metric', () => {
    expect(promSum(text, 'vllm:nothing')).toBeUndefined();
    expect(promSum('', 'x')).toBeUndefined();
  });
});
