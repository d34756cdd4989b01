/**
 * The plans of lineinfile, blockinfile and replace over probed states (no host): parameter rules,
 * attributes, diffs, messages, and what check mode reports.
 */
import { describe, expect, it } from 'vitest';
import { getModule, validateParams } from '../src/modules/index.js';
import type { RemoteFile } from '../src/modules/util/file-attrs.js';
import type { TextFileState } from '../src/modules/util/text-file.js';

function state(text: string | undefined, over: Partial<RemoteFile> = {}): TextFileState {
  const exists = text !== undefined;
  const file: RemoteFile = {
    path: '/etc/x.conf',
    exists,
    type: exists ? 'file' : 'absent',
    isLink: false,
    mode: 0o644,
    uid: 0,
    gid: 0,
    owner: 'root',
    group: 'root',
    size: text?.length ?? 0,
    inode: 1,
    dev: 1,
    nlink: 1,
    atime: 0,
    mtime: 0,
    ...over,
  };
  return { probe: { files: [file], uids: { root: 0, deploy: 1000 }, gids: { root: 0 }, umask: 0o022, extra: '' }, file, realPath: '/etc/x.conf', dirExists: true, ...(exists ? { text } : {}) };
}

function plan(name: string, args: Record<string, unknown>, s: TextFileState) {
  const m = getModule(name);
  return m.plan(validateParams(m.name, m.params, args, m), s);
}

describe('lineinfile plan', () => {
  it('a content change: one write action, the content diff, the message', () => {
    const p = plan('lineinfile', { path: '/etc/x.conf', regexp: '^a=', line: 'a=2' }, state('a=1\n'));
    expect(p.actions).toMatchObject([{ kind: 'write', dest: '/etc/x.conf', content: 'a=2\n', backup: false }]);
    expect(p.diff).toEqual([{ before: 'a=1\n', after: 'a=2\n', before_header: '/etc/x.conf (content)', after_header: '/etc/x.conf (content)' }]);
    expect(p.msg).toBe('line replaced');
  });

  it('nothing to do: no actions; mode/owner differences alone are a change with Ansible’s message and attribute diff', () => {
    const same = plan('lineinfile', { path: '/etc/x.conf', line: 'a=1', mode: '0644', owner: 'root' }, state('a=1\n'));
    expect(same.actions).toEqual([]);
    expect(same.result).toMatchObject({ changed: false, msg: '' });
    const p = plan('lineinfile', { path: '/etc/x.conf', line: 'a=1', mode: '0600', owner: 'deploy' }, state('a=1\n'));
    expect(p.result).toMatchObject({ changed: true, msg: 'ownership, perms or SE linux context changed' });
    expect(p.actions).toMatchObject([{ kind: 'attrs', change: { mode: 0o600, owner: 'deploy' } }]);
    expect(p.msg).toBe('ownership, perms or SE linux context changed');
    expect(p.diff?.[0]?.before).toContain('"mode": "0644"');
    const both = plan('lineinfile', { path: '/etc/x.conf', line: 'b', mode: 'u=rw,go=' }, state('a=1\n'));
    expect(both.msg).toBe('line added and ownership, perms or SE linux context changed');
    expect(both.result?.changed).toBe(true);
    expect(both.actions).toMatchObject([{ kind: 'write', mode: 0o600 }]);
  });

  it('create: a missing file is written (mkdir when its directory is missing); without create it fails', () => {
    const s = { ...state(undefined), dirExists: false, realPath: '/etc/new/x.conf' };
    expect(plan('lineinfile', { path: '/etc/new/x.conf', line: 'x', create: true }, s).actions).toMatchObject([{ kind: 'write', content: 'x\n', mkdir: '/etc/new' }]);
    expect(() => plan('lineinfile', { path: '/etc/new/x.conf', line: 'x' }, s)).toThrow('Destination /etc/new/x.conf does not exist !');
    expect(plan('lineinfile', { path: '/etc/new/x.conf', line: 'x', state: 'absent' }, s)).toMatchObject({ actions: [], msg: 'file not present' });
  });

  it('parameter rules of Ansible', () => {
    const s = state('a\n');
    expect(() => plan('lineinfile', { path: '/x', regexp: 'a', search_string: 'a', line: 'b' }, s)).toThrow('mutually exclusive: regexp|search_string');
    expect(() => plan('lineinfile', { path: '/x', insertafter: 'a', insertbefore: 'a', line: 'b' }, s)).toThrow('mutually exclusive: insertbefore|insertafter');
    expect(() => plan('lineinfile', { path: '/x', line: 'b', backrefs: true }, s)).toThrow('regexp is required with backrefs=true');
    expect(() => plan('lineinfile', { path: '/x', regexp: 'a' }, s)).toThrow('line is required with state=present');
    expect(() => plan('lineinfile', { path: '/x', state: 'absent' }, s)).toThrow('one of line, search_string, or regexp is required with state=absent');
    expect(() => plan('lineinfile', { path: '/x', line: 'b', validate: 'visudo -cf' }, s)).toThrow('validate must contain %s');
    expect(() => plan('lineinfile', { path: '/x', line: 'b' }, state(undefined, { exists: true, type: 'directory' }))).toThrow('Path /x is a directory !');
    expect(() => plan('lineinfile', { path: '/x', line: 'b', regexp: '(' }, s)).toThrow(/invalid regular expression/);
  });

  it('backup goes to the write; absent reports found', () => {
    expect(plan('lineinfile', { path: '/x', line: 'b', backup: true }, state('a\n')).actions).toMatchObject([{ backup: true }]);
    const p = plan('lineinfile', { path: '/x', regexp: '^a', state: 'absent' }, state('a\na2\nb\n'));
    expect((p as unknown as { result: Record<string, unknown> }).result).toMatchObject({ changed: true, found: 2, msg: '2 line(s) removed' });
  });
});

describe('blockinfile and replace plans', () => {
  it('blockinfile: insert, then nothing; absent on a missing file; missing without create fails', () => {
    const p = plan('blockinfile', { path: '/x', block: 'k=v' }, state('a\n'));
    expect(p.actions).toMatchObject([{ kind: 'write', content: 'a\n# BEGIN ANSIBLE MANAGED BLOCK\nk=v\n# END ANSIBLE MANAGED BLOCK\n' }]);
    expect(p.msg).toBe('Block inserted');
    expect(plan('blockinfile', { path: '/x', block: 'k=v' }, state('a\n# BEGIN ANSIBLE MANAGED BLOCK\nk=v\n# END ANSIBLE MANAGED BLOCK\n')).actions).toEqual([]);
    expect(plan('blockinfile', { path: '/x', state: 'absent', create: true }, state(undefined))).toMatchObject({ actions: [], msg: 'File /x not present' });
    expect(() => plan('blockinfile', { path: '/x', block: 'x' }, state(undefined))).toThrow('Path /x does not exist !');
    expect(plan('blockinfile', { path: '/x', block: 'x', create: true }, state(undefined)).msg).toBe('File created');
  });

  it('replace: diff headers are the path; missing file fails; section not found is ok with a message', () => {
    const p = plan('replace', { path: '/x', regexp: 'a', replace: 'b' }, state('aa\n'));
    expect(p.diff?.[0]).toMatchObject({ before: 'aa\n', after: 'bb\n', before_header: '/x', after_header: '/x' });
    expect(p.msg).toBe('2 replacements made');
    expect(() => plan('replace', { path: '/x', regexp: 'a' }, state(undefined))).toThrow('Path /x does not exist !');
    expect(plan('replace', { path: '/x', regexp: 'a', after: 'zzz' }, state('a\n'))).toMatchObject({ actions: [], msg: expect.stringMatching(/^Pattern for before\/after params did not match/) });
  });
});
