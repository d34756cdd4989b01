import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { labExec } from '../src/lab/index.js';
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
    expect(r.stderr).toMatch(/^ERROR! \S*bad-module\.yaml:7:7, task "misspelt module": unknown module "comand" \(did you mean "command"\?\)$/m);
    // The bad parameter is that task's own problem: reported too (a warning), though alone it would not refuse the run.
    expect(r.stderr).toMatch(/\[WARNING\]: \S*bad-module\.yaml:9:\d+: task "bad parameter" will fail if it runs: Unsupported parameters for \(stat\) module: pth\. .*\(did you mean "path" for "pth"\?\)/);
    expect(r.stdout).not.toMatch(/TASK/);
  });

  /** The lab's inventory plus `ghost`, an address of the lab's subnet nobody answers on. */
  function inventoryWithGhost(): string {
    const dir = mkdtempSync(join(tmpdir(), 'fleet-play-'));
    const inv = join(dir, 'inv.ini');
    writeFileSync(inv, readFileSync(lab().inventoryPath, 'utf8').replace('[clients]', `[clients]\nghost ansible_host=${lab().subnet.replace(/\.0\/24$/, '.251')}`));
    return inv;
  }

  it('reports an unreachable host with exit 4, the others go on', async () => {
    const r = await fleet(['play', join(FIXTURES, 'unreachable.yaml'), '-i', inventoryWithGhost(), '-T', '2']);
    expect(r.code).toBe(4);
    expect(r.stdout).toMatch(/^fatal: \[ghost\]: UNREACHABLE! =>/m);
    expect(r.stdout).toMatch(/^TASK \[the rest go on\] \*+$/m);
    expect(r.stdout).toMatch(/^ghost\s+: ok=0\s+changed=0\s+unreachable=1\s+failed=0/m);
    for (const n of ['node1', 'node2', 'node3']) expect(r.stdout).toMatch(new RegExp(`^${n}\\s+: ok=2\\s+changed=2\\s+unreachable=0\\s+failed=0`, 'm'));
  });

  it('ignore_unreachable tolerates the unreachable host: exit 0', async () => {
    const inv = inventoryWithGhost();
    const tolerated = await fleet(['play', join(FIXTURES, 'unreachable.yaml'), '-i', inv, '-T', '2', '-e', 'tolerate=true']);
    expect(tolerated.code, tolerated.stdout + tolerated.stderr).toBe(0);
    // As Ansible 2.14 counts an ignored unreachable result: ok and ignored.
    expect(tolerated.stdout).toMatch(/^ghost\s+: ok=2\s+changed=0\s+unreachable=0\s+failed=0\s+skipped=0\s+rescued=0\s+ignored=2/m);
    expect(tolerated.stdout.match(/^fatal: \[ghost\]: UNREACHABLE! => .*\n\.\.\.ignoring$/gm)).toHaveLength(2);
  });

  /** node1 fails the first task; the second task shows whether the play went on. */
  function failPlaybook(pct: number): string {
    const dir = mkdtempSync(join(tmpdir(), 'fleet-maxfail-'));
    const file = join(dir, 'pb.yaml');
    writeFileSync(
      file,
      `- name: max fail\n  hosts: all\n  gather_facts: false\n  max_fail_percentage: ${pct}\n  tasks:\n` +
        `    - name: node1 fails\n      command: "true"\n      failed_when: inventory_hostname == 'node1'\n` +
        `    - name: the rest go on\n      command: "true"\n`,
    );
    return file;
  }
  describe('max_fail_percentage (the play stops once failed/batch*100 is MORE than it, as Ansible 2.14)', () => {
    const line = (host: string, ok: number, changed: number, unreachable: number, failed: number) =>
      new RegExp(`^${host}\\s+: ok=${ok}\\s+changed=${changed}\\s+unreachable=${unreachable}\\s+failed=${failed}\\s`, 'm');

    it('1 of 3 failed (33%) over a 30% limit: no later task starts on any host, exit 2', async () => {
      const r = await fleet(['play', failPlaybook(30), '-i', lab().inventoryPath]);
      expect(r.code, r.stdout + r.stderr).toBe(2);
      expect(r.stdout).toMatch(/^fatal: \[node1\]: FAILED! =>/m);
      expect(r.stdout).not.toMatch(/TASK \[the rest go on\]/);
      expect(r.stdout).toMatch(/^PLAY RECAP \*+$/m);
      expect(r.stdout).toMatch(line('node1', 0, 0, 0, 1));
      expect(r.stdout).toMatch(line('node2', 1, 1, 0, 0));
      expect(r.stdout).toMatch(line('node3', 1, 1, 0, 0));
    });

    it('1 of 3 failed (33%) under a 34% limit: the others go on, exit 2', async () => {
      const r = await fleet(['play', failPlaybook(34), '-i', lab().inventoryPath]);
      expect(r.code, r.stdout + r.stderr).toBe(2);
      expect(r.stdout).toMatch(/^TASK \[the rest go on\] \*+$/m);
      expect(r.stdout).toMatch(line('node1', 0, 0, 0, 1));
      expect(r.stdout).toMatch(line('node2', 2, 2, 0, 0));
      expect(r.stdout).toMatch(line('node3', 2, 2, 0, 0));
    });

    it('exactly the limit (1 of 2 = 50% under 50%) is not more than it: the play goes on', async () => {
      const r = await fleet(['play', failPlaybook(50), '-i', lab().inventoryPath, '-l', 'node1,node2']);
      expect(r.code, r.stdout + r.stderr).toBe(2);
      expect(r.stdout).toMatch(/^TASK \[the rest go on\] \*+$/m);
      expect(r.stdout).toMatch(line('node2', 2, 2, 0, 0));
      expect(r.stdout).not.toMatch(/^node3\s/m);
    });

    it('an unreachable host does not count toward it (1 of 3 unreachable, 33%, over 20%): the play goes on, exit 4', async () => {
      // ghost, node2, node3: ghost is unreachable, nobody fails (node1 is left out). Ansible 2.14 counts
      // only failed hosts against max_fail_percentage.
      const r = await fleet(['play', failPlaybook(20), '-i', inventoryWithGhost(), '-T', '2', '-l', 'ghost,node2,node3']);
      expect(r.code, r.stdout + r.stderr).toBe(4);
      expect(r.stdout).toMatch(/^fatal: \[ghost\]: UNREACHABLE! =>/m);
      expect(r.stdout).toMatch(/^TASK \[the rest go on\] \*+$/m);
      expect(r.stdout).toMatch(line('ghost', 0, 0, 1, 0));
      expect(r.stdout).toMatch(line('node2', 2, 2, 0, 0));
      expect(r.stdout).toMatch(line('node3', 2, 2, 0, 0));
    });
  });

  it('with retry files enabled, writes the failed and the unreachable hosts, sorted, to PLAYBOOK.retry beside the playbook', async () => {
    const pb = failPlaybook(34);
    const r = await fleet(['play', pb, '-i', inventoryWithGhost(), '-T', '2'], { ANSIBLE_RETRY_FILES_ENABLED: 'True' });
    expect(r.code, r.stdout + r.stderr).toBe(4);
    const retry = pb.replace(/\.yaml$/, '.retry');
    expect(readFileSync(retry, 'utf8')).toBe('ghost\nnode1\n');
    expect(r.stderr).toContain(`to retry, use: --limit @${retry}`);
  });

  /** A play whose first task sleeps `seconds` on every node; a second task must never start once interrupted. */
  function interruptiblePlaybook(seconds: string): string {
    const dir = mkdtempSync(join(tmpdir(), 'fleet-int-'));
    const file = join(dir, 'pb.yaml');
    writeFileSync(file, `- name: slow\n  hosts: all\n  gather_facts: false\n  tasks:\n    - name: sleep a little\n      command: sleep ${seconds}\n    - name: never started\n      command: "true"\n`);
    return file;
  }
  /** Resolves once `sleep <seconds>` runs on every node: the task has really started everywhere. */
  async function sleepingEverywhere(seconds: string): Promise<void> {
    for (const node of lab().nodes) {
      for (let i = 0; ; i++) {
        if ((await labExec(node, ['pgrep', '-f', `^sleep ${seconds}$`])).rc === 0) break;
        if (i > 600) throw new Error(`sleep ${seconds} never started on ${node.name}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  it('on Ctrl-C lets the running task finish, starts no new task, prints the recap, exit 99', async () => {
    const pb = interruptiblePlaybook('3.217');
    const child = spawn(process.execPath, [CLI, 'play', pb, '-i', lab().inventoryPath], { env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await sleepingEverywhere('3.217');
    child.kill('SIGINT');
    const code = await exited;
    expect(code, out + err).toBe(99);
    expect(err).toContain('[interrupted] finishing running work; press Ctrl-C again to quit now');
    expect(out).toMatch(/^TASK \[sleep a little\] \*+$/m);
    // What ran finished and was reported; nothing new started.
    expect((out.match(/^changed: \[node\d\]$/gm) ?? []).sort()).toEqual(['changed: [node1]', 'changed: [node2]', 'changed: [node3]']);
    expect(out).not.toMatch(/TASK \[never started\]/);
    expect(out).toMatch(/^PLAY RECAP \*+$/m);
    for (const n of ['node1', 'node2', 'node3']) expect(out).toMatch(new RegExp(`^${n}\\s+: ok=1\\s+changed=1\\s+unreachable=0\\s+failed=0`, 'm'));
  });

  it('a second Ctrl-C leaves at once, without waiting for the running task, exit 99', async () => {
    const pb = interruptiblePlaybook('120.5');
    const child = spawn(process.execPath, [CLI, 'play', pb, '-i', lab().inventoryPath], { env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    let exitedCode: number | null | undefined;
    const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve((exitedCode = c))));
    try {
      await sleepingEverywhere('120.5');
      child.kill('SIGINT');
      while (!err.includes('[interrupted]')) await new Promise((r) => setTimeout(r, 50));
      // After one Ctrl-C the run waits for the 120 s sleep: still there a second later.
      await new Promise((r) => setTimeout(r, 1000));
      expect(exitedCode).toBeUndefined();
      child.kill('SIGINT');
      // Hang guard far below the sleep's 120 s: only leaving at once gets under it.
      const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 60_000))]);
      expect(code, out + err).toBe(99);
      expect(out).not.toMatch(/TASK \[never started\]/);
    } finally {
      if (exitedCode === undefined) child.kill('SIGKILL');
      for (const node of lab().nodes) {
        const pids = (await labExec(node, ['pgrep', '-f', '^sleep 120.5$'])).stdout.trim().split(/\s+/).filter(Boolean);
        if (pids.length) await labExec(node, ['kill', ...pids]);
      }
    }
  }, 90_000);

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
