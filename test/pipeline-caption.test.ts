/**
 * The caption handler: input validation, fetching over real HTTP from a server on 127.0.0.1
 * (images generated with sharp, lies, truncations, floods, stalls, redirects, errors), decoding,
 * and the model lookup. No model ships with the repository: the captioning run itself is tested
 * only where one is installed (FLEET_MODEL_DIR, else /data/models).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import sharp, { type Sharp } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CAPTION_FETCH_TIMEOUT_MS,
  CAPTION_MAX_BYTES,
  CAPTION_MAX_PIXELS,
  CAPTION_MAX_REDIRECTS,
  DEFAULT_CAPTION_MODEL,
  caption,
  captionModelId,
  createCaptionHandler,
  decodeImage,
  fetchImage,
} from '../src/pipeline/handlers/caption/index.js';
import { HandlerFailure, HandlerInputError, type HandlerContext } from '../src/pipeline/handlers/types.js';

const run = promisify(execFile);

/** A picture with some structure (a gradient and a disc), so encoders have real work to do. */
async function picture(width: number, height: number): Promise<Sharp> {
  const r = Math.min(width, height) / 3;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="g"><stop offset="0" stop-color="#3070c0"/><stop offset="1" stop-color="#e0c040"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#g)"/><circle cx="${width / 2}" cy="${height / 2}" r="${r}" fill="#c03030"/></svg>`;
  const raw = await sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return sharp(raw.data, { raw: { width: raw.info.width, height: raw.info.height, channels: raw.info.channels } });
}

const images: Record<string, Buffer> = {};
let server: Server;
let base = '';
/** Requests seen, by path. */
const hits = new Map<string, number>();
/** How the /flood responses ended: bytes written before the client went away. */
const floods: { written: number; closedEarly: boolean }[] = [];
const FLOOD_TOTAL = 200 * 1024 * 1024;

function send(res: ServerResponse, type: string, body: Buffer): void {
  res.writeHead(200, { 'content-type': type, 'content-length': body.length });
  res.end(body);
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const path = new URL(req.url!, 'http://x').pathname;
  hits.set(path, (hits.get(path) ?? 0) + 1);
  let m: RegExpMatchArray | null;
  if ((m = path.match(/^\/img\/(\w+)$/)) && images[m[1]!]) {
    const name = m[1]!;
    return send(res, name.startsWith('jpeg') ? 'image/jpeg' : 'image/png; charset=binary', images[name]!);
  }
  if (path === '/html') return send(res, 'text/html; charset=utf-8', Buffer.from('<!doctype html><title>not a picture</title>'));
  if (path === '/png-as-text') return send(res, 'text/plain', images.png64!);
  if (path === '/jpeg-as-png') return send(res, 'image/png', images.jpeg640!);
  if (path === '/no-type') {
    res.writeHead(200, { 'content-length': images.png64!.length });
    return void res.end(images.png64);
  }
  if (path === '/truncated') return send(res, 'image/png', images.png640!.subarray(0, Math.floor(images.png640!.length / 2)));
  if (path === '/garbage') return send(res, 'image/png', Buffer.from('GIF89a? no: these are not the pixels you are looking for'.repeat(20)));
  if (path === '/flood') {
    // Streams far more than any limit, no Content-Length, honouring backpressure: how much gets
    // written before the client hangs up shows whether it stopped reading.
    res.writeHead(200, { 'content-type': 'image/png' });
    const chunk = Buffer.alloc(64 * 1024, 0x42);
    const stat = { written: 0, closedEarly: false };
    floods.push(stat);
    res.on('close', () => (stat.closedEarly = stat.written < FLOOD_TOTAL));
    const pump = () => {
      while (stat.written < FLOOD_TOTAL && !res.destroyed) {
        stat.written += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      if (!res.destroyed) res.end();
    };
    return pump();
  }
  if (path === '/declared-huge') {
    res.writeHead(200, { 'content-type': 'image/png', 'content-length': 50 * 1024 * 1024 });
    return void res.write(images.png64);
  }
  if (path === '/stall-body') {
    res.writeHead(200, { 'content-type': 'image/png' });
    res.write(images.png640!.subarray(0, 100));
    return; // never ends
  }
  if (path === '/stall-headers') return; // never answers
  if ((m = path.match(/^\/redirect\/(\d+)$/))) {
    const n = Number(m[1]);
    res.writeHead(n === 0 ? 301 : 302, { location: n === 0 ? `${base}/img/png64` : `/redirect/${n - 1}` });
    return void res.end();
  }
  if (path === '/redirect-file') {
    res.writeHead(302, { location: 'file:///etc/passwd' });
    return void res.end();
  }
  if (path === '/redirect-creds') {
    res.writeHead(302, { location: `http://user:secret@127.0.0.1:${(server.address() as AddressInfo).port}/img/png64` });
    return void res.end();
  }
  if (path === '/redirect-nowhere') {
    res.writeHead(302);
    return void res.end();
  }
  if ((m = path.match(/^\/status\/(\d+)$/))) {
    res.writeHead(Number(m[1]), { 'content-type': 'text/plain' });
    return void res.end(`status ${m[1]}`);
  }
  res.writeHead(404);
  res.end();
}

beforeAll(async () => {
  images.png64 = await (await picture(64, 48)).png().toBuffer();
  images.png640 = await (await picture(640, 480)).png().toBuffer();
  images.png1920 = await (await picture(1920, 1080)).png().toBuffer();
  images.jpeg640 = await (await picture(640, 480)).jpeg({ quality: 85 }).toBuffer();
  images.jpeg300x900 = await (await picture(300, 900)).jpeg().toBuffer();
  server = createServer(handle);
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((ok) => server.close(() => ok()));
});

/** The error a promise rejects with (fails the test if it resolves). */
async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(Error);
    return err as Error;
  }
  throw new Error('expected a rejection, got a result');
}

function expectPermanent(err: Error, message: RegExp): void {
  expect(err).toBeInstanceOf(HandlerFailure);
  expect((err as HandlerFailure).permanent).toBe(true);
  expect(err.message).toMatch(message);
}

function expectRetryable(err: Error, message: RegExp): void {
  expect(err).not.toBeInstanceOf(HandlerFailure);
  expect(err).not.toBeInstanceOf(HandlerInputError);
  expect(err.message).toMatch(message);
}

function inputError(input: unknown, handler = caption): HandlerInputError {
  try {
    handler.validate(input);
  } catch (err) {
    expect(err).toBeInstanceOf(HandlerInputError);
    return err as HandlerInputError;
  }
  throw new Error(`validate accepted ${JSON.stringify(input)}`);
}

describe('caption: limits', () => {
  it('exports the documented defaults', () => {
    expect(CAPTION_FETCH_TIMEOUT_MS).toBe(10_000);
    expect(CAPTION_MAX_BYTES).toBe(10 * 1024 * 1024);
    expect(CAPTION_MAX_REDIRECTS).toBe(3);
    expect(CAPTION_MAX_PIXELS).toBe(40_000_000);
    expect(DEFAULT_CAPTION_MODEL).toBe('Xenova/vit-gpt2-image-captioning');
  });

  it('takes the model id from FLEET_CAPTION_MODEL', () => {
    expect(captionModelId({})).toBe(DEFAULT_CAPTION_MODEL);
    expect(captionModelId({ FLEET_CAPTION_MODEL: ' Xenova/trocr-small-printed ' })).toBe('Xenova/trocr-small-printed');
    expect(captionModelId({ FLEET_CAPTION_MODEL: '' })).toBe(DEFAULT_CAPTION_MODEL);
  });
});

describe('caption: validate', () => {
  it('accepts http and https URLs and normalizes them', () => {
    expect(caption.validate({ url: 'https://example.com/a b.png' })).toEqual({ url: 'https://example.com/a%20b.png' });
    expect(caption.validate({ url: ' http://EXAMPLE.com:8080/x.jpg?size=2 ' })).toEqual({ url: 'http://example.com:8080/x.jpg?size=2' });
  });

  it('refuses other schemes, credentials and non-URLs, naming the url field', () => {
    for (const [url, message] of [
      ['file:///etc/passwd', /url: scheme file: is not allowed \(http or https only\)/],
      ['data:image/png;base64,iVBORw0KGgo=', /scheme data: is not allowed/],
      ['ftp://example.com/a.png', /scheme ftp: is not allowed/],
      ['javascript:alert(1)', /scheme javascript: is not allowed/],
      ['https://user:pw@example.com/a.png', /credentials in the URL are not allowed/],
      ['https://token@example.com/a.png', /credentials in the URL are not allowed/],
      ['/relative/a.png', /is not a valid absolute URL/],
      ['not a url', /is not a valid absolute URL/],
      [`https://example.com/${'a'.repeat(3000)}`, /longer than 2048 characters/],
    ] as const) {
      const err = inputError({ url });
      expect(err.field, url).toBe('url');
      expect(err.message, url).toMatch(message);
    }
    expect(inputError({ url: 42 }).message).toBe('url must be a non-empty string (an http or https URL)');
    expect(inputError({ url: '' }).field).toBe('url');
  });

  it('accepts a base64 upload with a known media type', () => {
    const image = images.png64!.toString('base64');
    expect(caption.validate({ image, mediaType: 'image/png' })).toEqual({ image, mediaType: 'image/png' });
    expect(caption.validate({ image, mediaType: 'Image/JPG; q=1' })).toEqual({ image, mediaType: 'image/jpeg' });
    const urlSafe = images.png64!.toString('base64url');
    expect(caption.validate({ image: urlSafe, mediaType: 'image/webp' })).toEqual({ image: urlSafe, mediaType: 'image/webp' });
  });

  it('refuses bad uploads, naming the field', () => {
    let err = inputError({ image: 'data:image/png;base64,iVBORw0KGgo=', mediaType: 'image/png' });
    expect([err.field, err.message]).toEqual(['image', expect.stringMatching(/image must be base64 .*no data: prefix/)]);
    err = inputError({ image: 'iVBO\nRw0K', mediaType: 'image/png' });
    expect(err.field).toBe('image');
    err = inputError({ image: 'abcde', mediaType: 'image/png' });
    expect([err.field, err.message]).toEqual(['image', 'image is not valid base64 (its length is cut short)']);
    err = inputError({ image: '', mediaType: 'image/png' });
    expect([err.field, err.message]).toEqual(['image', 'image must be a non-empty base64 string']);
    err = inputError({ image: images.png64!.toString('base64') });
    expect([err.field, err.message]).toEqual(['mediaType', 'mediaType is required with image: one of image/png, image/jpeg, image/webp, image/gif']);
    err = inputError({ image: images.png64!.toString('base64'), mediaType: 'image/svg+xml' });
    expect([err.field, err.message]).toEqual(['mediaType', 'mediaType "image/svg+xml" is not accepted: one of image/png, image/jpeg, image/webp, image/gif']);
    const small = createCaptionHandler({ maxBytes: 100 });
    err = inputError({ image: images.png640!.toString('base64'), mediaType: 'image/png' }, small);
    expect([err.field, err.message]).toEqual(['image', `image is ${images.png640!.length} bytes, the limit is 100`]);
  });

  it('refuses ambiguous or malformed input', () => {
    expect(inputError(null).message).toBe('input must be an object: { url } or { image, mediaType }');
    expect(inputError(['https://example.com/a.png']).message).toMatch(/input must be an object/);
    expect(inputError({}).field).toBe('url');
    expect(inputError({}).message).toBe('url or image is required');
    expect(inputError({ url: 'https://example.com/a.png', image: 'aGk=', mediaType: 'image/png' }).message).toBe('give either url or image, not both');
    expect(inputError({ url: 'https://example.com/a.png', mediaType: 'image/png' }).field).toBe('mediaType');
    const typo = inputError({ URL: 'https://example.com/a.png' });
    expect([typo.field, typo.message]).toEqual(['URL', 'unknown field URL (caption takes { url } or { image, mediaType })']);
  });

  it('loads neither sharp nor transformers to validate', async () => {
    // A fresh process (this one loaded sharp to draw the test images): import the handler, validate,
    // and list the shared objects the process holds; then decode, to show the check can see sharp.
    const dir = mkdtempSync(join(tmpdir(), 'fleet-caption-import-'));
    try {
      const script = join(dir, 'probe.ts');
      writeFileSync(
        script,
        `import { caption, decodeImage } from ${JSON.stringify(resolve('src/pipeline/handlers/caption/index.ts'))};
const loaded = () => (process.report.getReport() as any).sharedObjects.filter((s: string) => /sharp|vips|onnxruntime/.test(s));
caption.validate({ url: 'https://example.com/a.png' });
caption.validate({ image: 'aGk=', mediaType: 'image/png' });
const before = loaded();
await decodeImage(Buffer.from(${JSON.stringify(images.png64!.toString('base64'))}, 'base64')).catch(() => {});
console.log(JSON.stringify({ before, after: loaded() }));
`,
      );
      const { stdout } = await run(resolve('node_modules/.bin/vite-node'), [script], { cwd: dir });
      const { before, after } = JSON.parse(stdout.trim().split('\n').pop()!) as { before: string[]; after: string[] };
      expect(before).toEqual([]);
      expect(after.some((s) => /sharp/.test(s))).toBe(true);
      expect(after.some((s) => /onnxruntime/.test(s))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('caption: fetchImage', () => {
  it('fetches PNG and JPEG images of several sizes', async () => {
    for (const name of ['png64', 'png640', 'png1920', 'jpeg640', 'jpeg300x900']) {
      const got = await fetchImage(`${base}/img/${name}`);
      expect(got.bytes.equals(images[name]!), name).toBe(true);
      expect(got.contentType).toBe(name.startsWith('jpeg') ? 'image/jpeg' : 'image/png');
      expect(got.url).toBe(`${base}/img/${name}`);
    }
  });

  it('refuses a response that is not an image, permanently', async () => {
    expectPermanent(await failure(fetchImage(`${base}/html`)), /^fetching http:\/\/127\.0\.0\.1:\d+\/html: not an image \(Content-Type text\/html\)$/);
    expectPermanent(await failure(fetchImage(`${base}/png-as-text`)), /not an image \(Content-Type text\/plain\)/);
    expectPermanent(await failure(fetchImage(`${base}/no-type`)), /not an image \(Content-Type missing\)/);
  });

  it('stops reading a body once it passes the size limit', async () => {
    const maxBytes = 256 * 1024;
    const err = await failure(fetchImage(`${base}/flood`, { maxBytes }));
    expectPermanent(err, new RegExp(`/flood: image too large \\(more than ${maxBytes} bytes\\)`));
    // The client hung up long before the 200 MB the server meant to send (socket buffers let a
    // few MB through at most).
    await expect.poll(() => floods.at(-1)?.closedEarly, { timeout: 5000 }).toBe(true);
    expect(floods.at(-1)!.written).toBeLessThan(32 * 1024 * 1024);
  });

  it('refuses a declared Content-Length over the limit without reading', async () => {
    expectPermanent(
      await failure(fetchImage(`${base}/declared-huge`, { maxBytes: 1024 * 1024 })),
      /image too large \(Content-Length 52428800 bytes, the limit is 1048576\)/,
    );
  });

  it('times out a server that never finishes, retryably', async () => {
    let t0 = Date.now();
    expectRetryable(await failure(fetchImage(`${base}/stall-body`, { timeoutMs: 300 })), /\/stall-body: timed out after 300 ms$/);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    t0 = Date.now();
    expectRetryable(await failure(fetchImage(`${base}/stall-headers`, { timeoutMs: 300 })), /\/stall-headers: timed out after 300 ms$/);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
  });

  it("stops when the job's signal aborts", async () => {
    const job = new AbortController();
    setTimeout(() => job.abort(new Error('worker shutting down')), 100);
    expectRetryable(await failure(fetchImage(`${base}/stall-body`, { signal: job.signal })), /aborted \(worker shutting down\)/);
  });

  it('follows up to the redirect limit, and no further', async () => {
    const hops3 = await fetchImage(`${base}/redirect/2`);
    expect(hops3.bytes.equals(images.png64!)).toBe(true);
    expect(hops3.url).toBe(`${base}/img/png64`);
    expectPermanent(await failure(fetchImage(`${base}/redirect/3`)), /\/redirect\/3: more than 3 redirects \(the last one to http:\/\/127\.0\.0\.1:\d+\/img\/png64\)/);
    expectPermanent(await failure(fetchImage(`${base}/redirect/0`, { maxRedirects: 0 })), /more than 0 redirects/);
    expect((await fetchImage(`${base}/redirect/0`, { maxRedirects: 1 })).bytes.equals(images.png64!)).toBe(true);
  });

  it('checks every redirect target like the original URL', async () => {
    expectPermanent(await failure(fetchImage(`${base}/redirect-file`)), /^redirect to file:\/\/\/etc\/passwd refused: scheme file: is not allowed/);
    expectPermanent(await failure(fetchImage(`${base}/redirect-creds`)), /refused: credentials in the URL are not allowed/);
    expectPermanent(await failure(fetchImage(`${base}/redirect-nowhere`)), /HTTP 302 redirect without a Location header/);
  });

  it('reports HTTP errors with their status: 4xx permanent, 5xx and 429 retryable', async () => {
    expectPermanent(await failure(fetchImage(`${base}/status/404`)), /\/status\/404: HTTP 404 Not Found$/);
    expectPermanent(await failure(fetchImage(`${base}/status/403`)), /HTTP 403 Forbidden$/);
    expectRetryable(await failure(fetchImage(`${base}/status/500`)), /\/status\/500: HTTP 500 Internal Server Error$/);
    expectRetryable(await failure(fetchImage(`${base}/status/503`)), /HTTP 503 Service Unavailable$/);
    expectRetryable(await failure(fetchImage(`${base}/status/429`)), /HTTP 429 Too Many Requests$/);
  });

  it('reports a refused connection retryably', async () => {
    const closed = createServer();
    await new Promise<void>((ok) => closed.listen(0, '127.0.0.1', ok));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((ok) => closed.close(() => ok()));
    expectRetryable(await failure(fetchImage(`http://127.0.0.1:${port}/a.png`)), /^fetching http:\/\/127\.0\.0\.1:\d+\/a\.png: fetch failed: ECONNREFUSED/);
  });
});

describe('caption: decodeImage', () => {
  it('reports the real width, height and format', async () => {
    expect(await decodeImage(images.png640!)).toMatchObject({ width: 640, height: 480, format: 'png' });
    expect(await decodeImage(images.jpeg300x900!)).toMatchObject({ width: 300, height: 900, format: 'jpeg' });
    const webp = await (await picture(200, 100)).webp().toBuffer();
    expect(await decodeImage(webp)).toMatchObject({ width: 200, height: 100, format: 'webp' });
    const gif = await (await picture(120, 80)).gif().toBuffer();
    expect(await decodeImage(gif)).toMatchObject({ width: 120, height: 80, format: 'gif' });
  });

  it('trusts the bytes, not the Content-Type: a JPEG served as image/png decodes as JPEG', async () => {
    const got = await fetchImage(`${base}/jpeg-as-png`);
    expect(got.contentType).toBe('image/png');
    expect(await decodeImage(got.bytes)).toMatchObject({ width: 640, height: 480, format: 'jpeg' });
  });

  it('hands the model 8-bit RGB, shrunk to at most 512 on the longer side', async () => {
    const big = await decodeImage(images.png1920!);
    expect([big.width, big.height]).toEqual([1920, 1080]);
    expect([big.pixels.width, big.pixels.height, big.pixels.channels]).toEqual([512, 288, 3]);
    expect(big.pixels.data.length).toBe(512 * 288 * 3);
    const small = await decodeImage(images.png64!);
    expect([small.pixels.width, small.pixels.height]).toEqual([64, 48]);
    // Grey with alpha becomes RGB too.
    const grey = await sharp({ create: { width: 30, height: 20, channels: 4, background: { r: 128, g: 128, b: 128, alpha: 0.5 } } }).greyscale().png().toBuffer();
    const g = await decodeImage(grey);
    expect([g.pixels.channels, g.pixels.data.length]).toEqual([3, 30 * 20 * 3]);
    // The disc's red reaches the model as a colour, not a grey.
    const centre = ((small.pixels.height / 2) * small.pixels.width + small.pixels.width / 2) * 3;
    const [r, gr, b] = small.pixels.data.subarray(centre, centre + 3);
    expect(r).toBeGreaterThan(150);
    expect(gr).toBeLessThan(100);
    expect(b).toBeLessThan(100);
  });

  it('applies EXIF orientation to the reported size', async () => {
    const rotated = await (await picture(300, 100)).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    expect(await decodeImage(rotated)).toMatchObject({ width: 100, height: 300, format: 'jpeg' });
  });

  it('refuses what is not an image, is cut short, or is too large, permanently', async () => {
    expectPermanent(await failure(decodeImage(Buffer.from('<!doctype html><p>hello</p>'))), /^not an image sharp can read: /);
    expectPermanent(await failure(decodeImage(Buffer.alloc(0))), /^not an image: the body is empty$/);
    const half = images.png640!.subarray(0, Math.floor(images.png640!.length / 2));
    expectPermanent(await failure(decodeImage(half)), /^cannot decode the png image: /);
    expectPermanent(await failure(decodeImage(images.png640!, { maxPixels: 100_000 })), /^image too large: 640×480 is 307200 pixels, the limit is 100000$/);
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>');
    expectPermanent(await failure(decodeImage(svg)), /^unsupported image format svg \(accepted: jpeg, png, webp, gif, tiff, heif\)$/);
  });

  it('refuses fetched garbage and truncated files labelled image/png', async () => {
    expectPermanent(await failure(fetchImage(`${base}/garbage`).then((f) => decodeImage(f.bytes))), /^not an image sharp can read/);
    expectPermanent(await failure(fetchImage(`${base}/truncated`).then((f) => decodeImage(f.bytes))), /^cannot decode the png image/);
  });
});

describe('caption: the model', () => {
  const dirs: string[] = [];
  const tempDir = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'fleet-models-'));
    dirs.push(d);
    return d;
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const ctx = (modelDir: string, signal = new AbortController().signal): HandlerContext => ({
    modelDir,
    signal,
    seen: { addNew: async (_ns, keys) => [...keys] },
  });
  const hint = (path: string) =>
    `download the model's files there (huggingface-cli download ${DEFAULT_CAPTION_MODEL} --local-dir ${path}), ` +
    `or set FLEET_MODEL_DIR / --model-dir to a directory that holds ${DEFAULT_CAPTION_MODEL}/ (FLEET_CAPTION_MODEL chooses another image-to-text model)`;

  it('says where it looked and how to provide the model when the model directory is empty, before fetching', async () => {
    const dir = tempDir();
    const path = join(dir, DEFAULT_CAPTION_MODEL);
    const before = hits.get('/img/png640') ?? 0;
    const err = await failure(caption.run({ url: `${base}/img/png640` }, ctx(dir)));
    expectPermanent(err, /^no caption model at /);
    expect(err.message).toBe(`no caption model at ${path} (${DEFAULT_CAPTION_MODEL} is not in ${dir}): ${hint(path)}`);
    expect(hits.get('/img/png640') ?? 0).toBe(before);
  });

  it('names a model directory that does not exist', async () => {
    const dir = join(tempDir(), 'absent');
    const err = await failure(caption.run({ image: images.png64!.toString('base64'), mediaType: 'image/png' }, ctx(dir)));
    expectPermanent(err, /^no caption model at /);
    expect(err.message).toContain(`(the model directory ${dir} does not exist)`);
  });

  it('names config.json when the model folder has none', async () => {
    const dir = tempDir();
    const path = join(dir, DEFAULT_CAPTION_MODEL);
    mkdirSync(join(path, 'onnx'), { recursive: true });
    const err = await failure(caption.run({ image: images.png64!.toString('base64'), mediaType: 'image/png' }, ctx(dir)));
    expectPermanent(err, /^no caption model at /);
    expect(err.message).toBe(`no caption model at ${path} (config.json missing): ${hint(path)}`);
  });

  it('lists what an incomplete model folder lacks', async () => {
    const dir = tempDir();
    const path = join(dir, DEFAULT_CAPTION_MODEL);
    mkdirSync(join(path, 'onnx'), { recursive: true });
    // The architecture alone, as the hub's config.json states it: no weights, no tokenizer.
    writeFileSync(
      join(path, 'config.json'),
      JSON.stringify({ architectures: ['VisionEncoderDecoderModel'], model_type: 'vision-encoder-decoder', encoder: { model_type: 'vit' }, decoder: { model_type: 'gpt2' } }),
    );
    writeFileSync(join(path, 'tokenizer.json'), '{}');
    writeFileSync(join(path, 'onnx', 'encoder_model.onnx'), '');
    const err = await failure(caption.run({ image: images.png64!.toString('base64'), mediaType: 'image/png' }, ctx(dir)));
    expectPermanent(err, /^no caption model at /);
    expect(err.message).toBe(
      `no caption model at ${path} (incomplete, missing preprocessor_config.json, tokenizer_config.json, onnx/decoder_model_merged.onnx ` +
        `(or the quantized onnx/encoder_model_quantized.onnx, onnx/decoder_model_merged_quantized.onnx); onnx/ holds encoder_model.onnx): ${hint(path)}`,
    );
  });

  it('fails permanently when the files are all there but will not load, and tries again on the next job', async () => {
    // A model id of its own: transformers remembers, per model id and for the life of the process,
    // which files a model has, and the real model's test may run in this process after this one.
    const handler = createCaptionHandler({ modelId: 'fleet-test/unloadable' });
    const dir = tempDir();
    const path = join(dir, 'fleet-test/unloadable');
    mkdirSync(join(path, 'onnx'), { recursive: true });
    writeFileSync(
      join(path, 'config.json'),
      JSON.stringify({ architectures: ['VisionEncoderDecoderModel'], model_type: 'vision-encoder-decoder', encoder: { model_type: 'vit' }, decoder: { model_type: 'gpt2' } }),
    );
    for (const f of ['preprocessor_config.json', 'tokenizer.json', 'tokenizer_config.json']) writeFileSync(join(path, f), '{}');
    for (const f of ['onnx/encoder_model.onnx', 'onnx/decoder_model_merged.onnx']) writeFileSync(join(path, f), 'these bytes are not an ONNX graph');
    const upload = { image: images.png64!.toString('base64'), mediaType: 'image/png' } as const;
    for (let attempt = 0; attempt < 2; attempt++) {
      const err = await failure(handler.run(upload, ctx(dir)));
      expectPermanent(err, new RegExp(`^loading the caption model at ${path.replace(/[.]/g, '\\.')} failed: `));
    }
  });

  it('refuses a config.json that is not JSON, and a model id that is not one', async () => {
    const dir = tempDir();
    const path = join(dir, DEFAULT_CAPTION_MODEL);
    mkdirSync(path, { recursive: true });
    writeFileSync(join(path, 'config.json'), '{ "model_type": ');
    const err = await failure(caption.run({ url: `${base}/img/png64` }, ctx(dir)));
    expectPermanent(err, new RegExp(`^no caption model at ${path.replace(/[.]/g, '\\.')} \\(config\\.json is not valid JSON: `));
    const odd = createCaptionHandler({ modelId: '../../etc' });
    expectPermanent(await failure(odd.run({ url: `${base}/img/png64` }, ctx(dir))), /^FLEET_CAPTION_MODEL "\.\.\/\.\.\/etc" is not a model id/);
  });
});

const modelDir = process.env.FLEET_MODEL_DIR ?? '/data/models';
const modelId = captionModelId();
const modelPresent = existsSync(join(modelDir, modelId, 'config.json'));
if (!modelPresent) {
  console.warn(
    `\n*** caption: NO MODEL at ${join(modelDir, modelId)} — the captioning tests are SKIPPED. ***\n` +
      `*** Put the model there (huggingface-cli download ${modelId} --local-dir ${join(modelDir, modelId)}) or point FLEET_MODEL_DIR at one. ***\n`,
  );
}

describe('caption: with the model', () => {
  const ctx: HandlerContext = { modelDir, signal: new AbortController().signal, seen: { addNew: async (_ns, keys) => [...keys] } };

  it.skipIf(!modelPresent)('captions a fetched image and an upload with the same loaded model', { timeout: 300_000 }, async () => {
    const t0 = Date.now();
    const fetched = await caption.run({ url: `${base}/img/png640` }, ctx);
    const first = Date.now() - t0;
    expect(fetched).toMatchObject({ model: modelId, width: 640, height: 480, format: 'png' });
    expect(typeof fetched.caption).toBe('string');
    expect(fetched.caption.length).toBeGreaterThan(0);

    const t1 = Date.now();
    const uploaded = await caption.run(caption.validate({ image: images.jpeg300x900!.toString('base64'), mediaType: 'image/jpeg' }), ctx);
    expect(uploaded).toMatchObject({ model: modelId, width: 300, height: 900, format: 'jpeg' });
    expect(uploaded.caption.length).toBeGreaterThan(0);
    console.log(`caption: "${fetched.caption}" (${first} ms, model load included), "${uploaded.caption}" (${Date.now() - t1} ms)`);
  });
});
