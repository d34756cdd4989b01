/**
 * Fetches the image a caption job was given a URL for: http and https only, a deadline for the whole
 * exchange (headers and body), a bounded number of redirects (each one checked like the original
 * URL), an image Content-Type, and a size limit counted while the body streams in, so a server
 * that lies about Content-Length or sends no length at all cannot make the worker hold more than
 * the limit in memory.
 *
 * Failures that a retry may cure (the network, a timeout, 5xx, 408, 429) are plain Errors; those it
 * cannot (4xx, too large, not an image, a bad redirect) are permanent HandlerFailures.
 */
import { HandlerFailure } from '../types.js';

/** Deadline for fetching one image, headers and body together. */
export const CAPTION_FETCH_TIMEOUT_MS = 10_000;
/** The largest image body accepted, fetched or uploaded. */
export const CAPTION_MAX_BYTES = 10 * 1024 * 1024;
/** Redirects followed before the fetch gives up. */
export const CAPTION_MAX_REDIRECTS = 3;

export interface FetchImageOptions {
  /** Deadline for the whole fetch, redirects and body included (CAPTION_FETCH_TIMEOUT_MS). */
  timeoutMs?: number;
  /** Body size limit in bytes (CAPTION_MAX_BYTES). */
  maxBytes?: number;
  /** Redirects followed at most (CAPTION_MAX_REDIRECTS). */
  maxRedirects?: number;
  /** Aborts the fetch (the job's signal). */
  signal?: AbortSignal;
}

export interface FetchedImage {
  bytes: Buffer;
  /** The response's media type, lower-cased and without parameters, e.g. `image/png`. */
  contentType: string;
  /** The URL the image was finally read from, after redirects. */
  url: string;
}

/**
 * Why a URL cannot be fetched, or undefined when it can: an http or https URL with a host and no
 * user name or password. Shared by validate() and by every redirect hop.
 */
export function urlProblem(url: URL): string | undefined {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `scheme ${url.protocol.replace(/:$/, '')}: is not allowed (http or https only)`;
  if (url.username !== '' || url.password !== '') return 'credentials in the URL are not allowed';
  if (url.hostname === '') return 'the URL has no host';
  return undefined;
}

/** Statuses worth retrying: the server may answer differently later. */
function retryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

function mediaType(header: string | null): string {
  return (header ?? '').split(';', 1)[0]!.trim().toLowerCase();
}

function describeNetworkError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as { cause?: unknown }).cause;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return `${err.message}: ${typeof code === 'string' ? `${code} ` : ''}${cause.message}`;
  }
  return err.message;
}

export async function fetchImage(url: string, options: FetchImageOptions = {}): Promise<FetchedImage> {
  const timeoutMs = options.timeoutMs ?? CAPTION_FETCH_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? CAPTION_MAX_BYTES;
  const maxRedirects = options.maxRedirects ?? CAPTION_MAX_REDIRECTS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;

  /** Turns an abort into the error the caller should see: a timeout or the job's own abort, both retryable. */
  const aborted = (): Error =>
    timeout.aborted
      ? new Error(`fetching ${url}: timed out after ${timeoutMs} ms`)
      : new Error(`fetching ${url}: aborted (${describeNetworkError(options.signal?.reason)})`);

  let current = new URL(url);
  for (let hop = 0; ; hop++) {
    const problem = urlProblem(current);
    if (problem) throw new HandlerFailure(hop === 0 ? `cannot fetch ${current.href}: ${problem}` : `redirect to ${current.href} refused: ${problem}`);

    let res: Response;
    try {
      res = await fetch(current, { redirect: 'manual', signal, headers: { accept: 'image/*' } });
    } catch (err) {
      if (signal.aborted) throw aborted();
      throw new Error(`fetching ${current.href}: ${describeNetworkError(err)}`);
    }

    if (res.status >= 300 && res.status < 400) {
      await res.body?.cancel().catch(() => {});
      const location = res.headers.get('location');
      if (location === null) throw new HandlerFailure(`fetching ${current.href}: HTTP ${res.status} redirect without a Location header`);
      if (hop >= maxRedirects) throw new HandlerFailure(`fetching ${url}: more than ${maxRedirects} redirects (the last one to ${new URL(location, current).href})`);
      current = new URL(location, current);
      continue;
    }

    if (!res.ok) {
      await res.body?.cancel().catch(() => {});
      const message = `fetching ${current.href}: HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`;
      if (retryableStatus(res.status)) throw new Error(message);
      throw new HandlerFailure(message);
    }

    const contentType = mediaType(res.headers.get('content-type'));
    if (!contentType.startsWith('image/')) {
      await res.body?.cancel().catch(() => {});
      throw new HandlerFailure(`fetching ${current.href}: not an image (Content-Type ${contentType || 'missing'})`);
    }

    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > maxBytes) {
      await res.body?.cancel().catch(() => {});
      throw new HandlerFailure(`fetching ${current.href}: image too large (Content-Length ${declared} bytes, the limit is ${maxBytes})`);
    }

    const bytes = await readLimited(res, maxBytes, current.href, signal, aborted);
    return { bytes, contentType, url: current.href };
  }
}

/** Reads the body, stopping (and cancelling the stream) as soon as it passes `maxBytes`. */
async function readLimited(res: Response, maxBytes: number, href: string, signal: AbortSignal, aborted: () => Error): Promise<Buffer> {
  if (res.body === null) return Buffer.alloc(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      let step: Awaited<ReturnType<typeof reader.read>>;
      try {
        step = await reader.read();
      } catch (err) {
        if (signal.aborted) throw aborted();
        throw new Error(`fetching ${href}: reading the body failed: ${describeNetworkError(err)}`);
      }
      if (step.done) break;
      total += step.value.byteLength;
      if (total > maxBytes) {
        throw new HandlerFailure(`fetching ${href}: image too large (more than ${maxBytes} bytes)`);
      }
      chunks.push(step.value);
    }
  } catch (err) {
    await reader.cancel().catch(() => {});
    throw err;
  }
  return Buffer.concat(chunks, total);
}
