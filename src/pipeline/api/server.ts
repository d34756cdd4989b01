/**
 * The pipeline's HTTP API (docs/pipeline.md): submit jobs (JSON batches and image uploads), read a
 * job's state and result, the workers view, the web page, /metrics. Input is validated by the
 * handlers' own validators before anything is queued: bad input is a 4xx naming the field.
 */
import multipart from '@fastify/multipart';
import { Queue } from 'bullmq';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { Redis } from 'ioredis';
import { HandlerInputError, type Handler } from '../handlers/types.js';
import { JOB_OPTIONS, type JobData, type JobResult } from '../job-types.js';
import { apiMetrics } from '../metrics/api-metrics.js';
import { listWorkers } from '../presence.js';
import { QUEUE_NAME, bullConnection, connect } from '../redis.js';
import { jobView, type JobView } from './job-view.js';
import { indexPage, workersPage } from './pages.js';

export interface ApiOptions {
  redisUrl: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  handlers: ReadonlyMap<string, Handler<any, any>>;
  /** Jobs per POST /jobs (default 1,000). */
  maxBatch?: number;
  /** Bytes of a JSON body (default 8 MiB). */
  bodyLimit?: number;
  /** Bytes of an uploaded image (default 10 MiB). */
  uploadLimit?: number;
}

export const UPLOAD_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'];

export interface Api {
  app: FastifyInstance;
  queue: Queue<JobData, JobResult>;
  redis: Redis;
  close(): Promise<void>;
}

/** A 4xx with a message that says what to send instead. */
class ClientError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

interface Submission {
  handler: string;
  input: unknown;
}

export async function buildApi(options: ApiOptions): Promise<Api> {
  const maxBatch = options.maxBatch ?? 1_000;
  const uploadLimit = options.uploadLimit ?? 10 * 1024 * 1024;
  const redis = connect(options.redisUrl);
  const queue = new Queue<JobData, JobResult>(QUEUE_NAME, { connection: bullConnection(options.redisUrl), defaultJobOptions: JOB_OPTIONS });
  let queueDown = false;
  queue.on('error', (e: Error) => {
    if (!queueDown) console.error(`api: queue: ${e.message} (retrying)`);
    queueDown = true;
  });
  redis.on('ready', () => (queueDown = false));
  const metrics = apiMetrics({
    jobCounts: () => queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed'),
    workersOnline: async () => (await listWorkers(redis)).filter((w) => w.online).length,
  });
  const app = Fastify({ bodyLimit: options.bodyLimit ?? 8 * 1024 * 1024, logger: false });
  await app.register(multipart, { limits: { fileSize: uploadLimit, files: 1, fields: 5 } });

  app.addHook('onResponse', async (req, reply) => {
    metrics.request(req.routeOptions.url ?? 'unmatched', reply.statusCode);
  });
  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, _req, reply) => {
    if (err instanceof ClientError) return reply.code(err.status).send({ error: err.message, ...(err.field ? { field: err.field } : {}) });
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) console.error(`api: ${err.stack ?? err.message}`);
    return reply.code(status).send({ error: status === 413 ? `too large: ${err.message}` : err.message, ...(err.code ? { code: err.code } : {}) });
  });

  const validate = (s: unknown, where: string): Submission & { input: unknown } => {
    if (!s || typeof s !== 'object' || Array.isArray(s)) throw new ClientError(400, `${where}: expected an object { handler, input }`);
    const { handler, input } = s as Record<string, unknown>;
    if (typeof handler !== 'string') throw new ClientError(400, `${where}: handler must be a string (one of ${[...options.handlers.keys()].join(', ')})`, 'handler');
    const h = options.handlers.get(handler);
    if (!h) throw new ClientError(400, `${where}: unknown handler "${handler}" (one of ${[...options.handlers.keys()].join(', ')})`, 'handler');
    try {
      return { handler, input: h.validate(input) };
    } catch (e) {
      if (e instanceof HandlerInputError) throw new ClientError(400, `${where}: ${e.message}`, e.field ? `input.${e.field}` : 'input');
      throw e;
    }
  };

  const submit = async (items: Submission[], via: string): Promise<string[]> => {
    const jobs = await queue.addBulk(items.map((s) => ({ name: s.handler, data: { input: s.input, via } })));
    return jobs.map((j) => String(j.id));
  };

  app.post('/jobs', async (req, reply) => {
    const body = req.body as Record<string, unknown> | undefined;
    if (!body || typeof body !== 'object') throw new ClientError(400, 'expected a JSON body: { handler, input } or { jobs: [{ handler, input }, ...] }');
    if ('jobs' in body) {
      const list = body.jobs;
      if (!Array.isArray(list) || list.length === 0) throw new ClientError(400, 'jobs must be a non-empty array of { handler, input }', 'jobs');
      if (list.length > maxBatch) throw new ClientError(413, `at most ${maxBatch} jobs per request (got ${list.length}): split the batch`, 'jobs');
      const items = list.map((s, i) => validate(s, `jobs[${i}]`));
      return reply.code(201).send({ ids: await submit(items, 'api') });
    }
    const [id] = await submit([validate(body, 'job')], 'api');
    return reply.code(201).send({ id });
  });

  app.post('/upload', async (req, reply) => {
    if (!req.isMultipart()) throw new ClientError(415, 'send the image as multipart/form-data in a field named "image"');
    const file = await req.file();
    if (!file) throw new ClientError(400, 'no file in the form: send the image in a field named "image"', 'image');
    if (file.fieldname !== 'image') throw new ClientError(400, `the file field must be named "image" (got "${file.fieldname}")`, 'image');
    if (!UPLOAD_TYPES.includes(file.mimetype)) throw new ClientError(415, `unsupported image type ${file.mimetype} (send one of ${UPLOAD_TYPES.join(', ')})`, 'image');
    const data = await file.toBuffer();
    if (data.length === 0) throw new ClientError(400, 'the uploaded image is empty', 'image');
    const item = validate({ handler: 'caption', input: { image: data.toString('base64'), mediaType: file.mimetype } }, 'upload');
    const [id] = await submit([item], 'upload');
    return reply.code(201).send({ id });
  });

  // The state first, then the job: a job read before it finished would lack its result.
  const view = async (id: string): Promise<JobView | undefined> => {
    const state = await queue.getJobState(id);
    if (state === 'unknown') return undefined;
    const job = await queue.getJob(id);
    return job ? jobView(job, state) : undefined;
  };

  app.get<{ Params: { id: string } }>('/jobs/:id', async (req, reply) => {
    const job = await view(req.params.id);
    if (!job) return reply.code(404).send({ error: `no job ${req.params.id} (finished jobs are kept for a day)` });
    return job;
  });

  app.get<{ Querystring: { ids?: string } }>('/jobs', async (req) => {
    const ids = (req.query.ids ?? '').split(',').filter(Boolean);
    if (!ids.length) throw new ClientError(400, 'give ?ids=ID,ID,... (at most 1,000)', 'ids');
    if (ids.length > 1_000) throw new ClientError(413, 'at most 1,000 ids per request', 'ids');
    const jobs = await Promise.all(ids.map((id) => view(id)));
    return { jobs: jobs.map((j, i) => j ?? { id: ids[i], state: 'unknown' }) };
  });

  const workersState = async () => ({ workers: await listWorkers(redis), queue: await queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed') });
  app.get('/api/workers', async () => workersState());
  app.get('/workers', async (req, reply) => {
    const state = await workersState();
    if ((req.headers.accept ?? '').includes('application/json')) return state;
    return html(reply, workersPage(state));
  });
  app.get('/', async (_req, reply) => html(reply, indexPage([...options.handlers.keys()])));
  app.get('/metrics', async (_req, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
  app.get('/healthz', async () => ({ redis: await redis.ping() }));

  return {
    app,
    queue,
    redis,
    async close() {
      await app.close();
      await queue.close();
      await redis.quit().catch(() => undefined);
    },
  };
}

function html(reply: FastifyReply, body: string): FastifyReply {
  return reply.type('text/html; charset=utf-8').send(body);
}
