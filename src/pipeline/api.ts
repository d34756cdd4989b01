#!/usr/bin/env node
/** The API process: `node dist/pipeline/api.js --redis redis://127.0.0.1:6379 --port 4506`. */
import { buildApi } from './api/server.js';
import { intFlag, parseFlags } from './cli-args.js';
import { HANDLERS } from './handlers/index.js';

const P = 'fleet-api';
const f = parseFlags(P, {
  redis: { env: 'FLEET_REDIS_URL', default: 'redis://127.0.0.1:6379', help: 'the queue broker' },
  port: { env: 'FLEET_API_PORT', default: '4506', help: 'port to listen on' },
  host: { env: 'FLEET_API_HOST', default: '0.0.0.0', help: 'address to listen on' },
  'max-batch': { default: '1000', help: 'jobs per POST /jobs' },
});

const api = await buildApi({ redisUrl: f.redis!, handlers: HANDLERS, maxBatch: intFlag(P, 'max-batch', f['max-batch'], 1)! });
try {
  await api.app.listen({ port: intFlag(P, 'port', f.port)!, host: f.host! });
} catch (e) {
  console.error(`${P}: cannot listen on ${f.host}:${f.port}: ${(e as Error).message}`);
  process.exit(1);
}
console.log(`${P}: listening on http://${f.host}:${f.port} (page /, workers /workers, metrics /metrics); broker ${f.redis}`);
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => void api.close().then(() => process.exit(0), () => process.exit(1)));
}
