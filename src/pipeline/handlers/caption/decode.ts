/**
 * Decodes an image with sharp and checks it: what the bytes really are decides (never the
 * Content-Type or the declared media type), the format must be one of CAPTION_FORMATS, the
 * dimensions at most CAPTION_MAX_PIXELS, and every pixel must decode (a truncated file fails here,
 * not in the model). The pixels come back as 8-bit RGB, shrunk so the longer side is at most
 * `maxSide`: captioning models look at a few hundred pixels, and the original size is reported.
 *
 * sharp is imported when an image is decoded, never when this module loads (the API imports the
 * validator alone).
 */
import type { Metadata } from 'sharp';
import { HandlerFailure } from '../types.js';

/** The largest image accepted, in pixels (width × height). */
export const CAPTION_MAX_PIXELS = 40_000_000;
/** Formats accepted, as sharp names them (`heif` covers AVIF). */
export const CAPTION_FORMATS: readonly string[] = ['jpeg', 'png', 'webp', 'gif', 'tiff', 'heif'];
/** The longer side of the pixels handed to the model. */
export const CAPTION_MODEL_SIDE = 512;

export interface DecodeImageOptions {
  /** Pixel limit (CAPTION_MAX_PIXELS). */
  maxPixels?: number;
  /** The longer side of the returned pixels (CAPTION_MODEL_SIDE); smaller images are not enlarged. */
  maxSide?: number;
}

export interface DecodedImage {
  width: number;
  height: number;
  /** sharp's name for the format: `jpeg`, `png`, `webp`, `gif`, `tiff`, `heif`. */
  format: string;
  /** The image as 8-bit RGB, row by row, `channels` bytes a pixel. */
  pixels: { data: Uint8Array; width: number; height: number; channels: 3 };
}

function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export async function decodeImage(bytes: Uint8Array, options: DecodeImageOptions = {}): Promise<DecodedImage> {
  const maxPixels = options.maxPixels ?? CAPTION_MAX_PIXELS;
  const maxSide = options.maxSide ?? CAPTION_MODEL_SIDE;
  if (bytes.byteLength === 0) throw new HandlerFailure('not an image: the body is empty');

  const { default: sharp } = await import('sharp');
  // The header is read without sharp's own pixel limit, so the check below can say how large the
  // image is; the decode keeps the limit. failOn stays at sharp's default ('warning'), the level
  // its documentation gives for untrusted input.
  const input = (limitInputPixels: number | false) => sharp(bytes, { limitInputPixels, autoOrient: true });

  let meta: Metadata;
  try {
    meta = await input(false).metadata();
  } catch (err) {
    throw new HandlerFailure(`not an image sharp can read: ${reason(err)}`);
  }
  const { format } = meta;
  // Dimensions as the picture is seen, EXIF orientation applied (a portrait photo is taller than wide).
  const { width, height } = meta.autoOrient ?? meta;
  if (!CAPTION_FORMATS.includes(format)) {
    throw new HandlerFailure(`unsupported image format ${format} (accepted: ${CAPTION_FORMATS.join(', ')})`);
  }
  if (!width || !height) throw new HandlerFailure(`not an image sharp can read: no dimensions in the ${format} header`);
  if (width * height > maxPixels) {
    throw new HandlerFailure(`image too large: ${width}×${height} is ${width * height} pixels, the limit is ${maxPixels}`);
  }

  try {
    const { data, info } = await input(maxPixels)
      .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
      .toColorspace('srgb')
      .removeAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels, expected 3`);
    return {
      width,
      height,
      format,
      pixels: { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, channels: 3 },
    };
  } catch (err) {
    throw new HandlerFailure(`cannot decode the ${format} image: ${reason(err)}`);
  }
}
