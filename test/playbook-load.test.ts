import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { loadPlaybook, resolveModule } from '../src/playbook/index.js';
import type { Play, TaskNode } from '../src/playbook/model.js';
import { checkParams } from '../src/playbook/action.js';
import { parseKv, splitArgs } from '../src/util/kv.js';
import type { ModuleDefinition } from '../src/modules/index.js';

const FIX = 'test/fixtures/playbooks';

async function play(file: string): Promise<Play> {
  const pb = await loadPlaybook(`${FIX}/${file}`);
  return pb.plays[0]!;
}

function task(p: Play, name: string): TaskNode {
  const t = p.tasks.find((n) => n.name === name);
  if (!t || t.kind !== 'task') throw new Error(`no task ${name}`);
  return t;
}

describe('play keywords', () => {
  it('reads every play keyword into the model', async () => {
    const p = await play('keywords.yml');
    expect(p).toMatchObject({
      name: 'all the keywords',
      hosts: 'web,db',
      pos: { file: `${FIX}/keywords.yml`, line: 2, column: 3 },
      dir: resolve(FIX),
      gather_facts: false,
      gather_subset: ['network', '!hardware'],
      gather_timeout: 20,
      become: true,
      become_user: 'root',
      become_method: 'sudo',
      become_flags: '-H',
      environment: { LANG: 'C' },
      vars: { app: 'demo', port: 8080 },
      vars_files: ['vars/common.yml', ['vars/missing.yml', 'vars/common.yml']],
      serial: [1, '30%', 5],
      strategy: 'free',
      order: 'sorted',
      throttle: 3,
      max_fail_percentage: 20,
      any_errors_fatal: true,
      ignore_unreachable: false,
      ignore_errors: false,
      force_handlers: true,
      check_mode: false,
      diff: true,
      no_log: false,
      run_once: false,
      tags: ['deploy', 'web'],
      connection: 'ssh',
      remote_user: 'deploy',
      port: 2222,
      timeout: 30,
    });
  });

  it('defaults: gather_facts true, strategy linear, the name is the hosts pattern', async () => {
    const p = await play('minimal.yml');
    expect(p).toMatchObject({ name: 'all', hosts: 'all', gather_facts: true, strategy: 'linear', vars_files: [], pre_tasks: [], roles: [], post_tasks: [], handlers: [] });
    expect(p.tasks).toEqual([{ kind: 'task', pos: { file: `${FIX}/minimal.yml`, line: 3, column: 7 }, module: 'ping', moduleAs: 'ping', args: {} }]);
  });

  it('takes the old user: as remote_user', async () => {
    expect((await play('user.yml')).remote_user).toBe('deploy');
  });
});

describe('task keywords', () => {
  it('reads every task keyword, normalising when/tags/notify/conditions to lists', async () => {
    const p = await play('keywords.yml');
    expect(task(p, 'every task keyword')).toMatchObject({
      kind: 'task',
      pos: { file: `${FIX}/keywords.yml`, line: 38, column: 7 },
      module: 'command',
      moduleAs: 'command',
      args: { _raw_params: '/bin/true' },
      when: ['app is defined'],
      register: 'out',
      notify: ['restart app'],
      changed_when: [false],
      failed_when: ['out.rc != 0', "'error' in out.stderr"],
      ignore_errors: '{{ lenient | default(false) }}',
      ignore_unreachable: true,
      until: ['out is succeeded'],
      retries: 3,
      delay: 2,
      tags: ['one', 'two'],
      become: true,
      become_user: 'app',
      become_method: 'su',
      become_flags: '-l',
      environment: { PATH: '/opt/bin:/usr/bin' },
      delegate_to: "{{ groups['db'][0] }}",
      delegate_facts: true,
      run_once: true,
      no_log: true,
      check_mode: false,
      diff: false,
      vars: { local: 1 },
      any_errors_fatal: false,
      throttle: 1,
      timeout: 10,
      async: 60,
      poll: 0,
    });
  });

  it('reads loop and loop_control', async () => {
    const p = await play('keywords.yml');
    expect(task(p, 'loop with loop_control')).toMatchObject({
      loop: '{{ users }}',
      loop_control: { loop_var: 'entry', index_var: 'idx', label: '{{ entry.name }}', pause: 1, extended: true },
    });
    expect(task(p, 'when as a boolean and a list').when).toEqual([true, 'x == 1']);
  });

  it('reads handlers with listen', async () => {
    const p = await play('keywords.yml');
    expect(p.handlers.map((h) => [h.name, h.listen])).toEqual([
      ['restart app', ['restart web', 'restart all']],
      ['second handler', ['restart all']],
    ]);
  });
});

describe('module arguments', () => {
  it('splits free-form text into the free-form parameter and the module k=v keys', async () => {
    const p = await play('args.yml');
    expect(task(p, 'free-form command').args).toEqual({ _raw_params: 'echo "a  b"', chdir: '/tmp', creates: '/etc/x' });
    expect(task(p, 'free-form with a k=v the module does not take').args).toEqual({ _raw_params: 'FOO=bar make install' });
    expect(task(p, 'multi-line shell keeps its lines').args).toEqual({ _raw_params: 'set -e\ncd /srv\nmake\n' });
  });

  it('merges args: under the module arguments', async () => {
    const p = await play('args.yml');
    expect(task(p, 'free-form plus args').args).toEqual({ _raw_params: './configure --prefix={{ prefix }}', chdir: '/src', creates: '/src/Makefile' });
    expect(task(p, 'mapping args').args).toEqual({ cmd: 'uptime', chdir: '/' });
  });

  it('parses k=v strings for other modules, keeping {{ }} blocks whole', async () => {
    const p = await play('args.yml');
    expect(task(p, 'k=v for a non free-form module').args).toEqual({ data: 'hello' });
    expect(task(p, 'k=v with a template holding spaces').args).toEqual({ data: "{{ greeting | default('hi there') }}" });
    expect(p.tasks.at(-1)).toMatchObject({ module: 'ping', args: {} });
    expect(p.tasks.at(-1)!.name).toBeUndefined();
  });

  it('reads action: and local_action: (which delegates to localhost)', async () => {
    const p = await play('args.yml');
    expect(task(p, 'action form')).toMatchObject({ module: 'shell', moduleAs: 'shell', args: { _raw_params: 'echo from action' } });
    expect(task(p, 'action mapping form')).toMatchObject({ module: 'ping', args: { data: 'x' } });
    expect(task(p, 'local_action')).toMatchObject({ module: 'command', args: { _raw_params: 'hostname' }, delegate_to: 'localhost' });
    expect(task(p, 'local_action mapping')).toMatchObject({ module: 'ping', moduleAs: 'ansible.builtin.ping', delegate_to: 'localhost' });
  });

  it('maps collection names to the fleet module and keeps the name as written', async () => {
    const p = await play('args.yml');
    expect(task(p, 'builtin collection name')).toMatchObject({ module: 'shell', moduleAs: 'ansible.builtin.shell' });
    expect(task(p, 'legacy collection name')).toMatchObject({ module: 'command', moduleAs: 'ansible.legacy.command' });
    expect(resolveModule('community.general.ping')).toMatchObject({ kind: 'fleet', name: 'ping' });
    expect(resolveModule('ansible.posix.synchronize')).toMatchObject({ kind: 'unimplemented', name: 'synchronize', collection: 'ansible.posix' });
    expect(resolveModule('community.crypto.openssh_keypair')).toMatchObject({ kind: 'fleet', name: 'openssh_keypair' });
    expect(resolveModule('ansible.builtin.comand')).toEqual({ kind: 'unknown', suggestion: 'command' });
  });

  it('does not type-check templated values', async () => {
    const p = await play('args.yml');
    expect(task(p, 'templated values are not type-checked').args).toEqual({ cmd: 'echo hi', stdin_add_newline: '{{ add_newline }}' });
  });

  it('checks choices and required parameters, except for templated values', () => {
    const def = {
      name: 'svc',
      aliases: [],
      params: { name: { type: 'str', required: true }, state: { type: 'str', choices: ['started', 'stopped'] }, enabled: { type: 'bool' } },
    } as unknown as ModuleDefinition;
    expect(checkParams(def, { name: 'x', state: 'started' })).toEqual({});
    expect(checkParams(def, { name: 'x', state: 'running' }).error).toBe('value of state must be one of: started, stopped, got: running');
    expect(checkParams(def, { name: 'x', state: '{{ wanted }}', enabled: '{{ on }}' })).toEqual({});
    expect(checkParams(def, { name: '{{ n }}' })).toEqual({});
    expect(checkParams(def, { state: 'started' }).error).toBe('missing required arguments: name');
    expect(checkParams(def, { name: 'x', stat: 'started' }).error).toMatch(/^Unsupported parameters for \(svc\) module: stat\./);
  });
});

describe('with_* loops', () => {
  it('translates with_items, with_list, with_dict, with_fileglob and with_sequence into loop + loopWith', async () => {
    const p = await play('loops.yml');
    expect(p.tasks.map((t) => [t.name, (t as TaskNode).loop, (t as TaskNode).loopWith])).toEqual([
      ['with_items', ['a', 'b'], 'items'],
      ['with_list', '{{ things }}', 'list'],
      ['with_dict', { a: 1, b: 2 }, 'dict'],
      ['with_fileglob', 'files/*.conf', 'fileglob'],
      ['with_sequence', 'start=1 end=3', 'sequence'],
      ['plain loop', [1, 2], undefined],
    ]);
  });
});

describe('warnings', () => {
  it('keeps warnings (duplicate keys, ignored keywords, {{ }} in when) with their positions', async () => {
    const pb = await loadPlaybook(`${FIX}/warnings.yml`);
    expect(pb.warnings).toEqual([
      `${FIX}/warnings.yml:2:3: the debugger keyword is ignored: fleet has no task debugger`,
      `${FIX}/warnings.yml:6:7: duplicate key "ping": only the last value is used`,
      `${FIX}/warnings.yml:9:7: task "templated condition": conditional statements should not include jinja2 templating delimiters such as {{ }} or {% %}. Found: {{ x }}`,
      `${FIX}/warnings.yml:12:7: task "loop_control without loop": loop_control has no effect without loop: or with_<lookup>:`,
    ]);
  });
});

describe("Ansible's argument splitter", () => {
  it('keeps quotes, jinja blocks and newlines as split_args does', () => {
    expect(splitArgs('a=b c="foo bar"')).toEqual(['a=b', 'c="foo bar"']);
    expect(splitArgs('msg={{ a | default("x y") }} other=1')).toEqual(['msg={{ a | default("x y") }}', 'other=1']);
    expect(splitArgs('one\ntwo three')).toEqual(['one\n', 'two', 'three']);
    expect(() => splitArgs('a="unclosed')).toThrow(/unbalanced/);
  });
  it('parses k=v as parse_kv does', () => {
    expect(parseKv('a=1 b="two words" free text')).toEqual({ params: { a: '1', b: 'two words' }, raw: 'free text' });
    expect(parseKv('chdir=/tmp FOO=1 make', { freeFormKeys: ['chdir'] })).toEqual({ params: { chdir: '/tmp' }, raw: 'FOO=1 make' });
    expect(parseKv('msg=a\\=b')).toEqual({ params: { msg: 'a\\=b' }, raw: undefined });
  });
});
