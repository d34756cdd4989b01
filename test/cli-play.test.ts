import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useLab } from './helpers/lab.js';

const CLI = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');
const FIXTURES = join(import.meta.dirname, 'fixtures', 'play');

function fleet(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [CLI, ...args], { env: { ...process.env, NO_COLOR: '1', ...env }, maxBuffer: 64 << 20 }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end();
  });
}

describe('fleet play from the command line', () => {
  const lab = useLab(3, 't-cliplay');

  it('prints PLAY, TASK and the recap as ansible-playbook does, exit 0', async () => {
    const r = await fleet(['play', join(FIXTURES, 'cli.yaml'), '-i', lab().inventoryPath]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^PLAY \[cli play\] \*+$/m);
    expect(r.stdout).toMatch(/^TASK \[second\] \*+$/m);
    expect(r.stdout).toMatch(/^changed: \[node1\]$/m);
    expect(r.stdout).toMatch(/^ok: \[node3\]$/m);
    expect(r.stdout).toMatch(/^PLAY RECAP \*+$/m);
    expect(r.stdout).toMatch(/^node2\s+: ok=3\s+changed=2\s+unreachable=0\s+failed=0\s+skipped=0\s+rescued=0\s+ignored=0\s*$/m);
  });

  it('selects tasks with --tags, --skip-tags and --start-at-task', async () => {
    const only = await fleet(['play', join(FIXTURES, 'cli.yaml'), '-i', lab().inventoryPath, '-t', 'one', '--skip-tags', 'three']);
    expect(only.stdout.match(/^TASK \[(\w+)\]/gm)).toEqual(['TASK [first]']);
    const from = await fleet(['play', join(FIXTURES, 'cli.yaml'), '-i', lab().inventoryPath, '--start-at-task', 'second']);
    expect(from.stdout.match(/^TASK \[(\w+)\]/gm)).toEqual(['TASK [second]', 'TASK [third]']);
  });

  it('lists hosts, tasks and tags without touching a host', async () => {
    const hosts = await fleet(['play', join(FIXTURES, 'cli.yaml'), '-i', lab().inventoryPath, '--list-hosts', '-l', 'clients']);
    expect(hosts.code, hosts.stderr).toBe(0);
    expect(hosts.stdout).toMatch(/hosts \(2\):\n\s+node2\n\s+node3/);
    const tasks = await fleet(['play', join(FIXTURES, 'cli.yaml'), '--list-tasks']);
    expect(tasks.stdout).toMatch(/^\s+second\tTAGS: \[two\]$/m);
    const tags = await fleet(['play', join(FIXTURES, 'cli.yaml'), '--list-tags']);
    expect(tags.stdout).toMatch(/TASK TAGS: \[one, three, two\]/);
  });

  it('rejects a playbook with an unknown module or parameter before touching any host, exit 4', async () => {
    const r = await fleet(['play', join(FIXTURES, 'bad-module.yaml'), '-i', lab().inventoryPath]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/bad-module\.yaml:7:7: .*misspelt module.*comand.*did you mean "command"|bad-module\.yaml:7:7.*comand/s);
    // The bad parameter is that task's own problem: reported too (a warning), though alone it would not refuse the run.
    expect(r.stderr).toMatch(/\[WARNING\]: \S*bad-module\.yaml:9:\d+: task "bad parameter" will fail if it runs: Unsupported parameters for \(stat\) module: pth\. .*\(did you mean "path" for "pth"\?\)/);
    expect(r.stdout).not.toMatch(/TASK/);
  });

  it('reports an unreachable host with exit 4; max_fail_percentage stops the play; ignore_unreachable tolerates it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleet-play-'));
    const inv = join(dir, 'inv.ini');
    writeFileSync(inv, readFileSync(lab().inventoryPath, 'utf8').replace('[clients]', `[clients]\nghost ansible_host=${lab().subnet.replace(/\.0\/24$/, '.251')}`));
    const r = await fleet(['play', join(FIXTURES, 'unreachable.yaml'), '-i', inv, '-T', '2']);
    expect(r.code).toBe(4);
    expect(r.stdout).toMatch(/^fatal: \[ghost\]: UNREACHABLE! =>/m);
    expect(r.stdout).toMatch(/^ghost\s+: ok=0\s+changed=0\s+unreachable=1/m);
    expect(r.stdout).toMatch(/^node1\s+: ok=2\s+changed=2/m);
    const tolerated = await fleet(['play', join(FIXTURES, 'unreachable.yaml'), '-i', inv, '-T', '2', '-e', 'tolerate=true']);
    expect(tolerated.code, tolerated.stdout + tolerated.stderr).toBe(0);
    // As Ansible 2.14 counts an ignored unreachable result: ok and ignored.
    expect(tolerated.stdout).toMatch(/^ghost\s+: ok=2\s+changed=0\s+unreachable=0\s+failed=0\s+skipped=0\s+rescued=0\s+ignored=2/m);
    expect(tolerated.stdout.match(/^fatal: \[ghost\]: UNREACHABLE! => .*\n\.\.\.ignoring$/gm)).toHaveLength(2);
  });

  it('stops starting new work on Ctrl-C, still prints the recap, exit 99', async () => {
    const child = spawn(process.execPath, [CLI, 'play', join(FIXTURES, 'slow.yaml'), '-i', lab().inventoryPath], { env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (out.includes('TASK [sleep a little]')) {
          clearInterval(poll);
          resolve();
        }
      }, 50);
    });
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(99);
    expect(out).toMatch(/PLAY RECAP/);
    expect(out.match(/^changed: \[node\d\]$/gm)?.length ?? 0).toBeLessThan(3);
  });

  it('writes JSON lines, an event each, with --output json-events', async () => {
    const r = await fleet(['play', join(FIXTURES, 'cli.yaml'), '-i', lab().inventoryPath, '--output', 'json-events', '-l', 'node1']);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(events.filter((e) => e.type === 'host_result').map((e) => `${e.task.name}:${e.status}`)).toEqual(['first:changed', 'second:ok', 'third:changed']);
    expect(events.at(-1).type).toBe('run_end');
  });

  it("writes one document shaped as Ansible's json callback with --output json", async () => {
    const r = await fleet(['play', join(FIXTURES, 'cli.yaml'), '-i', lab().inventoryPath, '--output', 'json', '-l', 'node1,node2']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      plays: { play: { name: string; id: string; duration: { start: string; end: string } }; tasks: { task: { name: string; path: string }; hosts: Record<string, { changed: boolean; action: string }> }[] }[];
      stats: Record<string, Record<string, number>>;
      custom_stats: object;
      global_custom_stats: object;
    };
    expect(Object.keys(doc).sort()).toEqual(['custom_stats', 'global_custom_stats', 'plays', 'stats']);
    expect(doc.plays.map((p) => p.play.name)).toEqual(['cli play']);
    expect(doc.plays[0]!.play.duration.end >= doc.plays[0]!.play.duration.start).toBe(true);
    expect(doc.plays[0]!.tasks.map((t) => t.task.name)).toEqual(['first', 'second', 'third']);
    expect(doc.plays[0]!.tasks[0]!.task.path).toMatch(/cli\.yaml:\d+$/);
    expect(doc.plays[0]!.tasks[0]!.hosts.node1).toMatchObject({ changed: true, action: 'command' });
    expect(Object.keys(doc.plays[0]!.tasks[1]!.hosts).sort()).toEqual(['node1', 'node2']);
    expect(doc.stats.node2).toEqual({ changed: 2, failures: 0, ignored: 0, ok: 3, rescued: 0, skipped: 0, unreachable: 0 });
  });
});
