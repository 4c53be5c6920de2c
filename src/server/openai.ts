import { z } from 'zod';
import { InputError } from '../errors.js';
import { DEFAULT_INDEPENDENCE_DIMENSIONS, type Request } from '../model/request.js';
import { parseOrThrow } from '../model/validate.js';
import type { MeridianOptions } from './meridian-options.js';

/**
 * The OpenAI-compatible request bodies the gateway accepts. Only the fields meridian reads are checked;
 * everything else passes through to the node untouched.
 */

const ModelName = z.string().min(1).max(256);
const MaxTokens = z.number().int().min(1).max(10_000_000).nullish();

/** The content parts the OpenAI chat API defines; any other part is refused before it reaches a node. */
const ContentPart = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text'), text: z.string() }),
  z.looseObject({
    type: z.literal('image_url'),
    image_url: z.looseObject({ url: z.string().min(1), detail: z.enum(['auto', 'low', 'high']).optional() }),
  }),
  z.looseObject({
    type: z.literal('input_audio'),
    input_audio: z.looseObject({ data: z.string(), format: z.string().min(1).max(32) }),
  }),
  z.looseObject({
    type: z.literal('file'),
    file: z.looseObject({
      file_data: z.string().optional(),
      file_id: z.string().optional(),
      filename: z.string().optional(),
    }),
  }),
  z.looseObject({ type: z.literal('refusal'), refusal: z.string() }),
]);

/** A chat message: its content is text or a list of content parts (or null, for assistant tool calls). */
const Message = z.looseObject({
  role: z.string().min(1).max(64),
  content: z.union([z.string(), z.array(ContentPart).max(10_000), z.null()]).optional(),
});

export const ChatBody = z.looseObject({
  model: ModelName,
  messages: z.array(Message).min(1).max(100_000),
  stream: z.boolean().nullish(),
  max_tokens: MaxTokens,
  max_completion_tokens: MaxTokens,
});
export type ChatBody = z.infer<typeof ChatBody>;

export const CompletionBody = z.looseObject({
  model: ModelName,
  prompt: z.union([
    z.string(),
    z.array(z.string()),
    z.array(z.number().int()),
    z.array(z.array(z.number().int())),
  ]),
  stream: z.boolean().nullish(),
  max_tokens: MaxTokens,
});
export type CompletionBody = z.infer<typeof CompletionBody>;

export type Endpoint = 'chat' | 'completions';

export function parseBody(endpoint: Endpoint, body: unknown): ChatBody | CompletionBody {
  if (!isObject(body))
    throw new InputError('body', [{ path: '', message: 'expected a JSON object', value: body }]);
  if (endpoint === 'chat') return plainChat(body) ? (body as ChatBody) : parseOrThrow(ChatBody, body, 'body');
  return plainCompletion(body) ? (body as CompletionBody) : parseOrThrow(CompletionBody, body, 'body');
}

/*
 * The common bodies checked without the schema (it interprets its rules on every call): text prompts and
 * messages whose content is text or null. Each accepts only what the schema above accepts, so the schema
 * still decides, and words the error, for everything else (content parts among them).
 */

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function text(v: unknown, max: number): boolean {
  return typeof v === 'string' && v.length >= 1 && v.length <= max;
}

function maxTokens(v: unknown): boolean {
  return v == null || (Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 10_000_000);
}

function common(b: Record<string, unknown>): boolean {
  return text(b.model, 256) && (b.stream == null || typeof b.stream === 'boolean') && maxTokens(b.max_tokens);
}

function plainChat(b: Record<string, unknown>): boolean {
  const messages = b.messages;
  if (!common(b) || !maxTokens(b.max_completion_tokens) || !Array.isArray(messages)) return false;
  if (messages.length < 1 || messages.length > 100_000) return false;
  for (const m of messages) {
    if (!isObject(m) || !text(m.role, 64)) return false;
    const content = m.content;
    if (content !== undefined && content !== null && typeof content !== 'string') return false;
  }
  return true;
}

function plainCompletion(b: Record<string, unknown>): boolean {
  return common(b) && typeof b.prompt === 'string';
}

/** Characters per token used to estimate prompt length without a tokenizer (a common rule of thumb for English). */
export const CHARS_PER_TOKEN = 4;

function textLength(v: unknown): number {
  if (typeof v === 'string') return v.length;
  if (typeof v === 'number') return CHARS_PER_TOKEN;
  if (Array.isArray(v)) return v.reduce<number>((s, x) => s + textLength(x), 0);
  if (v !== null && typeof v === 'object') {
    const text = (v as { text?: unknown }).text;
    return typeof text === 'string' ? text.length : 0;
  }
  return 0;
}

export function estimateInputTokens(endpoint: Endpoint, body: ChatBody | CompletionBody): number {
  const chars =
    endpoint === 'chat'
      ? (body as ChatBody).messages.reduce((s, m) => s + textLength(m.content), 0)
      : textLength((body as CompletionBody).prompt);
  return Math.ceil(chars / CHARS_PER_TOKEN);
}

export interface RequestOptions {
  defaultOutputTokens: number;
  fallbacks: number;
  hedge: boolean;
}

/**
 * The meridian Request that `route()` decides on for an OpenAI body and the options it carried: the
 * same fields the simulator and `meridian route` fill (verification, dataset, constraints), defaults
 * where the request said nothing.
 */
export function toRouteRequest(
  endpoint: Endpoint,
  body: ChatBody | CompletionBody,
  options: MeridianOptions,
  opt: RequestOptions,
): Request {
  const max =
    (endpoint === 'chat' ? ((body as ChatBody).max_completion_tokens ?? body.max_tokens) : body.max_tokens) ??
    opt.defaultOutputTokens;
  const req: Request = {
    model: body.model,
    client: options.client,
    inputTokens: Math.min(10_000_000, estimateInputTokens(endpoint, body)),
    outputTokens: max,
    verification: options.verification ?? 'none',
    constraints: {
      requireTee: options.requireTee ?? false,
      independence: {
        fallbacks: opt.fallbacks,
        dimensions: DEFAULT_INDEPENDENCE_DIMENSIONS,
        hedge: opt.hedge,
      },
    },
  };
  if (options.countries !== undefined) req.constraints.countries = options.countries;
  if (options.maxPricePer1kTokens !== undefined)
    req.constraints.maxPricePer1kTokens = options.maxPricePer1kTokens;
  if (options.dataset !== undefined) req.dataset = options.dataset;
  if (options.deadlineMs !== undefined) req.deadlineMs = options.deadlineMs;
  return req;
}
