import type { ModelSpec } from './derive.js';

/**
 * Public facts of the built-in models: parameter counts from each model's card (Hugging Face or the
 * publisher's paper), the precision the catalog assumes it is served at, and for vision networks the
 * published FLOPs per image (multiply–accumulates × 2). Order is rough popularity, most popular first; the
 * default Zipf popularity of a scenario follows this order.
 */
export const MODEL_SPECS: readonly ModelSpec[] = [
  // Meta Llama 3.x (Llama 3.1 / 3.2 / 3.3 model cards)
  llm('llama-3.1-8b-instruct', 8.03, 'bf16', 'Llama 3.1 model card: 8B'),
  llm('llama-3.3-70b-instruct', 70.6, 'bf16', 'Llama 3.3 model card: 70B'),
  llm('llama-3.2-3b-instruct', 3.21, 'bf16', 'Llama 3.2 model card: 3.21B'),
  llm('llama-3.2-1b-instruct', 1.24, 'bf16', 'Llama 3.2 model card: 1.23B'),
  llm('llama-3.1-8b-instruct-awq', 8.03, 'int4', 'Llama 3.1 8B, AWQ 4-bit'),
  llm('llama-3.3-70b-instruct-fp8', 70.6, 'fp8', 'Llama 3.3 70B, FP8 weights'),
  llm('llama-3.1-70b-instruct', 70.6, 'bf16', 'Llama 3.1 model card: 70B'),
  llm('llama-3.1-405b-instruct-fp8', 405.9, 'fp8', 'Llama 3.1 model card: 405B, FP8 release'),
  llm('llama-3.2-11b-vision-instruct', 10.7, 'bf16', 'Llama 3.2 Vision model card: 10.6B'),
  // DeepSeek (DeepSeek-V3 technical report: 671B total, 37B activated per token; FP8 native weights)
  moe('deepseek-v3', 671, 37, 'fp8', 'DeepSeek-V3 technical report: 671B total, 37B active'),
  moe('deepseek-r1', 671, 37, 'fp8', 'DeepSeek-R1 model card: 671B total, 37B active'),
  llm('deepseek-r1-distill-qwen-7b', 7.62, 'bf16', 'DeepSeek-R1-Distill-Qwen-7B (Qwen2.5-Math-7B base)'),
  llm('deepseek-r1-distill-llama-70b', 70.6, 'bf16', 'DeepSeek-R1-Distill-Llama-70B (Llama 3.3 70B base)'),
  moe('deepseek-coder-v2-lite-instruct', 15.7, 2.4, 'bf16', 'DeepSeek-Coder-V2-Lite: 16B total, 2.4B active'),
  // Qwen2.5 (Qwen2.5 technical report and model cards)
  llm('qwen2.5-7b-instruct', 7.62, 'bf16', 'Qwen2.5-7B model card: 7.61B'),
  llm('qwen2.5-72b-instruct', 72.7, 'bf16', 'Qwen2.5-72B model card: 72.7B'),
  llm('qwen2.5-coder-32b-instruct', 32.5, 'bf16', 'Qwen2.5-Coder-32B model card: 32.5B'),
  llm('qwen2.5-32b-instruct', 32.5, 'bf16', 'Qwen2.5-32B model card: 32.5B'),
  llm('qwen2.5-14b-instruct', 14.7, 'bf16', 'Qwen2.5-14B model card: 14.7B'),
  llm('qwen2.5-coder-7b-instruct', 7.62, 'bf16', 'Qwen2.5-Coder-7B model card: 7.61B'),
  llm('qwen2.5-3b-instruct', 3.09, 'bf16', 'Qwen2.5-3B model card: 3.09B'),
  llm('qwen2.5-1.5b-instruct', 1.54, 'bf16', 'Qwen2.5-1.5B model card: 1.54B'),
  llm('qwen2.5-0.5b-instruct', 0.49, 'bf16', 'Qwen2.5-0.5B model card: 0.49B'),
  llm('qwq-32b', 32.5, 'bf16', 'QwQ-32B model card: 32.5B'),
  // Mistral AI (model cards; Mixtral of Experts paper: 46.7B total / 12.9B active, 141B / 39B)
  llm('mistral-7b-instruct-v0.3', 7.25, 'bf16', 'Mistral-7B-v0.3 model card: 7.25B'),
  llm('mistral-nemo-instruct-2407', 12.2, 'bf16', 'Mistral NeMo model card: 12B'),
  llm('mistral-small-24b-instruct-2501', 23.6, 'bf16', 'Mistral Small 3 model card: 24B'),
  moe('mixtral-8x7b-instruct', 46.7, 12.9, 'bf16', 'Mixtral of Experts paper: 46.7B total, 12.9B active'),
  moe('mixtral-8x22b-instruct', 141, 39, 'bf16', 'Mixtral 8x22B announcement: 141B total, 39B active'),
  // Google Gemma 2 (Gemma 2 technical report)
  llm('gemma-2-9b-it', 9.24, 'bf16', 'Gemma 2 report: 9B'),
  llm('gemma-2-27b-it', 27.2, 'bf16', 'Gemma 2 report: 27B'),
  llm('gemma-2-2b-it', 2.61, 'bf16', 'Gemma 2 report: 2.6B'),
  // Microsoft Phi (model cards)
  llm('phi-4', 14.7, 'bf16', 'Phi-4 technical report: 14B'),
  llm('phi-3.5-mini-instruct', 3.82, 'bf16', 'Phi-3.5-mini model card: 3.8B'),
  moe('phi-3.5-moe-instruct', 41.9, 6.6, 'bf16', 'Phi-3.5-MoE model card: 42B total, 6.6B active'),
  // Hugging Face SmolLM2
  llm('smollm2-1.7b-instruct', 1.71, 'bf16', 'SmolLM2 model card: 1.7B'),
  // Embedding models (model cards)
  embedding('bge-m3', 0.568, 'BGE-M3 model card: 568M (XLM-RoBERTa large)'),
  embedding('all-minilm-l6-v2', 0.0227, 'sentence-transformers all-MiniLM-L6-v2: 22.7M'),
  embedding('bge-large-en-v1.5', 0.335, 'BGE large en v1.5: 335M'),
  embedding('bge-base-en-v1.5', 0.109, 'BGE base en v1.5: 109M'),
  embedding('bge-small-en-v1.5', 0.0334, 'BGE small en v1.5: 33.4M'),
  embedding('nomic-embed-text-v1.5', 0.137, 'nomic-embed-text-v1.5 model card: 137M'),
  embedding('e5-mistral-7b-instruct', 7.11, 'e5-mistral-7b-instruct model card: 7.11B'),
  // ONNX vision networks, FP32 (torchvision / Ultralytics / timm documentation: params and FLOPs per image)
  vision('yolov8n', 0.0032, 8.7, 'Ultralytics YOLOv8n at 640 px: 3.2M params, 8.7 GFLOPs'),
  vision('resnet-50', 0.0256, 8.2, 'torchvision ResNet-50 at 224 px: 25.6M params, 4.09 GMACs'),
  vision('mobilenet-v3-large', 0.0055, 0.44, 'torchvision MobileNetV3-Large: 5.5M params, 0.22 GMACs'),
  vision('efficientnet-b0', 0.0053, 0.78, 'torchvision EfficientNet-B0: 5.3M params, 0.39 GMACs'),
  vision('yolov8m', 0.0259, 78.9, 'Ultralytics YOLOv8m at 640 px: 25.9M params, 78.9 GFLOPs'),
  vision('vit-base-patch16-224', 0.0866, 35.1, 'ViT-B/16 at 224 px: 86.6M params, 17.56 GMACs'),
  vision('clip-vit-b-32', 0.151, 8.8, 'OpenAI CLIP ViT-B/32: 151M params, 4.4 GMACs (image tower)'),
  // ONNX speech-to-text (Whisper paper, Radford et al. 2022): encoder–decoder, decodes text tokens
  speech('whisper-large-v3', 1.55, 'fp16', 'Whisper large-v3: 1,550M'),
  speech('whisper-small', 0.244, 'fp32', 'Whisper small: 244M'),
  speech('whisper-base', 0.074, 'fp32', 'Whisper base: 74M'),
  speech('whisper-tiny', 0.039, 'fp32', 'Whisper tiny: 39M'),
];

function llm(id: string, paramsB: number, precision: ModelSpec['precision'], source: string): ModelSpec {
  return { id, kind: 'llm', paramsB, precision, decodes: true, source };
}

function moe(
  id: string,
  paramsB: number,
  activeParamsB: number,
  precision: ModelSpec['precision'],
  source: string,
): ModelSpec {
  return { id, kind: 'llm', paramsB, activeParamsB, precision, decodes: true, source };
}

function embedding(id: string, paramsB: number, source: string): ModelSpec {
  return { id, kind: 'embedding', paramsB, precision: 'fp16', decodes: false, source };
}

function vision(id: string, paramsB: number, gflopsPerInput: number, source: string): ModelSpec {
  return { id, kind: 'onnx', paramsB, precision: 'fp32', gflopsPerInput, decodes: false, source };
}

function speech(id: string, paramsB: number, precision: ModelSpec['precision'], source: string): ModelSpec {
  return { id, kind: 'onnx', paramsB, precision, decodes: true, source };
}
