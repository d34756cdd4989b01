/**
 * unarchive on real lab nodes through playbooks: tar.gz/tar.xz/tar.bz2/zip from the controller and
 * remote_src, idempotency by member existence and size, creates, list_files, include/exclude,
 * check mode predicting the first run.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labExec } from '../src/lab/index.js';
import { parseTarVerbose, parseZipVerbose } from '../src/modules/unarchive.js';
import { useLab } from './helpers/lab.js';
import { play, type PlayRun } from './helpers/play.js';

const dir = mkdtempSync(join(tmpdir(), 'fleet-modunarchive-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const statusesOf = (r: PlayRun) => [...r.statuses.entries()].sort();
const resultOf = (r: PlayRun, task: string, host = 'node1') => {
  const e = r.events.find((x) => x.type === 'host_result' && x.task.name === task && x.host === host);
  return e && e.type === 'host_result' ? e : undefined;
};

beforeAll(() => {
  const src = join(dir, 'src');
  mkdirSync(join(src, 'app/sub'), { recursive: true });
  writeFileSync(join(src, 'app/a.txt'), 'alpha\n');
  writeFileSync(join(src, 'app/sub/b.txt'), 'bravo bravo\n');
  writeFileSync(join(src, 'app/skip.log'), 'log\n');
  mkdirSync(join(dir, 'files'));
  execFileSync('tar', ['-czf', join(dir, 'files/app.tar.gz'), '-C', src, 'app']);
  execFileSync('tar', ['-cJf', join(dir, 'files/app.tar.xz'), '-C', src, 'app']);
  execFileSync('tar', ['-cjf', join(dir, 'files/app.tar.bz2'), '-C', src, 'app']);
  execFileSync('python3', ['-c', `import zipfile,os\nz=zipfile.ZipFile(${JSON.stringify(join(dir, 'files/app.zip'))},'w')\nos.chdir(${JSON.stringify(src)})\nfor p in ['app/','app/a.txt','app/sub/','app/sub/b.txt','app/skip.log']: z.write(p)\nz.close()`]);
});

describe('unarchive listings', () => {
  it('parses GNU tar -tv and zipinfo lines', () => {
    expect(parseTarVerbose(['drwxr-xr-x 0/0               0 2024-01-01 00:00 app/', '-rw-r--r-- 0/0               6 2024-01-01 00:00 app/a b.txt', 'lrwxrwxrwx 0/0 0 2024-01-01 00:00 app/l -> a'], ['app/', 'app/a b.txt', 'app/l'])).toEqual([
      { name: 'app/', type: 'dir', size: 0 },
      { name: 'app/a b.txt', type: 'file', size: 6 },
      { name: 'app/l', type: 'link', size: 0 },
    ]);
    const zi = ['Archive:  x.zip', 'Zip file size: 1 bytes, number of entries: 2', 'drwxr-xr-x  3.0 unx        0 bx stor 24-Jan-01 00:00 app/', '-rw-r--r--  3.0 unx        6 tx stor 24-Jan-01 00:00 app/a.txt', '2 files, 6 bytes uncompressed'];
    expect(parseZipVerbose(zi, ['app/', 'app/a.txt'])).toEqual([
      { name: 'app/', type: 'dir', size: 0 },
      { name: 'app/a.txt', type: 'file', size: 6 },
    ]);
  });
});

describe('unarchive on the lab', () => {
  const lab = useLab(2, 't-modunarchive');
  const sh = async (cmd: string, index = 0) => {
    const r = await labExec(lab().nodes[index]!, ['sh', '-c', cmd]);
    expect(r.rc, r.stderr).toBe(0);
    return r.stdout;
  };

  it('extracts each format, then is ok; check mode predicts; creates, list_files, exclude, mode/owner', async () => {
    await Promise.all(lab().nodes.map((_, i) => sh('rm -rf /tmp/ua && mkdir -p /tmp/ua/gz /tmp/ua/xz /tmp/ua/bz2 /tmp/ua/zip /tmp/ua/ex /tmp/ua/rs /tmp/ua/cr && touch /tmp/ua/cr/marker', i)));
    const file = join(dir, 'unarchive.yml');
    writeFileSync(
      file,
      `
- hosts: all
  gather_facts: false
  tasks:
    - name: gz
      unarchive: {src: app.tar.gz, dest: /tmp/ua/gz, list_files: true}
    - name: xz
      unarchive: {src: app.tar.xz, dest: /tmp/ua/xz, mode: 'u=rwX,g=rX,o=', owner: deploy}
    - name: bz2
      unarchive: {src: app.tar.bz2, dest: /tmp/ua/bz2}
    - name: zip
      unarchive: {src: app.zip, dest: /tmp/ua/zip}
    - name: exclude
      unarchive: {src: app.tar.gz, dest: /tmp/ua/ex, exclude: ['*.log']}
    - name: creates
      unarchive: {src: app.tar.gz, dest: /tmp/ua/cr, creates: /tmp/ua/cr/marker}
`,
    );
    const check = await play(file, lab().inventoryPath, { checkMode: true });
    expect(await sh('find /tmp/ua -mindepth 2 | sort')).toBe('/tmp/ua/cr/marker\n');
    const first = await play(file, lab().inventoryPath);
    expect(statusesOf(check)).toEqual(statusesOf(first));
    for (const t of ['gz', 'xz', 'bz2', 'zip', 'exclude']) expect(first.statuses.get(`${t}|node2`), t).toBe('changed');
    expect(first.statuses.get('creates|node1')).toBe('skipped');
    for (const d of ['gz', 'xz', 'bz2', 'zip']) expect(await sh(`cat /tmp/ua/${d}/app/a.txt /tmp/ua/${d}/app/sub/b.txt`), d).toBe('alpha\nbravo bravo\n');
    expect(await sh('ls /tmp/ua/ex/app')).toBe('a.txt\nsub\n');
    expect(await sh('stat -c "%U %a" /tmp/ua/xz/app/a.txt /tmp/ua/xz/app/sub')).toBe('deploy 640\ndeploy 750\n');
    expect(resultOf(first, 'gz')?.result).toMatchObject({ handler: 'TgzArchive', dest: '/tmp/ua/gz' });
    expect([...((resultOf(first, 'gz')?.result.files as string[]) ?? [])].sort()).toEqual(['app/', 'app/a.txt', 'app/skip.log', 'app/sub/', 'app/sub/b.txt']);
    const second = await play(file, lab().inventoryPath);
    expect([...second.statuses.entries()].filter(([, s]) => s === 'changed')).toEqual([]);
    // A member changed in size is extracted again.
    await sh('echo more >> /tmp/ua/zip/app/a.txt');
    const third = await play(file, lab().inventoryPath, { limit: ['node1'] });
    expect(third.statuses.get('zip|node1')).toBe('changed');
    expect(await sh('cat /tmp/ua/zip/app/a.txt')).toBe('alpha\n');
  });

  it('remote_src, a missing dest, a non-archive', async () => {
    await sh('rm -rf /tmp/ub && mkdir -p /tmp/ub/out && printf "not an archive" > /tmp/ub/bad.tgz');
    await sh(`mkdir -p /tmp/ub/src/app && echo hi > /tmp/ub/src/app/x && tar -czf /tmp/ub/r.tgz -C /tmp/ub/src app`);
    const file = join(dir, 'unarchive2.yml');
    writeFileSync(
      file,
      `
- hosts: node1
  gather_facts: false
  tasks:
    - name: remote
      unarchive: {src: /tmp/ub/r.tgz, dest: /tmp/ub/out, remote_src: true}
    - name: no dest
      unarchive: {src: /tmp/ub/r.tgz, dest: /tmp/ub/nope, remote_src: true}
      ignore_errors: true
    - name: not an archive
      unarchive: {src: /tmp/ub/bad.tgz, dest: /tmp/ub/out, remote_src: true}
      ignore_errors: true
`,
    );
    const run = await play(file, lab().inventoryPath);
    expect(run.statuses.get('remote|node1')).toBe('changed');
    expect(await sh('cat /tmp/ub/out/app/x')).toBe('hi\n');
    expect(resultOf(run, 'no dest')?.result.msg).toBe("dest '/tmp/ub/nope' must be an existing dir");
    expect(resultOf(run, 'not an archive')?.result.msg).toMatch(/^Failed to find handler for "\/tmp\/ub\/bad.tgz"/);
    expect(await sh('ls /tmp | grep -c fleet-unarchive || true')).toBe('0\n');
  });
});
