/**
 * The pipeline end to end on a 5-node lab, deployed by fleet's own playbooks: site.yaml twice (the
 * second run changes nothing), then a few hundred log-analysis jobs through the API with failures
 * planted in some, all done and the planted ones found; Prometheus on the host node scraping every
 * target up, and every expression of the dashboard returning data.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { labClientVolumes, labExec } from '../src/lab/index.js';
import { runLoad } from '../src/pipeline/loadgen/run.js';
import { useLab } from './helpers/lab.js';
import { failures, play, type PlayRun } from './helpers/play.js';

const ROOT = resolve(__dirname, '..');
const DASHBOARD = join(ROOT, 'templates', 'grafana', 'fleet-pipeline.json');


function changed(run: PlayRun): string[] {
  return [...run.statuses].filter(([, s]) => s === 'changed').map(([k]) => k);
}

function dashboardExpressions(): string[] {
  const d = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: { targets?: { expr?: string }[] }[] };
  return d.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr).filter((e): e is string => !!e));
}

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

describe('the pipeline deployed by site.yaml on a 5-node lab', () => {
  const lab = useLab(5, 't-e2e', { upTimeoutMs: 180_000 });

  it('deploys idempotently, runs hundreds of jobs, finds the planted failures, and is watched by Prometheus', async () => {
    const info = lab();
    const host = info.nodes[0]!;
    await labClientVolumes(64, { name: info.name });
    const extraVars = { fleet_serve_repository: true, fleet_repo_url: `git://${host.name}/fleet.git`, prometheus_scrape_interval: '5s', fleet_worker_concurrency: 2 };
    const site = join(ROOT, 'playbooks', 'site.yaml');

    let t = Date.now();
    const first = await play(site, info.inventoryPath, { extraVars });
    console.log(`site.yaml first run: ${Date.now() - t} ms, ${changed(first).length} changed results`);
    expect(failures(first)).toEqual([]);
    t = Date.now();
    const second = await play(site, info.inventoryPath, { extraVars });
    console.log(`site.yaml second run: ${Date.now() - t} ms`);
    expect(failures(second)).toEqual([]);
    expect(changed(second)).toEqual([]);

    // The API on the host node, four workers online (one per client node).
    const api = `http://${host.address}:4506`;
    const workers = await until(
      'four workers online',
      async () => {
        const s = (await (await fetch(`${api}/api/workers`)).json()) as { workers: { name: string; online: boolean }[] };
        const online = s.workers.filter((w) => w.online).map((w) => w.name).sort();
        return online.length === 4 ? online : undefined;
      },
      60_000,
    );
    expect(workers).toEqual(['node2', 'node3', 'node4', 'node5']);

    // A few hundred log-analysis jobs, a known failure planted in every 10th.
    const report = await runLoad({ api, jobs: 300, batch: 50, linesPerJob: 200, plantEvery: 10, timeoutMs: 300_000 });
    console.log(`load: ${report.completed}/${report.submitted} in ${report.seconds.toFixed(1)} s, ${report.jobsPerSecond.toFixed(1)} jobs/s, p50 ${report.latencyMs.p50} ms, p95 ${report.latencyMs.p95} ms; per worker ${JSON.stringify(report.workers)}`);
    expect(report).toMatchObject({ submitted: 300, completed: 300, failed: 0, falseSignatures: 0 });
    expect(report.planted).toHaveLength(30);
    for (const p of report.planted) expect(p.found, `job ${p.id} planted ${p.kind}`).toContain(p.kind);
    expect(Object.keys(report.workers).sort()).toEqual(['node2', 'node3', 'node4', 'node5']);

    // Prometheus on the host node: every target up.
    const prometheus = `http://${host.address}:9090`;
    const targets = await until(
      'every Prometheus target up',
      async () => {
        const r = (await (await fetch(`${prometheus}/api/v1/targets?state=active`)).json()) as { data: { activeTargets: { labels: { job: string; instance: string }; health: string; lastError: string }[] } };
        const all = r.data.activeTargets;
        return all.length >= 11 && all.every((x) => x.health === 'up') ? all : undefined;
      },
      90_000,
    );
    const byJob = (job: string) => targets.filter((x) => x.labels.job === job).length;
    expect({ node: byJob('node'), workers: byJob('workers'), api: byJob('api') }).toEqual({ node: 5, workers: 4, api: 1 });

    // Every expression of the dashboard returns data.
    for (const expr of dashboardExpressions()) {
      const result = await until(
        `data for ${expr}`,
        async () => {
          const r = (await (await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent(expr)}`)).json()) as { status: string; data: { result: unknown[] } };
          if (r.status !== 'success') throw new Error(`${expr}: ${JSON.stringify(r)}`);
          return r.data.result.length ? r.data.result : undefined;
        },
        60_000,
      );
      expect(result.length, expr).toBeGreaterThan(0);
    }

    // What the anomalies panel counts: the planted signatures, once Prometheus has scraped the
    // workers after the load (every 5 s here).
    const kinds = ['segfault', 'oom_kill', 'service_failure', 'kernel_panic'];
    const counts = await until(
      'the planted anomalies in Prometheus',
      async () => {
        const r = (await (await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent('sum by (kind) (fleet_pipeline_log_anomalies_total)')}`)).json()) as { data: { result: { metric: { kind: string }; value: [number, string] }[] } };
        const c = Object.fromEntries(kinds.map((k) => [k, Number(r.data.result.find((x) => x.metric.kind === k)?.value[1] ?? 0)]));
        return Object.values(c).reduce((a, b) => a + b, 0) === 30 ? c : undefined;
      },
      60_000,
    );
    for (const kind of kinds) expect(counts[kind], kind).toBeGreaterThanOrEqual(7);

    // The services run as the pipeline's user, from the release.
    const ps = await labExec(info.nodes[1]!, ['sh', '-c', 'ps -o user:20=,args= -C node']);
    expect(ps.stdout).toMatch(/fleet-pipeline\s+\/usr\/bin\/node \/opt\/fleet-pipeline\/current\/dist\/pipeline\/worker\.js/);
  }, 1_500_000);
});
