/**
 * Finds and loads the caption model: a transformers.js image-to-text model (ONNX weights and its
 * JSON files) in `<modelDir>/<model id>/`, read from disk only (transformers' `env` is set so it
 * never reaches the Hugging Face hub). The loaded pipeline is kept for the life of the process and
 * shared by every job; runs go through it one at a time, since one ONNX session already uses every
 * core.
 *
 * @huggingface/transformers is imported on the first caption job, never when this module loads (the
 * API imports the validator alone, and a release may be built without it).
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { RawImage } from '@huggingface/transformers';
import { HandlerFailure } from '../types.js';

export const DEFAULT_CAPTION_MODEL = 'Xenova/vit-gpt2-image-captioning';
/** Tokens generated for a caption at most. */
export const CAPTION_MAX_TOKENS = 32;
/** Files every image-to-text model needs besides config.json and its ONNX weights. */
export const CAPTION_MODEL_FILES: readonly string[] = ['preprocessor_config.json', 'tokenizer.json', 'tokenizer_config.json'];
/**
 * Weight variants looked for, in order: full precision (transformers' default on Node), then the
 * 8-bit quantized files (`*_quantized.onnx`, a quarter of the download, a little less accurate).
 */
export const CAPTION_DTYPES = ['fp32', 'q8'] as const;
export type CaptionDtype = (typeof CAPTION_DTYPES)[number];

type Transformers = typeof import('@huggingface/transformers');

/** The model id in use: FLEET_CAPTION_MODEL, else DEFAULT_CAPTION_MODEL. */
export function captionModelId(env: NodeJS.ProcessEnv = process.env): string {
  const id = env.FLEET_CAPTION_MODEL?.trim();
  return id ? id : DEFAULT_CAPTION_MODEL;
}

let transformersPromise: Promise<Transformers> | undefined;

/** Imports @huggingface/transformers once; a permanent failure when this release has none. */
export function loadTransformers(): Promise<Transformers> {
  transformersPromise ??= import('@huggingface/transformers').catch((err: unknown) => {
    transformersPromise = undefined;
    const why = err instanceof Error ? err.message.split('\n', 1)[0] : String(err);
    throw new HandlerFailure(
      `caption support is not installed in this release: @huggingface/transformers cannot be loaded (${why}); ` +
        'install a release built with it (npm install @huggingface/transformers beside fleet)',
    );
  });
  return transformersPromise;
}

/** Points transformers at the model directory and away from the network. */
function configure(t: Transformers, modelDir: string): void {
  t.env.allowRemoteModels = false;
  t.env.allowLocalModels = true;
  t.env.localModelPath = modelDir.endsWith('/') ? modelDir : `${modelDir}/`;
  // Nothing is downloaded, so there is nothing to cache (the default cache lives in node_modules).
  t.env.useFSCache = false;
}

export interface LocatedModel {
  id: string;
  /** `<modelDir>/<id>`. */
  path: string;
  dtype: CaptionDtype;
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}

async function isDir(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

/**
 * Checks that `<modelDir>/<id>` holds a complete model and picks the weights to load; a permanent
 * HandlerFailure naming the path looked at, what is missing there, and how to provide it otherwise.
 * pipeline() is only called once this passes: it remembers, per model id and for the life of the
 * process, whether the tokenizer and processor files exist, so a half-copied model must never
 * reach it.
 */
export async function locateModel(modelDir: string, id: string, t: Transformers): Promise<LocatedModel> {
  const path = join(modelDir, id);
  const missing = (what: string): HandlerFailure =>
    new HandlerFailure(
      `no caption model at ${path} (${what}): download the model's files there ` +
        `(huggingface-cli download ${id} --local-dir ${path}), ` +
        `or set FLEET_MODEL_DIR / --model-dir to a directory that holds ${id}/ ` +
        `(FLEET_CAPTION_MODEL chooses another image-to-text model)`,
    );

  if (!/^[A-Za-z0-9][\w.-]*(\/[A-Za-z0-9][\w.-]*)?$/.test(id) || id.split('/').includes('..')) {
    throw new HandlerFailure(`FLEET_CAPTION_MODEL ${JSON.stringify(id)} is not a model id (owner/name, as on the Hugging Face hub)`);
  }
  if (!(await isDir(modelDir))) throw missing(`the model directory ${modelDir} does not exist`);
  if (!(await isDir(path))) throw missing(`${id} is not in ${modelDir}`);

  const configPath = join(path, 'config.json');
  if (!(await isFile(configPath))) throw missing('config.json missing');
  let configJson: unknown;
  try {
    configJson = JSON.parse(await readFile(configPath, 'utf8'));
  } catch (err) {
    throw missing(`config.json is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }

  const absent: string[] = [];
  for (const file of CAPTION_MODEL_FILES) if (!(await isFile(join(path, file)))) absent.push(file);

  // The ONNX files depend on the architecture in config.json; transformers knows which.
  configure(t, modelDir);
  const config = new t.PretrainedConfig(configJson);
  const variants: { dtype: CaptionDtype; absent: string[] }[] = [];
  for (const dtype of CAPTION_DTYPES) {
    let files: string[];
    try {
      files = (await t.ModelRegistry.get_model_files(id, { config, dtype })).filter((f) => f.endsWith('.onnx') || f.includes('.onnx_data'));
    } catch (err) {
      throw new HandlerFailure(`the caption model at ${path} is not one transformers.js can load: ${err instanceof Error ? err.message : String(err)}`);
    }
    const gone: string[] = [];
    for (const file of files) if (!(await isFile(join(path, file)))) gone.push(file);
    if (gone.length === 0 && absent.length === 0) return { id, path, dtype };
    variants.push({ dtype, absent: gone });
  }

  const onnx = (await isDir(join(path, 'onnx'))) ? await readdir(join(path, 'onnx')) : [];
  const full = variants[0]!.absent;
  const quantized = variants[1]!.absent;
  const weights =
    full.length === 0 || quantized.length === 0
      ? []
      : [`${full.join(', ')} (or the quantized ${quantized.join(', ')})${onnx.length ? `; onnx/ holds ${onnx.join(', ')}` : ''}`];
  throw missing(`incomplete, missing ${[...absent, ...weights].join(', ')}`);
}

/** The part of transformers' image-to-text pipeline used here. */
type Captioner = (image: RawImage, options: { max_new_tokens: number }) => Promise<unknown>;

let loaded: { key: string; captioner: Promise<Captioner> } | undefined;
/** Runs of the model, one after the other. */
let queue: Promise<unknown> = Promise.resolve();

/**
 * The image-to-text pipeline for `model`, loaded on first use and kept; a failed load is forgotten,
 * so the next job tries again (after the files have been put in place, say).
 */
export function loadCaptioner(model: LocatedModel, modelDir: string, t: Transformers): Promise<Captioner> {
  const key = `${model.path}\0${model.dtype}`;
  if (loaded?.key === key) return loaded.captioner;
  configure(t, modelDir);
  const captioner = t
    .pipeline('image-to-text', model.id, { local_files_only: true, dtype: model.dtype, device: 'cpu' })
    .then((p) => p as unknown as Captioner)
    .catch((err: unknown) => {
      if (loaded?.key === key) loaded = undefined;
      throw new HandlerFailure(`loading the caption model at ${model.path} failed: ${err instanceof Error ? err.message : String(err)}`);
    });
  loaded = { key, captioner };
  return captioner;
}

/** Captions RGB pixels with the loaded pipeline: the generated text, trimmed. */
export async function runCaptioner(
  captioner: Captioner,
  pixels: { data: Uint8Array; width: number; height: number; channels: 3 },
  t: Transformers,
  signal?: AbortSignal,
): Promise<string> {
  const turn = queue.then(async () => {
    signal?.throwIfAborted();
    const image = new t.RawImage(pixels.data, pixels.width, pixels.height, pixels.channels);
    return captioner(image, { max_new_tokens: CAPTION_MAX_TOKENS });
  });
  queue = turn.catch(() => {});
  const out = await turn;
  const first = Array.isArray(out) ? (Array.isArray(out[0]) ? out[0][0] : out[0]) : undefined;
  const text = (first as { generated_text?: unknown } | undefined)?.generated_text;
  if (typeof text !== 'string') throw new Error(`the caption model returned no text (${JSON.stringify(out)?.slice(0, 200)})`);
  return text.trim();
}
