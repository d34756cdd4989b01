/**
 * The `caption` handler (docs/pipeline.md): an image, fetched from a URL or uploaded, described in
 * a sentence by a local image-to-text model.
 *
 * validate() is pure and cheap: it imports neither sharp nor transformers (the API imports it to
 * check jobs before they are queued); run() loads them on first use.
 */
import { HandlerFailure, HandlerInputError, type Handler, type HandlerContext } from '../types.js';
import { decodeImage, type DecodeImageOptions } from './decode.js';
import { CAPTION_MAX_BYTES, fetchImage, urlProblem, type FetchImageOptions } from './fetch-image.js';
import { captionModelId, loadCaptioner, loadTransformers, locateModel, runCaptioner } from './model.js';

export { CAPTION_FORMATS, CAPTION_MAX_PIXELS, CAPTION_MODEL_SIDE, decodeImage } from './decode.js';
export type { DecodedImage, DecodeImageOptions } from './decode.js';
export { CAPTION_FETCH_TIMEOUT_MS, CAPTION_MAX_BYTES, CAPTION_MAX_REDIRECTS, fetchImage } from './fetch-image.js';
export type { FetchedImage, FetchImageOptions } from './fetch-image.js';
export { CAPTION_DTYPES, CAPTION_MAX_TOKENS, CAPTION_MODEL_FILES, DEFAULT_CAPTION_MODEL, captionModelId, locateModel } from './model.js';

/** Media types an upload may declare. */
export const CAPTION_MEDIA_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'] as const;
export type CaptionMediaType = (typeof CAPTION_MEDIA_TYPES)[number];
/** The longest URL accepted. */
export const CAPTION_MAX_URL_LENGTH = 2048;

export type CaptionInput = { url: string } | { image: string; mediaType: CaptionMediaType };

export interface CaptionOutput {
  caption: string;
  /** The model id that wrote the caption. */
  model: string;
  width: number;
  height: number;
  /** The format the bytes really are, as sharp names it (`png`, `jpeg`, `webp`, `gif`, …). */
  format: string;
}

export interface CaptionOptions extends Omit<FetchImageOptions, 'signal'>, Omit<DecodeImageOptions, 'maxSide'> {
  /** The model id (default: FLEET_CAPTION_MODEL, else DEFAULT_CAPTION_MODEL, read when a job runs). */
  modelId?: string;
}

// Character classes only (no nested repetition), so a 13 MB upload is checked in one linear pass.
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;

function validateUrl(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw new HandlerInputError('url must be a non-empty string (an http or https URL)', 'url');
  const text = value.trim();
  if (text.length > CAPTION_MAX_URL_LENGTH) throw new HandlerInputError(`url is longer than ${CAPTION_MAX_URL_LENGTH} characters`, 'url');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new HandlerInputError(`url ${JSON.stringify(text.slice(0, 100))} is not a valid absolute URL`, 'url');
  }
  const problem = urlProblem(url);
  if (problem) throw new HandlerInputError(`url: ${problem}`, 'url');
  return url.href;
}

function validateImage(value: unknown, maxBytes: number): string {
  if (typeof value !== 'string' || value === '') throw new HandlerInputError('image must be a non-empty base64 string', 'image');
  if (!BASE64.test(value) && !BASE64URL.test(value)) {
    throw new HandlerInputError('image must be base64 (A-Z a-z 0-9 + / with = padding, or the URL-safe alphabet), with no data: prefix or line breaks', 'image');
  }
  if (value.replace(/=+$/, '').length % 4 === 1) throw new HandlerInputError('image is not valid base64 (its length is cut short)', 'image');
  const bytes = Math.floor((value.length * 3) / 4) - (value.endsWith('==') ? 2 : value.endsWith('=') ? 1 : 0);
  if (bytes > maxBytes) throw new HandlerInputError(`image is ${bytes} bytes, the limit is ${maxBytes}`, 'image');
  return value;
}

function validateMediaType(value: unknown): CaptionMediaType {
  if (typeof value !== 'string') throw new HandlerInputError(`mediaType is required with image: one of ${CAPTION_MEDIA_TYPES.join(', ')}`, 'mediaType');
  let type = value.split(';', 1)[0]!.trim().toLowerCase();
  if (type === 'image/jpg') type = 'image/jpeg';
  if (!(CAPTION_MEDIA_TYPES as readonly string[]).includes(type)) {
    throw new HandlerInputError(`mediaType ${JSON.stringify(value)} is not accepted: one of ${CAPTION_MEDIA_TYPES.join(', ')}`, 'mediaType');
  }
  return type as CaptionMediaType;
}

/** A caption handler with its own limits (tests use small ones); `caption` is the one with the defaults. */
export function createCaptionHandler(options: CaptionOptions = {}): Handler<CaptionInput, CaptionOutput> {
  const maxBytes = options.maxBytes ?? CAPTION_MAX_BYTES;
  return {
    name: 'caption',

    validate(input) {
      if (typeof input !== 'object' || input === null || Array.isArray(input)) {
        throw new HandlerInputError('input must be an object: { url } or { image, mediaType }');
      }
      const i = input as Record<string, unknown>;
      const unknown = Object.keys(i).filter((k) => k !== 'url' && k !== 'image' && k !== 'mediaType');
      if (unknown.length) throw new HandlerInputError(`unknown field ${unknown[0]} (caption takes { url } or { image, mediaType })`, unknown[0]);
      if (i.url !== undefined && i.image !== undefined) throw new HandlerInputError('give either url or image, not both', 'url');
      if (i.url !== undefined) {
        if (i.mediaType !== undefined) throw new HandlerInputError('mediaType goes with image, not url (the server says what it sends)', 'mediaType');
        return { url: validateUrl(i.url) };
      }
      if (i.image !== undefined) return { image: validateImage(i.image, maxBytes), mediaType: validateMediaType(i.mediaType) };
      throw new HandlerInputError('url or image is required', 'url');
    },

    async run(input, ctx: HandlerContext) {
      const t = await loadTransformers();
      const model = await locateModel(ctx.modelDir, options.modelId ?? captionModelId(), t);
      // The model loads while the image is fetched and decoded.
      const captioner = loadCaptioner(model, ctx.modelDir, t);
      captioner.catch(() => {});

      let bytes: Uint8Array;
      if ('url' in input) {
        bytes = (await fetchImage(input.url, { ...options, signal: ctx.signal })).bytes;
      } else {
        bytes = Buffer.from(input.image, /[-_]/.test(input.image) ? 'base64url' : 'base64');
        if (bytes.byteLength > maxBytes) throw new HandlerFailure(`the uploaded image is ${bytes.byteLength} bytes, the limit is ${maxBytes}`);
      }
      const image = await decodeImage(bytes, options);
      const text = await runCaptioner(await captioner, image.pixels, t, ctx.signal);
      return { caption: text, model: model.id, width: image.width, height: image.height, format: image.format };
    },
  };
}

export const caption: Handler<CaptionInput, CaptionOutput> = createCaptionHandler();
