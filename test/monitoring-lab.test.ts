/**
 * playbooks/monitoring.yaml on a 3-node lab (node1 the host, node2 and node3 the clients): real
 * node-exporter from Debian on every node, real Prometheus from Debian on node1, configured from
 * the inventory through promtool. Prometheus must scrape every node, accept every expression of
 * the Grafana dashboard, and answer the node-exporter ones with data. Grafana's provisioning is
 * written; the grafana package, which no apt source here offers, is skipped with its reason. A
 * second run changes nothing.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { labExec, type LabNode } from '../src/lab/index.js';
import { useLab } from './helpers/lab.js';
import { failures, play, recap, type PlayRun } from './helpers/play.js';

const ROOT = resolve(__dirname, '..');
const PLAYBOOK = join(ROOT, 'playbooks', 'monitoring.yaml');
const DASHBOARD = join(ROOT, 'templates', 'grafana', 'fleet-pipeline.json');

/** The node-exporter tasks of install_required_software.yaml, without firewalld and recommends. */
const NODE_EXPORTER = `- name: node-exporter
  hosts: all
  become: true
  gather_facts: false
  tasks:
    - name: package lists are fresh
      ansible.builtin.apt:
        update_cache: true
        cache_valid_time: 3600
    - name: node-exporter installed
      ansible.builtin.apt:
        name: prometheus-node-exporter
        state: present
        install_recommends: false
    - name: node-exporter running
      ansible.builtin.service:
        name: prometheus-node-exporter
        state: started
        enabled: true
`;

interface Dashboard {
  uid: string;
  panels: { title: string; datasource?: { uid: string }; targets: { expr: string; datasource?: { uid: string } }[] }[];
}
interface PromVector {
  status: string;
  error?: string;
  data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
}


function results(run: PlayRun, task: string): { status: string; result: Record<string, unknown> }[] {
  return run.events
    .filter((e) => e.type === 'host_result' && e.task.name === task)
    .map((e) => e as unknown as { status: string; result: Record<string, unknown> });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('monitoring.yaml on a 3-node lab', () => {
  const lab = useLab(3, 't-monitor', { upTimeoutMs: 180_000 });
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as Dashboard;
  const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => ({ title: p.title, expr: t.expr })));
  let first: PlayRun | undefined;

  const sh = async (node: LabNode, cmd: string): Promise<string> => {
    const r = await labExec(node, ['sh', '-c', cmd], { timeoutMs: 60_000 });
    if (r.rc !== 0) throw new Error(`${node.name}: ${cmd}: rc ${r.rc}: ${r.stderr}`);
    return r.stdout;
  };
  /** Prometheus' HTTP API on node1, from the controller to the node's address. */
  const prom = async <T = PromVector>(path: string): Promise<T> => {
    const res = await fetch(`http://${lab().nodes[0]!.address}:9090${path}`, { signal: AbortSignal.timeout(10_000) });
    return (await res.json()) as T;
  };
  const query = (expr: string) => prom(`/api/v1/query?query=${encodeURIComponent(expr)}`);

  it('the dashboard: one Prometheus target per panel, on the fleet datasource', () => {
    expect(dashboard.uid).toBe('fleet-pipeline');
    expect(exprs).toHaveLength(14);
    for (const p of dashboard.panels) {
      expect(p.datasource?.uid, p.title).toBe('fleet-prometheus');
      expect(p.targets, p.title).toHaveLength(1);
      expect(p.targets[0]!.datasource?.uid, p.title).toBe('fleet-prometheus');
    }
    expect(exprs.map((e) => e.expr)).toContain('100 - (avg by (instance) (irate(node_cpu_seconds_total{mode="idle"}[5m])) * 100)');
    expect(exprs.map((e) => e.expr)).toContain('histogram_quantile(0.95, sum by (le) (rate(fleet_pipeline_job_latency_seconds_bucket[5m])))');
  });

  it('installs node-exporter everywhere, then Prometheus on node1 from the inventory', async () => {
    const { inventoryPath } = lab();
    const dir = mkdtempSync(join(tmpdir(), 'fleet-monitor-'));
    writeFileSync(join(dir, 'node-exporter.yaml'), NODE_EXPORTER);
    let t = Date.now();
    const exporter = await play(join(dir, 'node-exporter.yaml'), inventoryPath);
    console.log(`node-exporter: ${Date.now() - t} ms`);
    expect(failures(exporter)).toEqual([]);

    t = Date.now();
    first = await play(PLAYBOOK, inventoryPath, { extraVars: { prometheus_scrape_interval: '5s' } });
    console.log(`monitoring.yaml, first run: ${Date.now() - t} ms`, recap(first.stats.node1));
    expect(failures(first)).toEqual([]);
    expect(first.statuses.get('prometheus installed|node1')).toBe('changed');
    expect(first.statuses.get('prometheus scrapes the fleet|node1')).toBe('changed');
    expect(first.statuses.get('restart prometheus|node1')).toBe('changed');
    // The play is for the host group only.
    expect([...first.statuses.keys()].every((k) => k.endsWith('|node1'))).toBe(true);
  }, 240_000);

  it('wrote a configuration promtool accepts, with the inventory as its targets', async () => {
    const [node1] = lab().nodes;
    expect(await sh(node1!, 'promtool check config /etc/prometheus/prometheus.yml 2>&1')).toContain('SUCCESS');
    const config = parseYaml(await sh(node1!, 'cat /etc/prometheus/prometheus.yml')) as {
      global: Record<string, string>;
      scrape_configs: { job_name: string; metrics_path?: string; static_configs: { targets: string[]; labels: Record<string, string> }[] }[];
    };
    expect(config.global.scrape_interval).toBe('5s');
    const jobs = Object.fromEntries(config.scrape_configs.map((j) => [j.job_name, j]));
    expect(Object.keys(jobs).sort()).toEqual(['api', 'node', 'prometheus', 'workers']);
    const targets = (job: string) => jobs[job]!.static_configs.flatMap((s) => s.targets.map((tg) => `${tg} ${s.labels.host}`));
    expect(targets('prometheus')).toEqual(['localhost:9090 node1']);
    expect(targets('node')).toEqual(['node1:9100 node1', 'node2:9100 node2', 'node3:9100 node3']);
    expect(targets('workers')).toEqual(['node2:9464 node2', 'node3:9464 node3']);
    expect(targets('api')).toEqual(['node1:4506 node1']);
    expect(jobs.api!.metrics_path).toBe('/metrics');
  });

  it('Prometheus answers on node1:9090 and scrapes every node', async () => {
    const [node1] = lab().nodes;
    expect(await sh(node1!, 'curl -sf --max-time 5 http://node1:9090/-/ready')).toMatch(/ready/i);

    // The targets, once service discovery has handed them over (it batches updates every 5 s).
    const t = Date.now();
    let counts: number[] = [];
    while (Date.now() - t < 30_000) {
      const active = await prom<{ status: string; data: { activeTargets: { labels: Record<string, string> }[] } }>('/api/v1/targets?state=active');
      expect(active.status).toBe('success');
      const count = (job: string) => active.data.activeTargets.filter((tg) => tg.labels.job === job).length;
      counts = [count('prometheus'), count('node'), count('workers'), count('api')];
      if (counts.join() === '1,3,2,1') break;
      await sleep(1000);
    }
    expect(counts).toEqual([1, 3, 2, 1]);

    // Every node target up, within a bounded wait (the interval is 5 s).
    let up: Record<string, string> = {};
    while (Date.now() - t < 60_000) {
      const r = await query('up{job="node"}');
      up = Object.fromEntries((r.data?.result ?? []).map((s) => [s.metric.host!, s.value[1]]));
      if (Object.keys(up).length === 3 && Object.values(up).every((v) => v === '1')) break;
      await sleep(1000);
    }
    console.log(`every node target up after ${Date.now() - t} ms`);
    expect(up).toEqual({ node1: '1', node2: '1', node3: '1' });
  }, 90_000);

  it('accepts every dashboard expression, and the node-exporter ones have data', async () => {
    for (const { title, expr } of exprs) {
      const r = await query(expr);
      expect({ title, status: r.status, error: r.error }).toEqual({ title, status: 'success', error: undefined });
    }
    // rate() and irate() need two samples of each series: wait for them, bounded. Every
    // node-exporter panel must have series of all three nodes (`host` label, or CPU's `instance`).
    const nodePanels = ['CPU usage', 'RAM usage', 'Load average, 1 min', 'Load average, 5 min', 'Network receive, 15 min', 'Network transmit, 15 min'];
    const t = Date.now();
    let missing: string[] = nodePanels;
    while (Date.now() - t < 60_000) {
      missing = [];
      for (const title of nodePanels) {
        const r = await query(exprs.find((e) => e.title === title)!.expr);
        const nodes = new Set((r.data?.result ?? []).map((s) => s.metric.host ?? s.metric.instance?.replace(/:\d+$/, '')));
        for (const n of ['node1', 'node2', 'node3']) if (!nodes.has(n)) missing.push(`${title}: ${n}`);
      }
      if (missing.length === 0) break;
      await sleep(1000);
    }
    console.log(`node-exporter panels have data of every node after ${Date.now() - t} ms`);
    expect(missing).toEqual([]);
    // CPU is one series per node, a percentage.
    const cpu = await query(exprs.find((e) => e.title === 'CPU usage')!.expr);
    expect(cpu.data!.result.map((s) => s.metric.instance).sort()).toEqual(['node1:9100', 'node2:9100', 'node3:9100']);
    // The nodes share the host's kernel counters (/proc/stat), and the host is busy running this
    // test and Prometheus: above 0, at most 100.
    for (const s of cpu.data!.result) {
      expect(Number(s.value[1]), s.metric.instance).toBeGreaterThan(0);
      expect(Number(s.value[1]), s.metric.instance).toBeLessThanOrEqual(100);
    }
  }, 90_000);

  it('wrote the Grafana provisioning, and skipped the grafana package with the reason', async () => {
    const [node1] = lab().nodes;
    const ds = parseYaml(await sh(node1!, 'cat /etc/grafana/provisioning/datasources/fleet.yaml')) as { apiVersion: number; datasources: Record<string, unknown>[] };
    expect(ds.apiVersion).toBe(1);
    expect(ds.datasources).toHaveLength(1);
    expect(ds.datasources[0]).toMatchObject({ type: 'prometheus', uid: 'fleet-prometheus', url: 'http://localhost:9090', isDefault: true, access: 'proxy' });
    const dashboards = parseYaml(await sh(node1!, 'cat /etc/grafana/provisioning/dashboards/fleet.yaml')) as { apiVersion: number; providers: Record<string, unknown>[] };
    expect(dashboards.apiVersion).toBe(1);
    expect(dashboards.providers).toHaveLength(1);
    expect(dashboards.providers[0]).toMatchObject({ type: 'file', options: { path: '/var/lib/grafana/dashboards' } });
    expect(await sh(node1!, 'cat /var/lib/grafana/dashboards/fleet-pipeline.json')).toBe(readFileSync(DASHBOARD, 'utf8'));

    // No apt source offers grafana here: the probe said so, the install tasks were skipped.
    expect(await sh(node1!, 'apt-cache policy grafana')).not.toMatch(/Candidate: [0-9]/);
    const reason = results(first!, 'grafana not installable here');
    expect(reason.map((r) => r.status)).toEqual(['ok']);
    expect(String(reason[0]!.result.msg)).toContain('no apt source offers the grafana package');
    for (const task of ['grafana installed', 'grafana running', 'restart grafana']) {
      const r = results(first!, task);
      expect(r.map((x) => x.status), task).toEqual(['skipped']);
      expect(r[0]!.result.skip_reason, task).toBe('Conditional result was False');
    }
    expect(await sh(node1!, 'command -v grafana-server || echo none')).toBe('none\n');
  });

  it('a second run changes nothing', async () => {
    const t = Date.now();
    const second = await play(PLAYBOOK, lab().inventoryPath, { extraVars: { prometheus_scrape_interval: '5s' } });
    console.log(`monitoring.yaml, second run: ${Date.now() - t} ms`, recap(second.stats.node1));
    expect(failures(second)).toEqual([]);
    expect([...second.statuses].filter(([, s]) => s === 'changed')).toEqual([]);
    expect(second.stats.node1).toMatchObject({ changed: 0, failed: 0, unreachable: 0 });
    expect(second.statuses.get('restart prometheus|node1')).toBeUndefined();
  }, 120_000);

  it('a configuration promtool rejects never replaces the running one', async () => {
    const [node1] = lab().nodes;
    const before = await sh(node1!, 'cat /etc/prometheus/prometheus.yml');
    const bad = await play(PLAYBOOK, lab().inventoryPath, { extraVars: { prometheus_scrape_interval: 'soon' } });
    const [r] = results(bad, 'prometheus scrapes the fleet');
    expect(r!.status).toBe('failed');
    // Ansible's template message with promtool's own reason: the duration it cannot parse.
    expect(String(r!.result.msg)).toMatch(/^failed to validate: rc:1 error:[\s\S]*FAILED: parsing YAML file \S+: not a valid duration string: "soon"/);
    expect(await sh(node1!, 'cat /etc/prometheus/prometheus.yml')).toBe(before);
    expect((await query('up{job="prometheus"}')).data!.result.map((s) => s.value[1])).toEqual(['1']);
  }, 120_000);
});
