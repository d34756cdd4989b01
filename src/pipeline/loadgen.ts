#!/usr/bin/env node
/** The load generator: `node dist/pipeline/loadgen.js --api http://node1:4506 --jobs 500`. */
import { intFlag, parseFlags } from './cli-args.js';
import { runLoad } from './loadgen/run.js';

const P = 'fleet-loadgen';
const f = parseFlags(P, {
  api: { env: 'FLEET_API_URL', default: 'http://127.0.0.1:4506', help: "the pipeline API's URL" },
  jobs: { default: '500', help: 'log-analysis jobs to send' },
  rate: { help: 'jobs per second (default: as fast as the API takes them)' },
  batch: { default: '50', help: 'jobs per POST /jobs' },
  lines: { default: '200', help: 'log lines per job' },
  'plant-every': { default: '10', help: 'plant a known failure in every Nth job (0: never)' },
  json: { help: 'yes: print the report as JSON' },
});

const rate = intFlag(P, 'rate', f.rate, 1);
const report = await runLoad({
  api: f.api!,
  jobs: intFlag(P, 'jobs', f.jobs, 1)!,
  ...(rate ? { rate } : {}),
  batch: intFlag(P, 'batch', f.batch, 1)!,
  linesPerJob: intFlag(P, 'lines', f.lines, 1)!,
  plantEvery: intFlag(P, 'plant-every', f['plant-every'])!,
}).catch((e: Error) => {
  console.error(`${P}: ${e.message}`);
  process.exit(1);
});

if (f.json === 'yes') console.log(JSON.stringify(report, null, 2));
else {
  const found = report.planted.filter((p) => p.found.includes(p.kind)).length;
  console.log(`jobs: ${report.completed} completed, ${report.failed} failed of ${report.submitted} in ${report.seconds.toFixed(1)} s`);
  console.log(`throughput: ${report.jobsPerSecond.toFixed(1)} jobs/s`);
  console.log(`latency (submission to completion): p50 ${report.latencyMs.p50} ms, p95 ${report.latencyMs.p95} ms, p99 ${report.latencyMs.p99} ms, max ${report.latencyMs.max} ms`);
  console.log(`planted failures found: ${found} of ${report.planted.length}; signatures reported where none was planted: ${report.falseSignatures}`);
  console.log(`jobs per worker: ${Object.entries(report.workers).map(([w, n]) => `${w} ${n}`).join(', ')}`);
}
process.exit(report.failed ? 1 : 0);
