import { describe, expect, it } from 'vitest';
import { emptyStats, type FleetEvent, type HostStats, type TaskRef } from '../src/executor/events.js';
import { deprecationMessage, playTextReporter, type PlayTextReporterOptions } from '../src/output/play-text.js';

const STARS = (text: string) => `${text} ${'*'.repeat(79 - text.length)}`;
const CENSORED = "the output has been hidden due to the fact that 'no_log: true' was specified for this result";

function run(events: FleetEvent[], options: Partial<PlayTextReporterOptions> = {}): { out: string; err: string } {
  let out = '';
  let err = '';
  const report = playTextReporter({
    write: (t) => (out += t),
    writeErr: (t) => (err += t),
    color: false,
    verbosity: 0,
    diff: false,
    width: 80,
    ...options,
  });
  for (const e of events) report(e);
  return { out, err };
}

const task = (name: string, module = 'command', extra: Partial<TaskRef> = {}): TaskRef => ({ name, module, ...extra });
const start = (t: TaskRef): FleetEvent => ({ type: 'task_start', task: t, at: 0 });
const host = (h: string, status: 'ok' | 'changed' | 'failed' | 'unreachable' | 'skipped', t: TaskRef, result: Record<string, unknown>, extra: object = {}): FleetEvent =>
  ({ type: 'host_result', host: h, status, task: t, result: { changed: false, ...result }, at: 0, ...extra }) as FleetEvent;
const item = (h: string, status: 'ok' | 'changed' | 'failed' | 'unreachable' | 'skipped', t: TaskRef, label: string, result: Record<string, unknown>, extra: object = {}): FleetEvent =>
  ({ type: 'item_result', host: h, status, task: t, label, result: { changed: false, ...result }, at: 0, ...extra }) as FleetEvent;
const play = (name: string, hosts = ['a']): FleetEvent => ({ type: 'play_start', name, hosts, at: 0 });
const stats = (s: Partial<HostStats>): HostStats => ({ ...emptyStats(), ...s });

describe('play text output: banners', () => {
  it('prints PLAY and TASK banners padded to 80 columns after a blank line', () => {
    const t = task('say hi');
    const { out } = run([{ type: 'playbook_start', file: 'site.yml', checkMode: false, at: 0 }, play('web servers'), start(t)]);
    expect(out).toBe(`\n${STARS('PLAY [web servers]')}\n\n${STARS('TASK [say hi]')}\n`);
    for (const line of out.split('\n').filter(Boolean)) expect(line).toHaveLength(80);
  });

  it('names role tasks `role : task`, handlers RUNNING HANDLER, nameless tasks by module, nameless plays PLAY', () => {
    const { out } = run([
      play(''),
      start(task('install', 'apt', { role: 'nginx' })),
      start(task('restart nginx', 'service', { handler: true, role: 'nginx' })),
      start(task('', 'command')),
    ]);
    expect(out.split('\n').filter(Boolean)).toEqual([
      STARS('PLAY'),
      STARS('TASK [nginx : install]'),
      STARS('RUNNING HANDLER [nginx : restart nginx]'),
      STARS('TASK [command]'),
    ]);
  });

  it('fills a wider terminal and never fewer than three stars', () => {
    const long = 'x'.repeat(90);
    const { out } = run([play('p'), start(task(long))], { width: 100 });
    expect(out).toBe(`\nPLAY [p] ${'*'.repeat(99 - 8)}\n\nTASK [${long}] ***\n`);
  });

  it('says [CHECK MODE] and DRY RUN only with check-mode markers, as ansible', () => {
    const events: FleetEvent[] = [{ type: 'playbook_start', file: 'x.yml', checkMode: true, at: 0 }, play('p'), start(task('t'))];
    expect(run(events).out).toBe(`\n${STARS('PLAY [p]')}\n\n${STARS('TASK [t]')}\n`);
    expect(run(events, { checkModeMarkers: true }).out).toBe(
      `\n${STARS('DRY RUN')}\n\n${STARS('PLAY [p] [CHECK MODE]')}\n\n${STARS('TASK [t] [CHECK MODE]')}\n`,
    );
  });

  it('shows the playbook and task path from -vv', () => {
    const t = task('t', 'command', { path: '/pb/site.yml:12' });
    const events: FleetEvent[] = [{ type: 'playbook_start', file: '/pb/site.yml', checkMode: false, at: 0 }, play('p'), start(t)];
    expect(run(events, { verbosity: 2 }).out).toBe(`\n${STARS('PLAYBOOK: site.yml')}\n\n${STARS('PLAY [p]')}\n\n${STARS('TASK [t]')}\ntask path: /pb/site.yml:12\n`);
    expect(run(events, { verbosity: 1 }).out).not.toContain('task path');
  });

  it('prints skipping: no hosts matched under the play banner', () => {
    expect(run([play('nothing'), { type: 'no_hosts', play: 'nothing', at: 0 }]).out).toBe(`\n${STARS('PLAY [nothing]')}\nskipping: no hosts matched\n`);
    expect(run([{ type: 'no_hosts', play: 'orphan', at: 0 }]).out).toBe(`\n${STARS('PLAY [orphan]')}\nskipping: no hosts matched\n`);
  });
});

describe('play text output: host results', () => {
  const t = task('run it');
  const body = (events: FleetEvent[], options: Partial<PlayTextReporterOptions> = {}) =>
    run([start(t), ...events], options).out.replace(`\n${STARS('TASK [run it]')}\n`, '');

  it('prints ok, changed, skipping, delegated and failed lines', () => {
    expect(
      body([
        host('a', 'ok', t, {}),
        host('b', 'changed', t, { changed: true }),
        host('c', 'skipped', t, { skipped: true, skip_reason: 'Conditional result was False' }),
        host('d', 'ok', t, {}, { delegatedTo: 'bastion' }),
        host('e', 'ok', t, {}, { delegatedTo: 'e' }),
        host('f', 'failed', t, { failed: true, changed: true, rc: 2, cmd: 'false', stdout: '', stderr: 'no', msg: 'non-zero return code' }),
      ]),
    ).toBe(
      [
        'ok: [a]',
        'changed: [b]',
        'skipping: [c]',
        'ok: [d -> bastion]',
        'ok: [e]',
        'fatal: [f]: FAILED! => {"changed": true, "cmd": "false", "msg": "non-zero return code", "rc": 2, "stderr": "no", "stdout": ""}',
        '',
      ].join('\n'),
    );
  });

  it('prints unreachable hosts and ...ignoring after ignored failures', () => {
    expect(
      body([
        host('a', 'unreachable', t, { unreachable: true, msg: 'Failed to connect to the host via ssh: timed out' }),
        host('b', 'failed', t, { failed: true, msg: 'boom' }, { ignored: true, delegatedTo: 'c' }),
        host('d', 'unreachable', t, { unreachable: true, msg: 'gone' }, { ignored: true }),
      ]),
    ).toBe(
      [
        'fatal: [a]: UNREACHABLE! => {"changed": false, "msg": "Failed to connect to the host via ssh: timed out", "unreachable": true}',
        'fatal: [b -> c]: FAILED! => {"changed": false, "msg": "boom"}',
        '...ignoring',
        'fatal: [d]: UNREACHABLE! => {"changed": false, "msg": "gone", "unreachable": true}',
        '...ignoring',
        '',
      ].join('\n'),
    );
  });

  it('prints the result JSON with -v, without internal keys, diff or invocation; indented from -vvv', () => {
    const result = { changed: true, rc: 0, stdout: 'hi', _fleet_secret_x: 'pw', _ansible_no_log: false, invocation: { module_args: {} }, diff: [{ before: 'a', after: 'b' }] };
    expect(body([host('a', 'changed', t, result)], { verbosity: 1 })).toBe('changed: [a] => {"changed": true, "rc": 0, "stdout": "hi"}\n');
    expect(body([host('a', 'changed', t, result)], { verbosity: 3 })).toBe(
      'changed: [a] => {\n    "changed": true,\n    "diff": [\n        {\n            "after": "b",\n            "before": "a"\n        }\n    ],\n    "invocation": {\n        "module_args": {}\n    },\n    "rc": 0,\n    "stdout": "hi"\n}\n',
    );
    expect(body([host('c', 'skipped', t, { skipped: true, skip_reason: 'Conditional result was False' })], { verbosity: 1 })).toBe(
      'skipping: [c] => {"changed": false, "skip_reason": "Conditional result was False"}\n',
    );
    expect(body([host('a', 'failed', t, { failed: true, msg: 'x', _fleet_secret: 'pw' })])).not.toContain('pw');
  });

  it('prints censored no_log results as given', () => {
    expect(body([host('a', 'failed', t, { censored: CENSORED, changed: false, failed: true })])).toBe(`fatal: [a]: FAILED! => {"censored": "${CENSORED}", "changed": false}\n`);
  });

  it('hides skipped hosts when asked, and prints the banner only for a shown result', () => {
    const hidden = run([start(t), host('a', 'skipped', t, { skipped: true })], { showSkipped: false });
    expect(hidden.out).toBe('');
    const shown = run([start(t), host('a', 'skipped', t, { skipped: true }), host('b', 'ok', t, {})], { showSkipped: false });
    expect(shown.out).toBe(`\n${STARS('TASK [run it]')}\nok: [b]\n`);
  });

  it('prints FAILED - RETRYING lines with the retries left', () => {
    const r = task('wait for it', 'command', { role: 'app' });
    const events: FleetEvent[] = [
      start(r),
      { type: 'task_retry', host: 'a', task: r, attempt: 1, retries: 2, result: { changed: false, failed: true, rc: 1 }, at: 0 },
      { type: 'task_retry', host: 'a', task: r, attempt: 2, retries: 1, result: { changed: false, failed: true, rc: 1 }, at: 0 },
      host('a', 'ok', r, {}),
    ];
    expect(run(events).out).toBe(
      `\n${STARS('TASK [app : wait for it]')}\nFAILED - RETRYING: [a]: app : wait for it (2 retries left).\nFAILED - RETRYING: [a]: app : wait for it (1 retries left).\nok: [a]\n`,
    );
    expect(run(events.slice(0, 2), { verbosity: 3 }).out).toContain('(2 retries left).Result was: {\n    "changed": false,\n    "rc": 1\n}\n');
  });

  it('colours lines as ansible does', () => {
    const out = body([host('a', 'ok', t, {}), host('b', 'changed', t, { changed: true }), host('c', 'skipped', t, {}), host('d', 'failed', t, { msg: 'x' }, { ignored: true }), host('e', 'unreachable', t, {})], {
      color: true,
    });
    expect(out).toBe(
      [
        '\u001b[0;32mok: [a]\u001b[0m',
        '\u001b[0;33mchanged: [b]\u001b[0m',
        '\u001b[0;36mskipping: [c]\u001b[0m',
        '\u001b[0;31mfatal: [d]: FAILED! => {"changed": false, "msg": "x"}\u001b[0m',
        '\u001b[0;36m...ignoring\u001b[0m',
        '\u001b[1;31mfatal: [e]: UNREACHABLE! => {"changed": false}\u001b[0m',
        '',
      ].join('\n'),
    );
  });
});

describe('play text output: loops', () => {
  const t = task('install packages', 'apt');
  const body = (events: FleetEvent[], options: Partial<PlayTextReporterOptions> = {}) =>
    run([start(t), ...events], options).out.replace(`\n${STARS('TASK [install packages]')}\n`, '');

  it('prints one line per item and no host summary line', () => {
    expect(
      body([
        item('a', 'ok', t, 'git', { item: 'git' }),
        item('a', 'changed', t, 'vim', { changed: true, item: 'vim' }),
        item('a', 'skipped', t, 'emacs', { skipped: true, item: 'emacs' }),
        host('a', 'changed', t, { changed: true, results: [{}, {}, {}], msg: 'All items completed' }),
      ]),
    ).toBe(['ok: [a] => (item=git)', 'changed: [a] => (item=vim)', 'skipping: [a] => (item=emacs) ', ''].join('\n'));
  });

  it('prints failed items with their JSON, then ...ignoring when ignored', () => {
    expect(
      body([
        item('a', 'ok', t, 'git', { item: 'git' }),
        item('a', 'failed', t, 'nope', { failed: true, msg: 'No package matching nope', item: 'nope', ansible_loop_var: 'item' }),
        host('a', 'failed', t, { failed: true, results: [], msg: 'One or more items failed' }, { ignored: true }),
      ]),
    ).toBe(
      [
        'ok: [a] => (item=git)',
        'failed: [a] (item=nope) => {"ansible_loop_var": "item", "changed": false, "item": "nope", "msg": "No package matching nope"}',
        '...ignoring',
        '',
      ].join('\n'),
    );
  });

  it('prints items with -v and a skipped loop summary as modern ansible does', () => {
    expect(body([item('a', 'ok', t, 'git', { item: 'git' })], { verbosity: 1 })).toBe('ok: [a] => (item=git) => {"changed": false, "item": "git"}\n');
    expect(body([item('a', 'skipped', t, 'x', { skipped: true }), host('a', 'skipped', t, { skipped: true, results: [{}], msg: 'All items skipped' })])).toBe(
      'skipping: [a] => (item=x) \nskipping: [a]\n',
    );
  });

  it('prints an item diff before its line', () => {
    const diff = [{ before: 'a\n', after: 'b\n', before_header: '/etc/x', after_header: '/etc/x' }];
    expect(body([item('h', 'changed', t, 'x', { changed: true }, { diff })], { diff: true })).toBe(
      '--- before: /etc/x\n+++ after: /etc/x\n@@ -1 +1 @@\n-a\n+b\n\nchanged: [h] => (item=x)\n',
    );
  });
});

describe('play text output: debug', () => {
  const d = task('show', 'debug');
  const body = (events: FleetEvent[], options: Partial<PlayTextReporterOptions> = {}) => run([start(d), ...events], options).out.replace(`\n${STARS('TASK [show]')}\n`, '');

  it('always prints msg, indented, without changed', () => {
    expect(body([host('a', 'ok', d, { msg: 'Hello world!', changed: false })])).toBe('ok: [a] => {\n    "msg": "Hello world!"\n}\n');
    expect(body([host('a', 'ok', d, { msg: ['one', 'two'], _fleet_verbosity: 0 })])).toBe('ok: [a] => {\n    "msg": [\n        "one",\n        "two"\n    ]\n}\n');
  });

  it('prints a var by name', () => {
    expect(body([host('a', 'ok', d, { changed: false, failed: false, myvar: { k: 1 } })])).toBe('ok: [a] => {\n    "myvar": {\n        "k": 1\n    }\n}\n');
  });

  it('honours verbosity: below it the host is skipped', () => {
    const ev = host('a', 'ok', d, { msg: 'details', _fleet_verbosity: 2 });
    expect(body([ev])).toBe('skipping: [a]\n');
    expect(body([ev], { verbosity: 1 })).toBe('skipping: [a] => {"changed": false, "skipped_reason": "Verbosity threshold not met."}\n');
    expect(body([ev], { verbosity: 2 })).toBe('ok: [a] => {\n    "msg": "details"\n}\n');
    expect(body([ev], { showSkipped: false })).toBe('');
  });

  it('prints failures and censored results around debug like any other result', () => {
    expect(body([host('a', 'failed', d, { failed: true, msg: "'nope' is undefined" })])).toBe(`fatal: [a]: FAILED! => {"msg": "'nope' is undefined"}\n`);
    expect(body([host('a', 'ok', d, { censored: CENSORED, changed: false })])).toBe('ok: [a]\n');
    expect(body([host('a', 'ok', d, { censored: CENSORED, changed: false })], { verbosity: 1 })).toBe(`ok: [a] => {"censored": "${CENSORED}"}\n`);
  });

  it('prints debug items with their msg', () => {
    expect(body([item('a', 'ok', d, '1', { msg: 'n=1', item: 1 })])).toBe('ok: [a] => (item=1) => {\n    "msg": "n=1"\n}\n');
  });
});

describe('play text output: diffs', () => {
  const t = task('write config', 'copy');
  const diff = [{ before: 'port=80\n', after: 'port=8080\n', before_header: '/etc/app.conf', after_header: '/etc/app.conf' }];
  const body = (events: FleetEvent[], options: Partial<PlayTextReporterOptions> = {}) =>
    run([start(t), ...events], options).out.replace(`\n${STARS('TASK [write config]')}\n`, '');

  it('prints the diff before the changed line with --diff, also in check mode', () => {
    const expected = '--- before: /etc/app.conf\n+++ after: /etc/app.conf\n@@ -1 +1 @@\n-port=80\n+port=8080\n\nchanged: [a]\n';
    expect(body([host('a', 'changed', t, { changed: true, diff }, { diff })], { diff: true })).toBe(expected);
    expect(body([host('a', 'changed', t, { changed: true, diff })], { diff: true, checkMode: true })).toBe(expected);
  });

  it('prints nothing without --diff, for unchanged results or empty diffs', () => {
    expect(body([host('a', 'changed', t, { changed: true, diff })])).toBe('changed: [a]\n');
    expect(body([host('a', 'ok', t, { diff }, { diff })], { diff: true })).toBe('ok: [a]\n');
    expect(body([host('a', 'changed', t, { changed: true }, { diff: [{ before: 'x', after: 'x' }] })], { diff: true })).toBe('changed: [a]\n');
    expect(body([host('a', 'changed', t, { changed: true }, { diff: [] })], { diff: true })).toBe('changed: [a]\n');
  });

  it('colours the diff when colour is on', () => {
    const out = body([host('a', 'changed', t, { changed: true }, { diff })], { diff: true, color: true });
    expect(out).toContain('\u001b[0;31m-port=80\u001b[0m\n\u001b[0;32m+port=8080\u001b[0m\n');
    expect(out).toContain('\u001b[0;36m@@ -1 +1 @@\u001b[0m');
  });
});

describe('play text output: warnings and recap', () => {
  it('prints warnings on stderr once each, also those a result carries', () => {
    const t = task('t');
    const { out, err } = run([
      { type: 'warning', message: 'no inventory' },
      { type: 'warning', message: 'no inventory' },
      start(t),
      host('a', 'ok', t, { warnings: ['consider using the file module'] }),
    ], { verbosity: 1 });
    expect(err).toBe('[WARNING]: no inventory\n[WARNING]: consider using the file module\n');
    expect(out).toContain('ok: [a] => {"changed": false}\n');
    expect(run([{ type: 'warning', message: 'w' }], { color: true }).err).toBe('\u001b[1;35m[WARNING]: w\u001b[0m\n');
  });

  it('ends with the PLAY RECAP and fleet summary line', () => {
    const t = task('t');
    const { out } = run([
      { type: 'playbook_start', file: 'site.yml', checkMode: false, at: 0 },
      play('p', ['web1', 'db1']),
      start(t),
      host('web1', 'changed', t, { changed: true }),
      host('db1', 'failed', t, { msg: 'boom' }),
      { type: 'play_end', name: 'p', at: 0 },
      {
        type: 'run_end',
        stats: { web1: stats({ ok: 1, changed: 1 }), db1: stats({ failed: 1 }) },
        at: 0,
        elapsedMs: 3456,
        interrupted: false,
      },
    ]);
    expect(out).toBe(
      [
        '',
        STARS('PLAY [p]'),
        '',
        STARS('TASK [t]'),
        'changed: [web1]',
        'fatal: [db1]: FAILED! => {"changed": false, "msg": "boom"}',
        '',
        STARS('PLAY RECAP'),
        'db1                        : ok=0    changed=0    unreachable=0    failed=1    skipped=0    rescued=0    ignored=0   ',
        'web1                       : ok=1    changed=1    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0   ',
        '',
        'fleet: 1 task(s) on 2 host(s) in 3.46s',
        '',
      ].join('\n'),
    );
  });

  it('says when the run was interrupted', () => {
    const { out, err } = run([{ type: 'run_end', stats: { a: stats({ ok: 1 }) }, at: 0, elapsedMs: 10, interrupted: true }]);
    expect(out.endsWith('fleet: 0 task(s) on 1 host(s) in 0.01s (interrupted)\n')).toBe(true);
    expect(err).toContain('interrupted');
  });
});

describe('play text output: what each decision prints', () => {
  const t = task('run it');
  const body = (events: FleetEvent[], options: Partial<PlayTextReporterOptions> = {}) =>
    run([start(t), ...events], options).out.replace(`\n${STARS('TASK [run it]')}\n`, '');
  const TRACE = 'Traceback (most recent call last):\n  File "m.py", line 1\nValueError: bad\n';

  it('prints the last line of an exception before the fatal line, the whole traceback from -vvv, nothing for a blank one', () => {
    const failed = host('a', 'failed', t, { failed: true, msg: 'MODULE FAILURE', exception: TRACE });
    expect(body([failed])).toBe(
      'An exception occurred during task execution. To see the full traceback, use -vvv. The error was: ValueError: bad\n' +
        'fatal: [a]: FAILED! => {"changed": false, "msg": "MODULE FAILURE"}\n',
    );
    expect(body([failed], { verbosity: 3 })).toBe(`The full traceback is:\n${TRACE}\nfatal: [a]: FAILED! => {\n    "changed": false,\n    "msg": "MODULE FAILURE"\n}\n`);
    expect(body([host('a', 'failed', t, { failed: true, msg: 'x', exception: '  \n' })])).toBe('fatal: [a]: FAILED! => {"changed": false, "msg": "x"}\n');
  });

  it('prints an include_tasks result as `included: FILE for HOST` in cyan, other results with an include key as usual', () => {
    const inc = task('', 'include_tasks');
    const { out } = run([start(inc), host('a', 'ok', inc, { include: 'tasks/x.yml' })], { color: true });
    expect(out.split('\n').slice(2)).toEqual(['\u001b[0;36mincluded: tasks/x.yml for a\u001b[0m', '']);
    expect(run([start(inc), host('a', 'ok', inc, {})]).out.split('\n').slice(2)).toEqual(['ok: [a]', '']);
    expect(body([host('a', 'ok', t, { include: 'tasks/x.yml' })])).toBe('ok: [a]\n');
  });

  it('shows results marked verbose_always (fleet or Ansible key) indented without -v, and hides those marked verbose_override', () => {
    expect(body([host('a', 'ok', t, { rc: 0, _ansible_verbose_always: true })])).toBe('ok: [a] => {\n    "changed": false,\n    "rc": 0\n}\n');
    expect(body([host('a', 'ok', t, { rc: 0, _fleet_verbose_always: true })])).toBe('ok: [a] => {\n    "changed": false,\n    "rc": 0\n}\n');
    expect(body([host('a', 'ok', t, { rc: 0, _fleet_verbose_override: true })], { verbosity: 1 })).toBe('ok: [a]\n');
    expect(body([host('a', 'ok', t, { rc: 0, _ansible_verbose_override: true })], { verbosity: 1 })).toBe('ok: [a]\n');
  });

  it('prints the result on one line at -vv and leaves warnings out of it', () => {
    const { out, err } = run([start(t), host('a', 'ok', t, { rc: 0, warnings: ['mind this'] })], { verbosity: 2 });
    expect(out.split('\n').slice(2)).toEqual(['ok: [a] => {"changed": false, "rc": 0}', '']);
    expect(err).toBe('[WARNING]: mind this\n');
  });

  it('prints a debug loop item below its verbosity as a skipped item, with Ansible\'s trailing space', () => {
    const d = task('show', 'debug');
    const { out } = run([start(d), item('a', 'ok', d, '1', { msg: 1, _fleet_verbosity: 1 })]);
    expect(out.split('\n').slice(2)).toEqual(['skipping: [a] => (item=1) ', '']);
  });

  it('colours ok items green and changed items yellow', () => {
    expect(body([item('a', 'ok', t, 'x', {}), item('a', 'changed', t, 'y', { changed: true })], { color: true })).toBe(
      '\u001b[0;32mok: [a] => (item=x)\u001b[0m\n\u001b[0;33mchanged: [a] => (item=y)\u001b[0m\n',
    );
  });

  it('prints a skipped loop at -v as ansible-playbook 2.14: each item, then the summary without its results', () => {
    const items = [{ item: 1, skipped: true, changed: false }];
    expect(
      body(
        [
          item('a', 'skipped', t, '1', { skipped: true, item: 1, ansible_loop_var: 'item', skip_reason: 'Conditional result was False' }),
          host('a', 'skipped', t, { skipped: true, results: items, msg: 'All items skipped' }),
        ],
        { verbosity: 1 },
      ),
    ).toBe(
      'skipping: [a] => (item=1)  => {"ansible_loop_var": "item", "changed": false, "item": 1, "skip_reason": "Conditional result was False"}\n' +
        'skipping: [a] => {"changed": false, "msg": "All items skipped"}\n',
    );
  });

  it('prints a banner for a result of another task arriving without task_start, not for the same task', () => {
    const other = (extra: Partial<TaskRef>) => task('run it', 'command', extra);
    expect(
      body([
        host('a', 'ok', t, {}),
        host('b', 'ok', t, {}),
        host('a', 'ok', other({ role: 'r' }), {}),
        host('a', 'ok', other({ handler: true }), {}),
        host('a', 'ok', other({ path: 'x.yml:9' }), {}),
      ]),
    ).toBe(
      ['ok: [a]', 'ok: [b]', '', STARS('TASK [r : run it]'), 'ok: [a]', '', STARS('RUNNING HANDLER [run it]'), 'ok: [a]', '', STARS('TASK [run it]'), 'ok: [a]', ''].join('\n'),
    );
  });
});

describe('play text output: play banners and run end', () => {
  it('strips play names, and a blank name is PLAY', () => {
    expect(run([play('  web  ')]).out).toBe(`\n${STARS('PLAY [web]')}\n`);
    expect(run([play('   ')]).out).toBe(`\n${STARS('PLAY')}\n`);
    expect(run([{ type: 'no_hosts', play: '  q  ', at: 0 }]).out).toBe(`\n${STARS('PLAY [q]')}\nskipping: no hosts matched\n`);
    expect(run([{ type: 'no_hosts', play: '  ', at: 0 }]).out).toBe(`\n${STARS('PLAY')}\nskipping: no hosts matched\n`);
  });

  it('gives a no-hosts play after a finished play its own banner', () => {
    expect(run([play('p'), { type: 'play_end', name: 'p', at: 0 }, { type: 'no_hosts', play: 'q', at: 0 }]).out).toBe(
      `\n${STARS('PLAY [p]')}\n\n${STARS('PLAY [q]')}\nskipping: no hosts matched\n`,
    );
  });

  it('prints the PLAYBOOK banner from -vv only', () => {
    expect(run([{ type: 'playbook_start', file: '/pb/site.yml', checkMode: false, at: 0 }], { verbosity: 1 }).out).toBe('');
  });

  it('prints no check-mode markers when the run is not in check mode, even with markers on', () => {
    const { out } = run(
      [
        { type: 'playbook_start', file: 'x.yml', checkMode: false, at: 0 },
        play('p'),
        { type: 'run_end', stats: {}, at: 0, elapsedMs: 0, interrupted: false },
      ],
      { checkModeMarkers: true },
    );
    expect(out).not.toContain('CHECK MODE');
    expect(out).not.toContain('DRY RUN');
  });

  it('prints DRY RUN after the recap in check mode with markers', () => {
    const { out } = run([{ type: 'run_end', stats: { a: stats({ ok: 1 }) }, at: 0, elapsedMs: 0, interrupted: false }], { checkMode: true, checkModeMarkers: true });
    expect(out.split('\n').slice(-5)).toEqual(['', '', STARS('DRY RUN'), 'fleet: 0 task(s) on 1 host(s) in 0.00s', '']);
  });

  it('writes the recap with the reporter\'s colour and width', () => {
    const { out } = run([{ type: 'run_end', stats: { a: stats({ ok: 1 }) }, at: 0, elapsedMs: 0, interrupted: false }], { color: true, width: 100 });
    expect(out).toContain(`\nPLAY RECAP ${'*'.repeat(99 - 10)}\n`);
    expect(out).toContain('\u001b[0;32ma\u001b[0m');
  });

  it('takes the total time from the clock when run_end carries none, and warns of nothing when not interrupted', () => {
    const { out, err } = run(
      [
        { type: 'playbook_start', file: 'x.yml', checkMode: false, at: 1000 },
        { type: 'run_end', stats: {}, at: 0, elapsedMs: Number.NaN, interrupted: false },
      ],
      { now: () => 3500 },
    );
    expect(out.trimEnd().split('\n').pop()).toBe('fleet: 0 task(s) on 0 host(s) in 2.50s');
    expect(err).toBe('');
  });

  it('prints errors on stderr as Ansible\'s Display.error, in red', () => {
    expect(run([{ type: 'error', message: 'boom' }]).err).toBe(' [ERROR]: boom\n');
    expect(run([{ type: 'error', message: 'boom' }], { color: true }).err).toBe('\u001b[0;31m [ERROR]: boom\u001b[0m\n');
  });
});

describe('play text output: deprecations a result carries', () => {
  const t = task('old');
  const HELP = 'Deprecation warnings can be disabled by setting deprecation_warnings=False in ansible.cfg.';

  it('builds the message as Display.get_deprecation_message: full stop, collection, version or date', () => {
    expect(deprecationMessage({ msg: 'Param x is deprecated', version: '2.16', collection_name: 'ansible.builtin' })).toBe(
      `Param x is deprecated. This feature will be removed from ansible-core in version 2.16. ${HELP}`,
    );
    expect(deprecationMessage({ msg: 'Use y!', date: '2025-01-01', collection_name: 'community.general' })).toBe(
      `Use y! This feature will be removed from community.general in a release after 2025-01-01. ${HELP}`,
    );
    expect(deprecationMessage({ msg: '  Gone soon ' })).toBe(`Gone soon. This feature will be removed in a future release. ${HELP}`);
    expect(deprecationMessage('plain text')).toBe(`plain text. This feature will be removed in a future release. ${HELP}`);
  });

  it('writes each on stderr in purple, once, and leaves them out of the result', () => {
    const dep = { msg: 'Param x is deprecated', version: '2.16' };
    const { out, err } = run([start(t), host('a', 'ok', t, { rc: 0, deprecations: [dep] }), host('b', 'ok', t, { rc: 0, deprecations: [dep] })], { color: true, verbosity: 1 });
    expect(err).toBe(`\u001b[0;35m[DEPRECATION WARNING]: Param x is deprecated. This feature will be removed in version 2.16. ${HELP}\u001b[0m\n`);
    expect(out).toContain('ok: [a] => {"changed": false, "rc": 0}');
  });
});
