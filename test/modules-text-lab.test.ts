/**
 * lineinfile, blockinfile and replace on real lab nodes through playbooks: the first run changes,
 * the second is ok, check mode predicts the first run without changing anything, --diff shows the
 * change, backup/validate/mode/create work, and bad parameters are rejected before any host.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { labExec } from '../src/lab/index.js';
import { loadPlaybook, PlaybookError } from '../src/playbook/index.js';
import { useLab } from './helpers/lab.js';
import { play, type PlayRun } from './helpers/play.js';

const dir = mkdtempSync(join(tmpdir(), 'fleet-modtext-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function playbook(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

const statusesOf = (r: PlayRun) => [...r.statuses.entries()].sort();
const resultOf = (r: PlayRun, task: string, host = 'node1') => {
  const e = r.events.find((x) => x.type === 'host_result' && x.task.name === task && x.host === host);
  return e && e.type === 'host_result' ? e : undefined;
};

const SEED = [
  'rm -rf /tmp/mt && mkdir -p /tmp/mt',
  `printf 'port=80\\n#comment\\ndebug=on\\n' > /tmp/mt/li.conf`,
  `printf 'Port 22\\n' > /tmp/mt/bi.conf`,
  `printf 'debug=on\\nx=1\\ndebug=yes\\n' > /tmp/mt/rp.conf`,
  `printf 'keep\\n#drop1\\n#drop2\\n' > /tmp/mt/abs.conf`,
  `printf 'a=1\\n' > /tmp/mt/val.conf`,
  `printf 'link target\\n' > /tmp/mt/real.conf && ln -s real.conf /tmp/mt/link.conf`,
].join(' && ');

const EDITS = `
- name: text edits
  hosts: all
  gather_facts: false
  tasks:
    - name: li replace
      lineinfile: {path: /tmp/mt/li.conf, regexp: '^port=', line: port=8080}
    - name: li backrefs
      lineinfile: {path: /tmp/mt/li.conf, regexp: '^debug=(\\w+)$', line: 'debug=off # was \\1', backrefs: true}
      when: false
    - name: li create
      lineinfile: {path: /tmp/mt/new/dir/created.txt, line: hello, create: true, mode: '0600'}
    - name: li absent
      lineinfile: {path: /tmp/mt/abs.conf, regexp: '^#', state: absent, backup: true}
    - name: li mode only
      lineinfile: {path: /tmp/mt/val.conf, line: a=1, mode: '0640'}
    - name: li through symlink
      lineinfile: {path: /tmp/mt/link.conf, line: added}
    - name: bi insert
      blockinfile: {path: /tmp/mt/bi.conf, block: "Match User deploy\\n  PasswordAuthentication no", insertbefore: BOF}
    - name: rp replace
      replace: {path: /tmp/mt/rp.conf, regexp: '^debug=(\\w+)$', replace: 'debug=off # was \\1'}
`;

describe('lineinfile, blockinfile, replace on the lab', () => {
  const lab = useLab(2, 't-modtext');
  const sh = async (cmd: string, index = 0) => {
    const r = await labExec(lab().nodes[index]!, ['sh', '-c', cmd]);
    expect(r.rc, r.stderr).toBe(0);
    return r.stdout;
  };
  const seed = () => Promise.all(lab().nodes.map((_, i) => sh(SEED, i)));

  it('check mode predicts the first run without changing anything; the second run is ok', async () => {
    await seed();
    const file = playbook('edits.yml', EDITS);
    const before = await sh('cd /tmp/mt && cat li.conf bi.conf rp.conf abs.conf real.conf && stat -c %a val.conf && ls');
    const check = await play(file, lab().inventoryPath, { checkMode: true, diffMode: true });
    expect(await sh('cd /tmp/mt && cat li.conf bi.conf rp.conf abs.conf real.conf && stat -c %a val.conf && ls')).toBe(before);
    const first = await play(file, lab().inventoryPath, { diffMode: true });
    expect(statusesOf(check)).toEqual(statusesOf(first));
    for (const host of ['node1', 'node2']) {
      for (const task of ['li replace', 'li create', 'li absent', 'li mode only', 'li through symlink', 'bi insert', 'rp replace']) {
        expect(first.statuses.get(`${task}|${host}`), `${task}|${host}`).toBe('changed');
      }
    }
    // The diffs of check mode are the diffs of the real run.
    for (const task of ['li replace', 'bi insert', 'rp replace']) expect(resultOf(check, task)?.diff).toEqual(resultOf(first, task)?.diff);
    expect(resultOf(first, 'li replace')?.diff?.[0]).toEqual({
      before: 'port=80\n#comment\ndebug=on\n',
      after: 'port=8080\n#comment\ndebug=on\n',
      before_header: '/tmp/mt/li.conf (content)',
      after_header: '/tmp/mt/li.conf (content)',
    });

    expect(await sh('cat /tmp/mt/li.conf')).toBe('port=8080\n#comment\ndebug=on\n');
    expect(await sh('cat /tmp/mt/new/dir/created.txt; stat -c %a /tmp/mt/new/dir/created.txt')).toBe('hello\n600\n');
    expect(await sh('cat /tmp/mt/abs.conf; ls /tmp/mt | grep -c "abs.conf\\..*~"')).toBe('keep\n1\n');
    expect(resultOf(first, 'li absent')?.result).toMatchObject({ found: 2, msg: '2 line(s) removed', backup: expect.stringMatching(/^\/tmp\/mt\/abs\.conf\.\d+\..*~$/) });
    expect(await sh('stat -c %a /tmp/mt/val.conf')).toBe('640\n');
    expect(resultOf(first, 'li mode only')?.result.msg).toBe('ownership, perms or SE linux context changed');
    // The symlink stays a symlink; its target got the line.
    expect(await sh('readlink /tmp/mt/link.conf; cat /tmp/mt/real.conf')).toBe('real.conf\nlink target\nadded\n');
    expect(await sh('cat /tmp/mt/bi.conf')).toBe('# BEGIN ANSIBLE MANAGED BLOCK\nMatch User deploy\n  PasswordAuthentication no\n# END ANSIBLE MANAGED BLOCK\nPort 22\n');
    expect(await sh('cat /tmp/mt/rp.conf')).toBe('debug=off # was on\nx=1\ndebug=off # was yes\n');
    expect(resultOf(first, 'rp replace')?.result.msg).toBe('2 replacements made');

    const second = await play(file, lab().inventoryPath);
    const changed = [...second.statuses.entries()].filter(([, s]) => s !== 'ok' && s !== 'skipped');
    expect(changed).toEqual([]);
  });

  it('validate failing leaves the file alone; missing files and directories fail as Ansible', async () => {
    await seed();
    const file = playbook(
      'fail.yml',
      `
- name: failures
  hosts: node1
  gather_facts: false
  tasks:
    - name: validate rejects
      lineinfile: {path: /tmp/mt/val.conf, line: b=2, validate: 'grep -q nothing-like-this %s'}
      ignore_errors: true
    - name: validate accepts
      blockinfile: {path: /tmp/mt/val.conf, block: b=2, validate: 'grep -q b=2 %s'}
    - name: missing without create
      lineinfile: {path: /tmp/mt/missing.conf, line: x}
      ignore_errors: true
    - name: directory
      replace: {path: /tmp/mt, regexp: x}
      ignore_errors: true
    - name: absent on a missing file
      lineinfile: {path: /tmp/mt/missing.conf, line: x, state: absent}
    - name: bad regexp
      replace: {path: /tmp/mt/val.conf, regexp: '(unclosed'}
      ignore_errors: true
`,
    );
    const run = await play(file, lab().inventoryPath);
    expect(run.statuses.get('validate rejects|node1')).toBe('failed');
    expect(resultOf(run, 'validate rejects')?.result.msg).toMatch(/^failed to validate: rc:1/);
    expect(run.statuses.get('validate accepts|node1')).toBe('changed');
    expect(await sh('cat /tmp/mt/val.conf; ls -a /tmp/mt | grep -c fleet-tmp || true')).toBe('a=1\n# BEGIN ANSIBLE MANAGED BLOCK\nb=2\n# END ANSIBLE MANAGED BLOCK\n0\n');
    expect(resultOf(run, 'missing without create')?.result.msg).toBe('Destination /tmp/mt/missing.conf does not exist !');
    expect(resultOf(run, 'directory')?.result.msg).toBe('Path /tmp/mt is a directory !');
    expect(run.statuses.get('absent on a missing file|node1')).toBe('ok');
    expect(resultOf(run, 'bad regexp')?.result.msg).toMatch(/invalid regular expression "\(unclosed"/);
  });

  it('rejects bad parameters when the playbook loads under --strict, with file and line', async () => {
    const file = playbook(
      'bad.yml',
      `- name: bad
  hosts: all
  tasks:
    - name: typo
      lineinfile: {path: /tmp/x, lin: foo}
`,
    );
    const problem = async (f: string) => {
      try {
        await loadPlaybook(f, { strict: true });
      } catch (e) {
        if (e instanceof PlaybookError) return e.problems.map((p) => `${p.file}:${p.line}: ${p.message}`).join('\n');
        throw e;
      }
      throw new Error(`${f} loaded`);
    };
    expect(await problem(file)).toMatch(new RegExp(`^${file}:5: Unsupported parameters for \\(lineinfile\\) module: lin\\. Supported parameters include: .*\\bline\\b`));
    const file2 = playbook('bad2.yml', `- hosts: all\n  tasks:\n    - blockinfile: {path: /tmp/x, state: maybe}\n`);
    expect(await problem(file2)).toBe(`${file2}:3: value of state must be one of: absent, present, got: maybe`);
    const file3 = playbook('bad3.yml', `- hosts: all\n  tasks:\n    - replace: {path: /tmp/x}\n`);
    expect(await problem(file3)).toBe(`${file3}:3: missing required arguments: regexp`);
  });
});
