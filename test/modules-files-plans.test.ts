/** The pure halves of file, copy and template: parseMode, attrChanges, probe parsing and plans. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentText, planCopy, type CopyParams, type CopyState } from '../src/modules/copy.js';
import { parseFileProbe, planFile, timeToDateString, type FileParams, type FileState } from '../src/modules/file.js';
import { renderTemplateFile, templateVars, type TemplateParams } from '../src/modules/template.js';
import type { ModuleContext } from '../src/modules/types.js';
import { attrChanges, attrCommands, parseMode, parseProbe, probeScript, SHELL_READ_MAX, type RemoteFile } from '../src/modules/util/file-attrs.js';
import { parseWrite, sha1, writeScript } from '../src/modules/util/file-write.js';

const FIX = resolve(import.meta.dirname, 'fixtures/modules-files');

const f = (over: Partial<RemoteFile> = {}): RemoteFile => ({
  path: '/p', exists: true, type: 'file', isLink: false, mode: 0o644, uid: 0, gid: 0, owner: 'root', group: 'root', size: 3, inode: 10, dev: 1, nlink: 1, atime: 100, mtime: 100, ...over,
});
const absent = (path = '/p'): RemoteFile => f({ path, exists: false, type: 'absent', mode: 0, uid: -1, gid: -1 });
const ids = { uids: { alice: 1000, ghost: null }, gids: { staff: 50 } };

describe('parseMode', () => {
  it('octal strings and numbers', () => {
    expect(parseMode('0644', 0, false)).toBe(0o644);
    expect(parseMode('755', 0, false)).toBe(0o755);
    expect(parseMode('1777', 0, true)).toBe(0o1777);
    expect(parseMode(0o600, 0, false)).toBe(0o600);
  });
  it('symbolic', () => {
    expect(parseMode('u=rw,g=r,o=r', 0o777, false)).toBe(0o644);
    expect(parseMode('u+x', 0o644, false)).toBe(0o744);
    expect(parseMode('a-w', 0o664, false)).toBe(0o444);
    expect(parseMode('=', 0o755, false)).toBe(0);
    expect(parseMode('go=', 0o755, false)).toBe(0o700);
    expect(parseMode('a+X', 0o644, true)).toBe(0o755);
    expect(parseMode('a+X', 0o644, false)).toBe(0o644);
    expect(parseMode('g=u', 0o640, false)).toBe(0o660);
    expect(parseMode('u+s,o+t', 0o755, true)).toBe(0o5755);
  });
  it('bad modes', () => {
    expect(() => parseMode('u=q', 0, false)).toThrow(/bad symbolic permission/);
    expect(() => parseMode('99999', 0, false)).toThrow();
  });
});

describe('attrChanges / attrCommands', () => {
  it('mode, owner and group with their diff values', () => {
    const c = attrChanges({ mode: '0600', owner: 'alice', group: 'staff' }, f(), ids);
    expect(c).toMatchObject({ changed: true, mode: 0o600, owner: 'alice', group: 'staff', before: { mode: '0644', owner: 0, group: 0 }, after: { mode: '0600', owner: 1000, group: 50 } });
    expect(attrCommands("'/p'", c)).toBe("chown alice:staff -- '/p' && chmod 0600 -- '/p'");
  });
  it('nothing to do, numeric ids, unknown user', () => {
    expect(attrChanges({ mode: 'u=rw,go=r', owner: '0' }, f(), ids).changed).toBe(false);
    expect(attrChanges({ owner: 'ghost' }, f(), ids).error).toBe('chown failed: failed to look up user ghost');
  });
});

describe('probe parsing', () => {
  it('parses files, ids, umask and the extra part', () => {
    const out = ['umask', '0022', 'F', '1', '0', '81a4|3|0|0|root|root|5|6|1|1|2', '', 'abc', '=aGkK', 'F', '0', '0', '', '', '', '', 'U', 'alice', '1000', 'X', 'R 41ed|0|0\n'].join('\0');
    const r = parseProbe(['/a', '/b'], out, { users: ['alice'] });
    expect(r.umask).toBe(0o22);
    expect(r.files[0]).toMatchObject({ path: '/a', exists: true, type: 'file', mode: 0o644, size: 3, checksum: 'abc' });
    expect(r.files[0]!.content?.toString()).toBe('hi\n');
    expect(r.files[1]!.exists).toBe(false);
    expect(r.uids.alice).toBe(1000);
    expect(r.extra).toBe('R 41ed|0|0\n');
    expect(probeScript(['/a'], { checksum: true })).toContain('sha1sum');
  });
  it('file probe extra: tree entries and times', () => {
    const p = { path: '/d', recurse: true } as FileParams;
    const out = ['umask', '0022', 'F', '1', '0', '41ed|3|0|0|root|root|5|6|2|1|2', '', '', '', 'F', '1', '0', '41ed|3|0|0|root|root|5|6|2|1|2', '', '', '', 'X', 'E\nR 81a4|0|0\nT 1577961000\n'].join('\0');
    const s = parseFileProbe(p, [{ path: '/d', follow: false }, { path: '/d', follow: true }], out);
    expect(s.dirNotEmpty).toBe(true);
    expect(s.entries).toEqual([{ type: 'file', mode: 0o644, uid: 0, gid: 0 }]);
    expect(s.mtime).toBe(1577961000);
  });
  it('time formats', () => {
    expect(timeToDateString('202001021030.00', '%Y%m%d%H%M.%S')).toBe('2020-01-02 10:30:00');
    expect(() => timeToDateString('2020', '%Y%m%d')).toThrow(/Error while obtaining timestamp/);
  });
});

const fp = (over: Partial<FileParams>): FileParams => ({ path: '/p', recurse: false, force: false, follow: true, modification_time_format: '%Y%m%d%H%M.%S', access_time_format: '%Y%m%d%H%M.%S', ...over });
const fs = (lst: RemoteFile, over: Partial<FileState> = {}): FileState => ({ lst, tgt: lst, ids, umask: 0o022, ...over });

describe('planFile', () => {
  it('state=file: attributes only; absent fails', () => {
    const plan = planFile(fp({ mode: '0600' }), fs(f()));
    expect(plan.actions.map((a) => a.command)).toEqual(["chmod 0600 -- /p"]);
    // A mapping, as Ansible's file module returns it (shown as sorted JSON).
    expect(plan.diff?.[0]?.before).toEqual({ mode: '0644', path: '/p' });
    expect(planFile(fp({}), fs(f())).diff).toEqual([{ before: { path: '/p' }, after: { path: '/p' } }]);
    expect(planFile(fp({}), fs(f())).actions).toEqual([]);
    expect(() => planFile(fp({ state: 'file' }), fs(absent()))).toThrow('file (/p) is absent, cannot continue');
    expect(() => planFile(fp({ state: 'file' }), fs(f({ type: 'directory' })))).toThrow('file (/p) is directory, cannot continue');
  });
  it('state=directory: create with mode, existing, conflicts, recurse', () => {
    const mk = planFile(fp({ state: 'directory', mode: '0750' }), fs(absent()));
    expect(mk.actions[0]!.kind).toBe('mkdir');
    expect(mk.actions[0]!.command).toContain('mkdir -p -- /p');
    expect(mk.actions[0]!.command).toContain('chmod 0750 -- "$x"');
    expect(mk.diff![0]!.before).toEqual({ path: '/p', state: 'absent', mode: '0755' });
    expect(mk.diff![0]!.after).toEqual({ path: '/p', state: 'directory', mode: '0750' });
    const d = f({ type: 'directory', mode: 0o755 });
    expect(planFile(fp({ state: 'directory', mode: '0755' }), fs(d)).actions).toEqual([]);
    expect(() => planFile(fp({ state: 'directory' }), fs(f()))).toThrow('/p already exists as a file');
    const rec = planFile(fp({ state: 'directory', recurse: true, owner: 'alice' }), fs(d, { entries: [{ type: 'file', mode: 0o644, uid: 0, gid: 0 }] }));
    expect(rec.actions.map((a) => a.kind)).toEqual(['attrs', 'recurse']);
    expect(rec.actions[1]!.command).toBe('chown -R -h alice -- /p/');
    expect(() => planFile(fp({ state: 'file', recurse: true }), fs(f()))).toThrow("recurse option requires state to be 'directory'");
    expect(() => planFile(fp({ src: '/src' }), fs(f()))).toThrow("src option requires state to be 'link' or 'hard'");
  });
  it('state=touch: create, or update times (always changed), times from the probe', () => {
    const t = planFile(fp({ state: 'touch' }), fs(absent()));
    expect(t.actions.map((a) => a.command)).toEqual(['touch -- /p']);
    expect(planFile(fp({ state: 'touch' }), fs(f())).actions.map((a) => a.command)).toEqual(['touch -m -c -- /p', 'touch -a -c -- /p']);
    expect(planFile(fp({ state: 'touch', modification_time: 'preserve', access_time: 'preserve' }), fs(f())).actions).toEqual([]);
    const at = planFile(fp({ state: 'file', modification_time: '202001021030.00' }), fs(f(), { mtime: 1577961000 }));
    expect(at.actions.map((a) => a.command)).toEqual(['touch -m -c -d @1577961000 -- /p']);
    expect(planFile(fp({ state: 'file', modification_time: '202001021030.00' }), fs(f({ mtime: 1577961000 }), { mtime: 1577961000 })).actions).toEqual([]);
  });
  it('state=link: create, keep, retarget, refuse, force', () => {
    const src = f({ path: '/src' });
    expect(planFile(fp({ state: 'link', src: '/src' }), fs(absent(), { src })).actions[0]!.command).toContain("ln -s -- /src /p.fleet-ln.$$ && mv -Tf");
    const link = f({ isLink: true, type: 'link', linkTarget: '/src' });
    expect(planFile(fp({ state: 'link', src: '/src', follow: false }), fs(link, { src })).actions).toEqual([]);
    const re = planFile(fp({ state: 'link', src: '/other', follow: false }), fs(link, { src: f({ path: '/other' }) }));
    expect(re.diff![0]!.after).toEqual({ path: '/p', src: '/other' });
    expect(() => planFile(fp({ state: 'link', src: '/nope' }), fs(absent(), { src: absent('/nope') }))).toThrow(/src file does not exist, use "force=yes"/);
    expect(planFile(fp({ state: 'link', src: '/nope', force: true }), fs(absent(), { src: absent('/nope') })).actions).toHaveLength(1);
    expect(() => planFile(fp({ state: 'link', src: '/src' }), fs(f(), { src }))).toThrow('refusing to convert from file to symlink for /p');
    expect(() => planFile(fp({ state: 'link', src: '/src', force: true }), fs(f({ type: 'directory' }), { src, dirNotEmpty: true }))).toThrow(/is not empty/);
    expect(() => planFile(fp({ state: 'link' }), fs(absent()))).toThrow(/src is required/);
  });
  it('state=hard: same inode is ok; a different file needs force', () => {
    const src = f({ path: '/src', inode: 10, nlink: 2 });
    expect(planFile(fp({ state: 'hard', src: '/src' }), fs(f({ inode: 10, nlink: 2 }), { src })).actions).toEqual([]);
    expect(planFile(fp({ state: 'hard', src: '/src' }), fs(absent(), { src })).actions[0]!.kind).toBe('hard');
    expect(() => planFile(fp({ state: 'hard', src: '/src' }), fs(f({ inode: 11 }), { src }))).toThrow('Cannot link, file exists at destination');
    expect(() => planFile(fp({ state: 'hard', src: '/src' }), fs(absent(), { src: absent('/src') }))).toThrow(/src does not exist/);
  });
  it('state=absent, and the default state', () => {
    const rm = planFile(fp({ state: 'absent' }), fs(f({ type: 'directory' })));
    expect(rm.actions.map((a) => a.command)).toEqual(['rm -rf -- /p']);
    expect(rm.diff![0]!.before).toEqual({ path: '/p', state: 'directory' });
    expect(planFile(fp({ state: 'absent' }), fs(absent())).actions).toEqual([]);
    expect(planFile(fp({ mode: '0700' }), fs(f({ type: 'directory' }))).state).toBe('directory');
  });
  it('unknown owner fails in plan (so in check mode too)', () => {
    expect(() => planFile(fp({ owner: 'ghost' }), fs(f()))).toThrow('chown failed: failed to look up user ghost');
  });
});

const cp = (over: Partial<CopyParams>): CopyParams => ({ dest: '/d', remote_src: false, backup: false, force: true, follow: false, local_follow: true, decrypt: true, ...over });
const cs = (current: RemoteFile, content: string, over: Partial<CopyState> = {}): CopyState => ({
  items: [{ dest: current.path, content: Buffer.from(content), src: '/ctl/files/x', srcMode: 0o755, current }],
  dirs: [],
  parent: f({ path: '/', type: 'directory' }),
  ids,
  umask: 0o022,
  tree: false,
  dest: current.path,
  ...over,
});

describe('planCopy', () => {
  it('writes a new file with the content diff', () => {
    const plan = planCopy(cp({ mode: '0600', backup: true, validate: 'true %s' }), cs(absent('/d'), 'new\n'));
    expect(plan.actions[0]).toMatchObject({ kind: 'write', item: { dest: '/d', mode: 0o600, backup: true, validate: 'true %s' } });
    expect(plan.diff?.[0]).toEqual({ before: '', after: 'new\n', before_header: '/d', after_header: '/ctl/files/x' });
  });
  it('same checksum: nothing, or only attributes', () => {
    const cur = f({ path: '/d', checksum: sha1('same\n'), content: Buffer.from('same\n') });
    expect(planCopy(cp({}), cs(cur, 'same\n')).actions).toEqual([]);
    const attrs = planCopy(cp({ mode: 'preserve' }), cs(cur, 'same\n'));
    expect(attrs.actions).toEqual([{ kind: 'attrs', dest: '/d', command: 'chmod 0755 -- /d' }]);
  });
  it('changed content keeps the diff of both sides; force: false leaves it', () => {
    const cur = f({ path: '/d', checksum: sha1('old\n'), content: Buffer.from('old\n') });
    expect(planCopy(cp({}), cs(cur, 'new\n')).diff?.[0]).toMatchObject({ before: 'old\n', after: 'new\n' });
    expect(planCopy(cp({ force: false }), cs(cur, 'new\n')).actions).toEqual([]);
  });
  it('errors: checksum, missing parent, validate without %s, unknown owner', () => {
    expect(() => planCopy(cp({ checksum: 'abc' }), cs(absent('/d'), 'x'))).toThrow(/does not match the expected checksum/);
    expect(() => planCopy(cp({}), cs(absent('/d'), 'x', { parent: absent('/') }))).toThrow('Destination directory / does not exist');
    expect(() => planCopy(cp({ validate: 'visudo -c' }), cs(absent('/d'), 'x'))).toThrow(/validate must contain %s/);
    expect(() => planCopy(cp({ owner: 'ghost' }), cs(absent('/d'), 'x'))).toThrow(/failed to look up user ghost/);
  });
  it('trees create directories with directory_mode', () => {
    const plan = planCopy(cp({ directory_mode: '0700' }), cs(absent('/d/t/a'), 'A', { tree: true, parent: undefined, dirs: [absent('/d/t')] }));
    expect(plan.actions.map((a) => a.kind)).toEqual(['mkdir', 'write']);
    expect(plan.actions[0]).toMatchObject({ dir: { path: '/d/t', mode: 0o700 } });
  });
});

describe('file-write script', () => {
  it('checks size and sha1, applies attributes before the rename, backs up, validates', () => {
    const s = writeScript([{ dest: '/etc/x', content: Buffer.from('hi\n'), mode: 0o640, owner: 'root', group: 'adm', backup: true, validate: 'visudo -cf %s' }]);
    const order = ['cat > "$t"', '-eq 3', sha1('hi\n'), 'chown root:adm -- "$t"', 'chmod 0640 -- "$t"', 'visudo -cf "$t"', '$$.$(date +%Y-%m-%d@%H:%M:%S)~', 'mv -f -- "$t" "$p"'];
    let at = 0;
    for (const piece of order) {
      const i = s.indexOf(piece, at);
      expect(i, piece).toBeGreaterThan(-1);
      at = i;
    }
  });
  it('parses backups, failures and validation output', () => {
    expect(parseWrite(0, 'backup\0/x\0/x.1.2020-01-01@00:00:00~\0done\0/x\0', '').backups).toEqual({ '/x': '/x.1.2020-01-01@00:00:00~' });
    expect(parseWrite(2, ['validate', '/x', '1', 'bad syntax', ''].join('\0'), '')).toMatchObject({ ok: false, validateRc: 1, msg: 'failed to validate: rc:1 error:bad syntax' });
  });
});

describe('template on the controller', () => {
  const ctx = (render?: ModuleContext['renderTemplate']): ModuleContext =>
    ({ host: 'node9', connection: undefined as never, become: false, checkMode: false, searchPaths: [join(FIX, 'templates'), FIX], vars: {}, ...(render ? { renderTemplate: render } : {}), run: () => Promise.reject(new Error('no host')) }) as ModuleContext;
  const tp = (over: Partial<TemplateParams>): TemplateParams => ({ src: 't.j2', dest: '/d', backup: false, force: true, follow: false, trim_blocks: true, lstrip_blocks: false, newline_sequence: '\n', output_encoding: 'utf-8', ...over });
  it('finds the template in templates/, passes the options and template_* variables', () => {
    let seen: Parameters<NonNullable<ModuleContext['renderTemplate']>>[1] | undefined;
    const r = renderTemplateFile(ctx((text, o) => ((seen = o), text.replace('{{ template_host }}', String(o.extraVars?.template_host)))), tp({ lstrip_blocks: true, newline_sequence: '\r\n' }));
    expect(r.text).toBe(`host=${hostname()}\r\n`);
    expect(seen).toMatchObject({ fileName: join(FIX, 'templates/t.j2'), trimBlocks: true, lstripBlocks: true });
    expect(seen?.extraVars).toMatchObject({ template_host: hostname(), template_path: 't.j2', template_fullpath: join(FIX, 'templates/t.j2'), ansible_managed: 'Ansible managed' });
    expect(String(templateVars(ctx(), tp({}), '/x').template_run_date)).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
    // The template file's owner and modification time, as Ansible's action reads them on the controller.
    const file = join(FIX, 'templates/t.j2');
    const own = templateVars(ctx(), tp({}), file);
    expect(own.template_uid).toBe(spawnSync('stat', ['-c', '%U', file], { encoding: 'utf8' }).stdout.trim());
    expect(own.template_mtime).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
    expect(own.template_mtime).toBe(String(templateVars(ctx(), tp({}), file).template_mtime));
  });
  it('a missing template lists where it looked', () => {
    expect(() => renderTemplateFile(ctx((t) => t), tp({ src: 'nope.j2' }))).toThrow(/Could not find or access 'nope.j2'/);
  });
});

describe('the probe script on a local shell', () => {
  // ONE stat (and ONE stat -L, ONE sha1sum) for every path, small files read by the shell; when a
  // batch fails, every path is read on its own: both ways give the same answer. Fake stat/sha1sum
  // refuse several operands.
  const dir = mkdtempSync(join(tmpdir(), 'fleet-probe-'));
  mkdirSync(join(dir, 'd'));
  writeFileSync(join(dir, 'f'), 'hello\n');
  writeFileSync(join(dir, 'big'), 'x'.repeat(300));
  writeFileSync(join(dir, 'nl\nname'), 'nl\n');
  writeFileSync(join(dir, 'huge'), 'z'.repeat(SHELL_READ_MAX + 1));
  writeFileSync(join(dir, 'nul'), Buffer.from('a\0b\n'));
  writeFileSync(join(dir, 'bytes'), Buffer.from([0x61, 0xe9, 0x0a, 0xff, 0x5c, 0x20]));
  symlinkSync(join(dir, 'f'), join(dir, 'lf'));
  symlinkSync(join(dir, 'nothere'), join(dir, 'dangle'));
  symlinkSync('tar\nget -> x', join(dir, 'nltarget'));
  symlinkSync(join(dir, 'lf'), join(dir, 'chain'));
  const fake = join(dir, 'bin');
  mkdirSync(fake);
  for (const tool of ['stat', 'sha1sum']) {
    const real = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
    writeFileSync(join(fake, tool), `#!/bin/sh\nn=0; o=; for a in "$@"; do [ -n "$o" ] && n=$((n+1)); [ "$a" = -- ] && o=1; done\n[ $n -gt 1 ] && exit 1\nexec ${real} "$@"\n`, { mode: 0o755 });
  }
  const paths = [join(dir, 'f'), join(dir, 'd'), { path: join(dir, 'lf'), follow: true }, join(dir, 'lf'), { path: join(dir, 'dangle'), follow: true }, join(dir, 'missing'), join(dir, 'big'), join(dir, 'nl\nname'), join(dir, 'huge'), join(dir, 'nul'), join(dir, 'bytes')];
  const shells = ['dash', ...(spawnSync('busybox', ['true']).status === 0 ? ['busybox'] : [])];
  const probe = (sh: string, options: Parameters<typeof probeScript>[1], env: NodeJS.ProcessEnv = process.env) => {
    const script = probeScript(paths, options, "printf 'extra'");
    const r = spawnSync(sh, sh === 'busybox' ? ['sh', '-c', script] : ['-c', script], { env });
    expect(r.status).toBe(0);
    return parseProbe(paths, r.stdout, options);
  };
  it('links: the target from the one stat (%N), what a link points to from the line of that path', () => {
    // As the file module probes a link: the path, the path followed, the source it should point to.
    const sets = [
      [join(dir, 'lf'), { path: join(dir, 'lf'), follow: true }, { path: join(dir, 'f'), follow: true }],
      [join(dir, 'chain'), { path: join(dir, 'chain'), follow: true }, join(dir, 'lf')],
      [join(dir, 'nltarget'), { path: join(dir, 'nltarget'), follow: true }, join(dir, 'f')],
    ];
    for (const sh of shells) {
      for (const ps of sets) {
        const run = (env: NodeJS.ProcessEnv) => {
          const r = spawnSync(sh, sh === 'busybox' ? ['sh', '-c', probeScript(ps, {})] : ['-c', probeScript(ps, {})], { env });
          return parseProbe(ps, r.stdout, {}).files.map((x) => ({ ...x, atime: 0 }));
        };
        const files = run(process.env);
        expect(files).toEqual(run({ ...process.env, PATH: `${fake}:${process.env.PATH}` }));
        expect(files[0]).toMatchObject({ isLink: true, type: 'link' });
        expect(files[1]!.linkTarget).toBe(files[0]!.linkTarget);
      }
    }
    const chain = parseProbe(sets[1]!, spawnSync('dash', ['-c', probeScript(sets[1]!, {})]).stdout).files;
    expect(chain.map((x) => [x.type, x.linkTarget])).toEqual([['link', join(dir, 'lf')], ['file', join(dir, 'lf')], ['link', join(dir, 'f')]]);
    const nl = parseProbe(sets[2]!, spawnSync('dash', ['-c', probeScript(sets[2]!, {})]).stdout).files;
    expect(nl.map((x) => [x.type, x.linkTarget])).toEqual([['link', 'tar\nget -> x'], ['link', 'tar\nget -> x'], ['file', undefined]]);
  });
  it('batched and one by one agree: types, links, checksums, content up to the limit', () => {
    for (const sh of shells) {
      for (const options of [{}, { checksum: true, content: 100 }, { checksum: true, follow: true, users: ['root', 'fleet-ghost'], groups: ['root'] }]) {
        const batched = probe(sh, options);
        const single = probe(sh, options, { ...process.env, PATH: `${fake}:${process.env.PATH}` });
        const strip = (r: ReturnType<typeof parseProbe>) => ({ ...r, files: r.files.map((x) => ({ ...x, atime: 0 })) });
        expect(strip(batched)).toEqual(strip(single));
        expect(batched.extra).toBe('extra');
      }
      const r = probe(sh, { checksum: true, content: 100 });
      expect(r.files.map((x) => x.type)).toEqual(['file', 'directory', 'file', 'link', 'link', 'absent', 'file', 'file', 'file', 'file', 'file']);
      expect(r.files[0]).toMatchObject({ checksum: sha1(Buffer.from('hello\n')), content: Buffer.from('hello\n') });
      expect(r.files[2]).toMatchObject({ isLink: true, linkTarget: join(dir, 'f'), checksum: sha1(Buffer.from('hello\n')) });
      expect(r.files[3]!.checksum).toBeUndefined();
      expect(r.files[6]).toMatchObject({ contentSkipped: true, size: 300 });
      expect(r.files[7]!.checksum).toBe(sha1(Buffer.from('nl\n')));
      // Past SHELL_READ_MAX, or with a NUL byte, a program reads the file; any byte stays exact.
      expect(r.files[8]).toMatchObject({ checksum: sha1(Buffer.from('z'.repeat(SHELL_READ_MAX + 1))), contentSkipped: true });
      expect(r.files[9]).toMatchObject({ checksum: sha1(Buffer.from('a\0b\n')), content: Buffer.from('a\0b\n') });
      expect(r.files[10]).toMatchObject({ checksum: sha1(Buffer.from([0x61, 0xe9, 0x0a, 0xff, 0x5c, 0x20])), content: Buffer.from([0x61, 0xe9, 0x0a, 0xff, 0x5c, 0x20]) });
      expect(r.umask).toBe(process.umask());
    }
  });
});

// What ansible-playbook 2.14's copy writes for a content that is not text (its action plugin's rule).
describe('copy content that is not text', () => {
  it('a mapping or list is written as json.dumps, a scalar as Python prints it', () => {
    expect(contentText({ b: [1, 'x'], a: null })).toBe('{"b": [1, "x"], "a": null}');
    expect(contentText([true, 1.5])).toBe('[true, 1.5]');
    expect(contentText(true)).toBe('True');
    expect(contentText(5)).toBe('5');
    expect(contentText('as is\n')).toBe('as is\n');
  });
});
