/**
 * The account modules on real lab nodes through small playbooks: check mode predicts the first
 * run's change without making it, the first run changes, the second is ok, --diff shows the change
 * (never a secret), a bad parameter fails at load time with file:line.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { labExec } from '../src/lab/index.js';
import { loadPlaybook } from '../src/playbook/index.js';
import { useLab } from './helpers/lab.js';
import { play, type PlayRun } from './helpers/play.js';

const dir = mkdtempSync(join(tmpdir(), 'fleet-modacct-'));
function playbook(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** Statuses of one task on every node, in node order. */
function statuses(run: PlayRun, task: string, nodes: string[]): string[] {
  return nodes.map((n) => run.statuses.get(`${task}|${n}`) ?? 'missing');
}

function diffsOf(run: PlayRun, task: string): string {
  return JSON.stringify(run.events.filter((e) => e.type === 'host_result' && e.task.name === task).map((e) => (e as { result: { diff?: unknown } }).result.diff ?? null));
}

const HASH = '$6$fleetsalt$ltC76R.9z0JUi7r.aJ9VRQN2I5zhF64sQugOgJSeJenmouqgI82e9BBkC7SL.lci3tGA/uQn2aRce1AauWe7t/';

describe('account modules on lab nodes', () => {
  const lab = useLab(2, 't-modacct');
  const names = () => lab().nodes.map((n) => n.name);
  const sh = async (index: number, cmd: string) => {
    const r = await labExec(lab().nodes[index]!, ['sh', '-c', cmd]);
    return r.stdout.trim();
  };

  it('group and user: check, first run, second run, diff; password never shown', async () => {
    const file = playbook(
      'users.yaml',
      `- hosts: all
  gather_facts: false
  tasks:
    - name: group
      group: { name: fleetdevs, gid: 2345 }
    - name: user
      user:
        name: alice
        uid: 2345
        group: fleetdevs
        groups: adm,sudo
        shell: /bin/bash
        comment: Alice Example
        password: '${HASH}'
    - name: remove user
      user: { name: olduser, state: absent, remove: true }
`,
    );
    for (const i of [0, 1]) await sh(i, 'useradd -m olduser 2>/dev/null; true');
    const check = await play(file, lab().inventoryPath, { checkMode: true, diffMode: true });
    expect(statuses(check, 'group', names())).toEqual(['changed', 'changed']);
    expect(statuses(check, 'user', names())).toEqual(['changed', 'changed']);
    expect(statuses(check, 'remove user', names())).toEqual(['changed', 'changed']);
    expect(await sh(0, 'getent passwd alice; getent group fleetdevs; getent passwd olduser | cut -d: -f1')).toBe('olduser');
    expect(diffsOf(check, 'user')).toContain('groups: adm,sudo');
    expect(diffsOf(check, 'user')).not.toContain('$6$');

    const first = await play(file, lab().inventoryPath, { diffMode: true });
    expect(statuses(first, 'group', names())).toEqual(['changed', 'changed']);
    expect(statuses(first, 'user', names())).toEqual(['changed', 'changed']);
    expect(statuses(first, 'remove user', names())).toEqual(['changed', 'changed']);
    expect(JSON.stringify(first.events)).not.toContain(HASH);
    expect(await sh(1, 'getent passwd alice')).toBe('alice:x:2345:2345:Alice Example:/home/alice:/bin/bash');
    expect(await sh(1, 'id -Gn alice')).toBe('fleetdevs adm sudo');
    expect(await sh(1, 'getent shadow alice | cut -d: -f2')).toBe(HASH);
    expect(await sh(1, 'test -d /home/alice && echo home; getent passwd olduser; test -d /home/olduser || echo gone')).toBe('home\ngone');
    const userResult = first.events.find((e) => e.type === 'host_result' && e.task.name === 'user') as { result: Record<string, unknown> };
    expect(userResult.result).toMatchObject({ name: 'alice', uid: 2345, group: 2345, groups: 'adm,sudo', home: '/home/alice', shell: '/bin/bash', state: 'present', password: 'NOT_LOGGING_PASSWORD' });

    const second = await play(file, lab().inventoryPath, { diffMode: true });
    for (const t of ['group', 'user', 'remove user']) expect(statuses(second, t, names())).toEqual(['ok', 'ok']);
    const again = await play(file, lab().inventoryPath, { checkMode: true });
    for (const t of ['group', 'user', 'remove user']) expect(statuses(again, t, names())).toEqual(['ok', 'ok']);

    // A change of one attribute: usermod, and the diff shows it.
    const mod = playbook('usermod.yaml', `- hosts: node1\n  gather_facts: false\n  tasks:\n    - name: shell\n      user: { name: alice, shell: /bin/sh, groups: adm }\n`);
    const m = await play(mod, lab().inventoryPath, { diffMode: true });
    expect(statuses(m, 'shell', ['node1'])).toEqual(['changed']);
    const d = (m.events.find((e) => e.type === 'host_result' && e.task.name === 'shell') as { result: { diff: { before: string; after: string }[] } }).result.diff[0]!;
    expect(d.before).toContain('shell: /bin/bash\n');
    expect(d.before).toContain('groups: adm,sudo\n');
    expect(d.after).toContain('shell: /bin/sh\n');
    expect(d.after).toContain('groups: adm\n');
    expect(await sh(0, 'getent passwd alice | cut -d: -f7; id -Gn alice')).toBe('/bin/sh\nfleetdevs adm');
  }, 60_000);

  it('openssh_keypair, authorized_key and known_hosts: check, first run, second run, diff', async () => {
    const file = playbook(
      'keys.yaml',
      `- hosts: all
  gather_facts: false
  tasks:
    - name: keypair
      openssh_keypair: { path: /home/deploy/id_fleet, type: ed25519, comment: deploy-key, owner: deploy, group: deploy }
      register: kp
    - name: authorize
      authorized_key:
        user: deploy
        key: "{{ kp.public_key }} deploy-key"
        key_options: no-agent-forwarding
      when: kp.public_key is defined and kp.public_key
    - name: known host
      known_hosts:
        name: example.org
        key: example.org ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDtsoZDYhKY0AoHedEn8Y8oCEo7o7ZwJeKUcrjqYj9Z+
        path: /home/deploy/.ssh/known_hosts
        hash_host: true
`,
    );
    for (const i of [0, 1]) await sh(i, 'rm -rf /home/deploy/.ssh /home/deploy/id_fleet /home/deploy/id_fleet.pub; true');
    const check = await play(file, lab().inventoryPath, { checkMode: true, diffMode: true });
    const fails = check.events.filter((e) => e.type === 'host_result' && e.status === 'failed');
    expect(fails, JSON.stringify(fails)).toEqual([]);
    expect(statuses(check, 'keypair', names())).toEqual(['changed', 'changed']);
    expect(statuses(check, 'known host', names())).toEqual(['changed', 'changed']);
    expect(await sh(0, 'test -e /home/deploy/.ssh || test -e /home/deploy/id_fleet || echo none')).toBe('none');

    const first = await play(file, lab().inventoryPath, { diffMode: true });
    expect(statuses(first, 'keypair', names())).toEqual(['changed', 'changed']);
    expect(statuses(first, 'authorize', names())).toEqual(['changed', 'changed']);
    expect(statuses(first, 'known host', names())).toEqual(['changed', 'changed']);
    const kp = first.events.find((e) => e.type === 'host_result' && e.task.name === 'keypair' && e.host === 'node1') as { result: Record<string, unknown> };
    expect(kp.result).toMatchObject({ filename: '/home/deploy/id_fleet', type: 'ed25519', size: 256, comment: 'deploy-key' });
    expect(String(kp.result.fingerprint)).toMatch(/^SHA256:/);
    const pub = await sh(0, 'cat /home/deploy/id_fleet.pub');
    expect(pub).toBe(`${String(kp.result.public_key)} deploy-key`);
    expect(await sh(0, 'stat -c "%a %U" /home/deploy/.ssh /home/deploy/.ssh/authorized_keys /home/deploy/id_fleet')).toBe('700 deploy\n600 deploy\n600 deploy');
    expect(await sh(0, 'cat /home/deploy/.ssh/authorized_keys')).toBe(`no-agent-forwarding ${pub}`);
    expect(diffsOf(first, 'authorize')).toContain('no-agent-forwarding ssh-ed25519');
    expect(await sh(0, 'ssh-keygen -F example.org -f /home/deploy/.ssh/known_hosts | grep -c ssh-ed25519; head -c 3 /home/deploy/.ssh/known_hosts')).toBe('1\n|1|');
    expect(await sh(0, 'cat /home/deploy/id_fleet')).not.toBe('');
    expect(JSON.stringify(first.events)).not.toContain('PRIVATE KEY');

    const second = await play(file, lab().inventoryPath, { diffMode: true });
    for (const t of ['keypair', 'authorize', 'known host']) expect(statuses(second, t, names())).toEqual(['ok', 'ok']);
    const kp2 = second.events.find((e) => e.type === 'host_result' && e.task.name === 'keypair' && e.host === 'node1') as { result: Record<string, unknown> };
    expect(kp2.result.fingerprint).toBe(kp.result.fingerprint);
    const again = await play(file, lab().inventoryPath, { checkMode: true });
    for (const t of ['keypair', 'known host']) expect(statuses(again, t, names())).toEqual(['ok', 'ok']);
    // Check mode's result carries no module values (run-module.ts), so `kp.public_key` is undefined there.
    expect(statuses(again, 'authorize', names())).not.toContain('changed');

    // regenerate: a type change makes a new key (partial_idempotence), removal is absent.
    const regen = playbook('regen.yaml', `- hosts: node1\n  gather_facts: false\n  tasks:\n    - name: rsa\n      openssh_keypair: { path: /root/k_test, type: rsa, size: 1024 }\n    - name: gone\n      openssh_keypair: { path: /root/k_test, state: absent }\n`);
    await sh(0, 'rm -f /root/k_test /root/k_test.pub; ssh-keygen -q -t ed25519 -N "" -f /root/k_test');
    const r = await play(regen, lab().inventoryPath);
    expect(statuses(r, 'rsa', ['node1'])).toEqual(['changed']);
    expect(statuses(r, 'gone', ['node1'])).toEqual(['changed']);
    expect(await sh(0, 'ls /root/k_test* 2>/dev/null | wc -l')).toBe('0');
  }, 60_000);

  it('a bad parameter fails when the playbook loads under --strict, with file and line', async () => {
    const bad = playbook('bad.yaml', `- hosts: all\n  gather_facts: false\n  tasks:\n    - name: ok\n      ping:\n    - name: bad\n      user: { name: x, update_password: sometimes }\n`);
    const e = (await loadPlaybook(bad, { strict: true }).then(
      () => undefined,
      (err: unknown) => err,
    )) as { describe(): string } | undefined;
    expect(e, 'loadPlaybook must reject').toBeDefined();
    expect(e!.describe()).toMatch(new RegExp(`${bad.replace(/[.]/g, '\\.')}:7:\\d+, task "bad": value of update_password must be one of: always, on_create, got: sometimes`));
    const bad2 = playbook('bad2.yaml', `- hosts: all\n  gather_facts: false\n  tasks:\n    - authorized_key: { user: root, kye: x }\n`);
    await expect(loadPlaybook(bad2, { strict: true })).rejects.toThrow(/^Unsupported parameters for \(authorized_key\) module: kye\./);
  });
});
