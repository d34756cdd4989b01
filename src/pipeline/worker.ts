#!/usr/bin/env node
/** The worker process: `node dist/pipeline/worker.js --redis redis://HOST:6379 --concurrency 2`. */
import { intFlag, parseFlags } from './cli-args.js';
import { HANDLERS } from './handlers/index.js';
import { startWorker } from './worker-runtime.js';

const P = 'fleet-worker';
const f = parseFlags(P, {
  redis: { env: 'FLEET_REDIS_URL', default: 'redis://127.0.0.1:6379', help: 'the queue broker' },
  concurrency: { env: 'FLEET_WORKER_CONCURRENCY', default: '2', help: 'jobs run at once' },
  name: { env: 'FLEET_WORKER_NAME', help: "this worker's name (default: the hostname)" },
  'metrics-port': { env: 'FLEET_WORKER_METRICS_PORT', default: '9464', help: 'port of /metrics (0: none)' },
  'model-dir': { env: 'FLEET_MODEL_DIR', default: '/data/models', help: 'where the caption model is looked for' },
  'lock-duration': { default: '30000', help: 'ms a job stays locked to this worker without renewal' },
  'stalled-interval': { default: '30000', help: 'ms between checks for jobs of dead workers' },
});

const worker = await startWorker({
  redisUrl: f.redis!,
  handlers: HANDLERS,
  concurrency: intFlag(P, 'concurrency', f.concurrency, 1)!,
  ...(f.name ? { name: f.name } : {}),
  metricsPort: intFlag(P, 'metrics-port', f['metrics-port'])!,
  modelDir: f['model-dir']!,
  lockDurationMs: intFlag(P, 'lock-duration', f['lock-duration'], 1000)!,
  stalledIntervalMs: intFlag(P, 'stalled-interval', f['stalled-interval'], 1000)!,
}).catch((e: Error) => {
  console.error(`${P}: cannot start: ${e.message}`);
  process.exit(1);
});
console.log(`${P} ${worker.name}: handlers ${[...HANDLERS.keys()].join(', ')}; concurrency ${f.concurrency}; metrics on :${worker.metricsPort ?? 'off'}; broker ${f.redis}`);

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    console.log(`${P} ${worker.name}: ${signal}: finishing active jobs`);
    worker.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
