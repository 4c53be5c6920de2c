/**
 * OpenAI-shaped bodies of an emulated worker: the full response and the SSE chunks of a streamed one.
 * The text is deterministic (`w0 w1 w2 …`) so tests can check what came back.
 */

export type Kind = 'chat' | 'completions';

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export function tokenText(k: number): string {
  return `w${k} `;
}

export function usage(prompt: number, completion: number): Usage {
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

export function fullResponse(
  kind: Kind,
  id: string,
  model: string,
  created: number,
  text: string,
  u: Usage,
): unknown {
  if (kind === 'chat')
    return {
      id,
      object: 'chat.completion',
      created,
      model,
      choices: [
        { index: 0, message: { role: 'assistant', content: text }, logprobs: null, finish_reason: 'length' },
      ],
      usage: u,
    };
  return {
    id,
    object: 'text_completion',
    created,
    model,
    choices: [{ index: 0, text, logprobs: null, finish_reason: 'length' }],
    usage: u,
  };
}

/** One SSE event carrying `text` (or the finish reason when `finish` is set). */
export function chunk(
  kind: Kind,
  id: string,
  model: string,
  created: number,
  text: string,
  finish?: string,
): string {
  const body =
    kind === 'chat'
      ? {
          id,
          object: 'chat.completion.chunk',
          created,
          model,
          choices: [
            {
              index: 0,
              delta: finish ? {} : { content: text },
              logprobs: null,
              finish_reason: finish ?? null,
            },
          ],
        }
      : {
          id,
          object: 'text_completion',
          created,
          model,
          choices: [{ index: 0, text: finish ? '' : text, logprobs: null, finish_reason: finish ?? null }],
        };
  return `data: ${JSON.stringify(body)}\n\n`;
}

/** The first event of a streamed chat answer (the assistant role, no content yet). */
export function roleChunk(id: string, model: string, created: number): string {
  const body = {
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }],
  };
  return `data: ${JSON.stringify(body)}\n\n`;
}

export const DONE = 'data: [DONE]\n\n';
