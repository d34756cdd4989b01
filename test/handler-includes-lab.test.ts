/**
 * Handlers that include or import task files, run on lab nodes: a role shaped like Ansible's
 * setup_remote_tmp_dir cleaning up with an include_tasks handler, definition order, one run per
 * notification round, listen, flush_handlers, import_tasks handlers and --force-handlers.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FleetEvent } from '../src/executor/events.js';
import { runPlaybook } from '../src/executor/play/run-playbook.js';
import { loadInventory } from '../src/inventory/index.js';
import { labExec } from '../src/lab/index.js';
import { loadPlaybook } from '../src/playbook/index.js';
import { useLab } from './helpers/lab.js';
import { failures, play, recap } from './helpers/play.js';

const root = mkdtempSync(join(tmpdir(), 'fleet-handler-incl-'));
function write(name: string, text: string): string {
  const file = join(root, name);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

/** A directory on the nodes no earlier run can have left anything in. */
let runs = 0;
const outDir = (): string => `/tmp/fleet-hdl-${process.pid}-${++runs}`;

write('roles/tmpdir/defaults/main.yml', 'tmpdir_skip_cleanup: false\n');
write(
  'roles/tmpdir/tasks/main.yml',
  `
- name: create temporary directory
  tempfile: {state: directory, suffix: .hdl}
  register: tmpdir_result
  notify: delete temporary directory
- name: record temporary directory
  set_fact: {remote_tmp_dir: "{{ tmpdir_result.path }}"}
`,
);
write(
  'roles/tmpdir/handlers/main.yml',
  `
- name: delete temporary directory
  include_tasks: default-cleanup.yml
  when: not tmpdir_skip_cleanup | bool
`,
);
write(
  'roles/tmpdir/tasks/default-cleanup.yml',
  `
- name: delete temporary directory
  file: {path: "{{ remote_tmp_dir }}", state: absent}
  no_log: true
`,
);
write('tasks/append.yml', '- name: append {{ line }}\n  shell: echo {{ line }} >> {{ out }}/log\n');
write(
  'tasks/two-lines.yml',
  `
- name: first included line
  shell: echo {{ first }} >> {{ out }}/log
- name: second included line
  shell: echo {{ second }} >> {{ out }}/log
`,
);

describe('handlers that include task files, on the lab', () => {
  const lab = useLab(2, 't-handler-incl');
  const cat = async (node: number, path: string): Promise<string> => (await labExec(lab().nodes[node]!, ['cat', path])).stdout;
  const exists = async (node: number, path: string): Promise<boolean> => (await labExec(lab().nodes[node]!, ['test', '-e', path])).rc === 0;
  const cleanup = async (dir: string): Promise<void> => {
    for (const node of lab().nodes) await labExec(node, ['rm', '-rf', '--', dir]);
  };

  it('a role cleans up its temporary directory with a handler that includes a file from its tasks/ dir', async () => {
    const file = write(
      'tmpdir.yml',
      `
- hosts: all
  gather_facts: false
  roles: [tmpdir]
  tasks:
    - name: the directory is there while the play runs
      stat: {path: "{{ remote_tmp_dir }}"}
      register: during
    - name: keep what the play saw
      set_fact: {seen: "{{ during.stat.isdir }}"}
`,
    );
    const run = await play(file, lab().inventoryPath, {});
    expect(failures(run)).toEqual([]);
    const dirs = new Map<string, string>();
    for (const e of run.events) if (e.type === 'host_result' && e.task.name === 'create temporary directory') dirs.set(e.host, String(e.result.path));
    expect(dirs.size).toBe(2);
    for (const [host, dir] of dirs) expect(dir, host).toMatch(/\.hdl$/);
    expect(await exists(0, dirs.get('node1')!)).toBe(false);
    expect(await exists(1, dirs.get('node2')!)).toBe(false);
    const included = run.events.filter((e) => e.type === 'host_result' && e.task.name === 'delete temporary directory');
    expect(included.map((e) => (e as { task: { handler?: boolean } }).task.handler)).toEqual([true, true, true, true]);
    expect(run.events.some((e) => e.type === 'host_result' && e.host === 'node1' && String(e.result.include ?? '').endsWith('roles/tmpdir/tasks/default-cleanup.yml'))).toBe(true);
    // create (changed), record, stat, set_fact, the include (ok), the file task (changed).
    expect(recap(run.stats.node1)).toEqual({ ok: 6, changed: 2 });
    expect(recap(run.stats.node2)).toEqual({ ok: 6, changed: 2 });
  });

  it('skips the include handler where its condition is false, and the directory stays', async () => {
    const file = write('tmpdir-keep.yml', `- hosts: node1\n  gather_facts: false\n  roles: [tmpdir]\n`);
    const run = await play(file, lab().inventoryPath, { extraVars: { tmpdir_skip_cleanup: true } });
    expect(failures(run)).toEqual([]);
    const created = run.events.find((e) => e.type === 'host_result' && e.task.name === 'create temporary directory') as unknown as { result: { path: string } };
    try {
      expect(await exists(0, created.result.path)).toBe(true);
      expect(run.statuses.get('delete temporary directory|node1')).toBe('skipped');
      expect(recap(run.stats.node1)).toEqual({ ok: 2, changed: 1, skipped: 1 });
    } finally {
      await cleanup(created.result.path);
    }
  });

  it('runs handlers in the order they are defined, once per round however often notified, by name or listen', async () => {
    const out = outDir();
    const file = write(
      'order.yml',
      `
- hosts: node1
  gather_facts: false
  vars: {out: ${out}}
  tasks:
    - file: {path: "{{ out }}", state: directory}
    - {name: notify last first, command: "true", changed_when: true, notify: last}
    - {name: notify the topic, command: "true", changed_when: true, notify: both lines}
    - {name: notify it again, command: "true", changed_when: true, notify: [both lines, two lines]}
    - meta: flush_handlers
    - {name: after the flush, shell: "echo task >> {{ out }}/log"}
    - {name: notify once more, command: "true", changed_when: true, notify: two lines}
  handlers:
    - name: two lines
      include_tasks: tasks/two-lines.yml
      listen: both lines
      vars: {first: one, second: two}
    - name: last
      include_tasks: tasks/append.yml
      vars: {line: last}
`,
    );
    try {
      const run = await play(file, lab().inventoryPath, {});
      expect(failures(run)).toEqual([]);
      expect((await cat(0, `${out}/log`)).split('\n')).toEqual(['one', 'two', 'last', 'task', 'one', 'two', '']);
      const starts = run.events.filter((e) => e.type === 'task_start' && e.task.handler).map((e) => (e as { task: { name: string } }).task.name);
      expect(starts).toEqual(['two lines', 'first included line', 'second included line', 'last', 'append last', 'two lines', 'first included line', 'second included line']);
      // 6 changed tasks; at the flush 2 includes (ok) and 3 lines; at the end 1 include and 2 lines.
      expect(recap(run.stats.node1)).toEqual({ ok: 14, changed: 11 });
    } finally {
      await cleanup(out);
    }
  });

  it('import_tasks handlers are each notifiable by their own name', async () => {
    const out = outDir();
    write('tasks/imported.yml', `- name: imported a\n  shell: echo a >> {{ out }}/log\n- name: imported b\n  shell: echo b >> {{ out }}/log\n`);
    const file = write(
      'imported.yml',
      `
- hosts: node1
  gather_facts: false
  vars: {out: ${out}}
  tasks:
    - file: {path: "{{ out }}", state: directory}
    - {name: notify b only, command: "true", changed_when: true, notify: imported b}
  handlers:
    - name: the import
      import_tasks: tasks/imported.yml
`,
    );
    try {
      const run = await play(file, lab().inventoryPath, {});
      expect(failures(run)).toEqual([]);
      expect(await cat(0, `${out}/log`)).toBe('b\n');
      expect(recap(run.stats.node1)).toEqual({ ok: 3, changed: 3 });
    } finally {
      await cleanup(out);
    }
  });

  it('--force-handlers runs an include handler on the host whose later task failed; without it the host skips it', async () => {
    const out = outDir();
    const file = write(
      'force.yml',
      `
- hosts: all
  gather_facts: false
  vars: {out: ${out}}
  tasks:
    - file: {path: "{{ out }}", state: directory}
    - {name: notify, command: "true", changed_when: true, notify: cleanup}
    - {name: node1 fails, fail: {msg: boom}, when: inventory_hostname == 'node1'}
  handlers:
    - name: cleanup
      include_tasks: tasks/append.yml
      vars: {line: "{{ inventory_hostname }}"}
`,
    );
    const runWith = async (forceHandlers: boolean) => {
      const events: FleetEvent[] = [];
      const summary = await runPlaybook({
        playbooks: [await loadPlaybook(file)],
        inventory: await loadInventory([lab().inventoryPath]),
        forks: 5,
        connection: {},
        forceHandlers,
        onEvent: (e) => events.push(e),
      });
      return { summary, events };
    };
    try {
      const plain = await runWith(false);
      expect(await cat(0, `${out}/log`)).toBe('');
      expect(await cat(1, `${out}/log`)).toBe('node2\n');
      expect(recap(plain.summary.stats.node1)).toEqual({ ok: 2, changed: 2, failed: 1 });
      await cleanup(out);
      const forced = await runWith(true);
      expect(await cat(0, `${out}/log`)).toBe('node1\n');
      expect(await cat(1, `${out}/log`)).toBe('node2\n');
      expect(recap(forced.summary.stats.node1)).toEqual({ ok: 4, changed: 3, failed: 1 });
      expect(recap(forced.summary.stats.node2)).toEqual({ ok: 4, changed: 3, skipped: 1 });
    } finally {
      await cleanup(out);
    }
  });
});
