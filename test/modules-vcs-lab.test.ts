/**
 * git and pip on real lab nodes: a bare repository served by node1 over ssh (root@node1 with a key
 * made in the test), cloned on node2; pip into a `python3 -m venv` from tiny wheels built in the test
 * (a local wheel directory, no index).
 */
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';
import { labExec } from '../src/lab/index.js';
import { useLab } from './helpers/lab.js';
import { play, playbookWriter, resultOf } from './helpers/play.js';

const playbook = playbookWriter('fleet-modvcs-');


/** A python3 script writing a minimal wheel for name==version into dir. */
function wheelScript(dirPath: string, name: string, version: string): string {
  return `import zipfile, os
d=${JSON.stringify(dirPath)}; n=${JSON.stringify(name)}; v=${JSON.stringify(version)}
os.makedirs(d, exist_ok=True)
di=f"{n}-{v}.dist-info"
files={f"{n}/__init__.py": f"VERSION={v!r}\\n", f"{di}/METADATA": f"Metadata-Version: 2.1\\nName: {n}\\nVersion: {v}\\n", f"{di}/WHEEL": "Wheel-Version: 1.0\\nGenerator: fleet-test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n"}
with zipfile.ZipFile(f"{d}/{n}-{v}-py3-none-any.whl", "w") as z:
    for k, c in files.items(): z.writestr(k, c)
    z.writestr(f"{di}/RECORD", "".join(f"{k},,\\n" for k in files) + f"{di}/RECORD,,\\n")
`;
}

describe('git and pip on lab nodes', () => {
  const lab = useLab(2, 't-modvcs');
  const sh = async (index: number, cmd: string) => {
    const r = await labExec(lab().nodes[index]!, ['sh', '-c', cmd]);
    if (r.rc !== 0) throw new Error(`${cmd}: ${r.stderr}`);
    return r.stdout.trim();
  };

  it('git: clone over ssh, idempotent, update with before/after, check mode predicts, tag and sha', async () => {
    const n1 = lab().nodes[0]!.name;
    const n2 = lab().nodes[1]!.name;
    // A bare repository with two commits on node1, a key on node2 that node1's root accepts.
    await sh(0, `set -e; rm -rf /srv/repo.git /tmp/work; git init -q --bare -b main /srv/repo.git
      git clone -q /srv/repo.git /tmp/work 2>/dev/null; cd /tmp/work
      git -c user.email=t@x -c user.name=t commit -q --allow-empty -m one; git tag v1
      echo a > a.txt; git add a.txt; git -c user.email=t@x -c user.name=t commit -q -m two; git push -q origin main v1`);
    await sh(1, `set -e; rm -f /root/.ssh/fleet_git /root/.ssh/fleet_git.pub; mkdir -p /root/.ssh; ssh-keygen -q -t ed25519 -N '' -f /root/.ssh/fleet_git`);
    const pub = await sh(1, 'cat /root/.ssh/fleet_git.pub');
    await sh(0, `mkdir -p /root/.ssh && echo '${pub}' >> /root/.ssh/authorized_keys && chmod 600 /root/.ssh/authorized_keys`);
    const sha = async (ref: string) => sh(0, `git --git-dir=/srv/repo.git rev-parse ${ref}`);
    const [tip, first] = [await sha('main'), await sha('v1^{commit}')];

    const file = playbook(
      'git.yaml',
      `- hosts: ${n2}
  gather_facts: false
  tasks:
    - name: checkout
      git:
        repo: root@${n1}:/srv/repo.git
        dest: /data/code
        version: "{{ ver | default('main') }}"
        key_file: /root/.ssh/fleet_git
        accept_hostkey: true
`,
    );
    const inv = lab().inventoryPath;
    await sh(1, 'rm -rf /data/code');
    const check = await play(file, inv, { checkMode: true });
    expect(resultOf(check, 'checkout', n2)).toMatchObject({ status: 'changed', before: null, after: tip });
    expect(await sh(1, 'test -e /data/code && echo yes || echo no')).toBe('no');

    let t = Date.now();
    const first_ = await play(file, inv);
    expect(resultOf(first_, 'checkout', n2)).toMatchObject({ status: 'changed', before: null, after: tip });
    expect(await sh(1, 'cat /data/code/a.txt; git -C /data/code rev-parse --abbrev-ref HEAD')).toBe('a\nmain');
    console.log(`git clone run: ${Date.now() - t} ms`);

    t = Date.now();
    const second = await play(file, inv);
    expect(resultOf(second, 'checkout', n2)).toMatchObject({ status: 'ok', before: tip, after: tip, remote_url_changed: false });
    console.log(`git no-op run: ${Date.now() - t} ms`);

    // A new commit upstream: check mode predicts the exact after, the run moves HEAD there.
    await sh(0, `cd /tmp/work && echo b > b.txt && git add b.txt && git -c user.email=t@x -c user.name=t commit -q -m three && git push -q origin main`);
    const tip2 = await sha('main');
    const check2 = await play(file, inv, { checkMode: true });
    expect(resultOf(check2, 'checkout', n2)).toMatchObject({ status: 'changed', before: tip, after: tip2 });
    expect(await sh(1, 'git -C /data/code rev-parse HEAD')).toBe(tip);
    const update = await play(file, inv);
    expect(resultOf(update, 'checkout', n2)).toMatchObject({ status: 'changed', before: tip, after: tip2 });
    expect(await sh(1, 'cat /data/code/b.txt')).toBe('b');

    // A tag, then a short sha; each: check predicts, run changes, second run ok.
    for (const [ver, want] of [['v1', first], [tip.slice(0, 10), tip]] as const) {
      const c = await play(file, inv, { checkMode: true, extraVars: { ver } });
      expect(resultOf(c, 'checkout', n2)).toMatchObject({ status: 'changed', before: tip2 === want ? tip2 : expect.any(String) });
      const r = await play(file, inv, { extraVars: { ver } });
      expect(resultOf(r, 'checkout', n2)).toMatchObject({ status: 'changed', after: want });
      expect(await sh(1, 'git -C /data/code rev-parse HEAD')).toBe(want);
      const again = await play(file, inv, { extraVars: { ver } });
      expect(resultOf(again, 'checkout', n2)).toMatchObject({ status: 'ok', before: want, after: want });
    }
    expect(resultOf(await play(file, inv, { checkMode: true, extraVars: { ver: 'v1' } }), 'checkout', n2)).toMatchObject({ status: 'changed', after: first });

    // Local modifications: fail without force, discarded with force.
    await sh(1, 'echo changed > /data/code/a.txt');
    const dirty = await play(file, inv);
    expect(resultOf(dirty, 'checkout', n2)).toMatchObject({ status: 'failed' });
    expect(String(resultOf(dirty, 'checkout', n2).msg)).toContain('Local modifications exist in the destination');
    const forced = playbook('git-force.yaml', readFileSync(file, 'utf8').replace('accept_hostkey: true', 'accept_hostkey: true\n        force: true'));
    expect(resultOf(await play(forced, inv), 'checkout', n2)).toMatchObject({ status: 'changed', after: tip2 });
    expect(await sh(1, 'cat /data/code/a.txt')).toBe('a');

    // dest exists but is not a repository.
    await sh(1, 'rm -rf /data/code && mkdir -p /data/code && touch /data/code/x');
    const notRepo = await play(file, inv);
    expect(String(resultOf(notRepo, 'checkout', n2).msg)).toContain('exists but is not a git repository');
  }, 120_000);

  it('pip: venv from local wheels, idempotent, check mode, upgrade, absent', async () => {
    const n1 = lab().nodes[0]!.name;
    await sh(0, 'rm -rf /srv/wheels /data/venv');
    for (const [n, v] of [['fleetpkg', '1.0'], ['fleetpkg', '2.0'], ['fleetdep', '0.5']] as const) {
      await labExec(lab().nodes[0]!, ['/usr/bin/python3', '-c', wheelScript('/srv/wheels', n, v)]).then((r) => expect(r.rc).toBe(0));
    }
    const file = playbook(
      'pip.yaml',
      `- hosts: ${n1}
  gather_facts: false
  tasks:
    - name: packages
      pip:
        name: "{{ names }}"
        state: "{{ st | default('present') }}"
        virtualenv: /data/venv
        virtualenv_command: /usr/bin/python3 -m venv
        extra_args: "{{ ea | default('--no-index --find-links /srv/wheels') }}"
`,
    );
    const inv = lab().inventoryPath;
    const run = (names: string[], opts: { checkMode?: boolean; st?: string } = {}) =>
      play(file, inv, { ...(opts.checkMode ? { checkMode: true } : {}), extraVars: { names, ...(opts.st ? { st: opts.st } : {}), ...(opts.st === 'absent' ? { ea: '' } : {}) } });
    const freeze = () => sh(0, '/data/venv/bin/pip freeze --disable-pip-version-check');

    const c0 = await run(['fleetpkg==1.0', 'fleetdep'], { checkMode: true });
    expect(resultOf(c0, 'packages', n1).status).toBe('changed');
    expect(await sh(0, 'test -e /data/venv && echo yes || echo no')).toBe('no');

    let t = Date.now();
    const first = await run(['fleetpkg==1.0', 'fleetdep']);
    expect(resultOf(first, 'packages', n1).status).toBe('changed');
    console.log(`pip venv+install run: ${Date.now() - t} ms`);
    expect(await freeze()).toBe('fleetdep==0.5\nfleetpkg==1.0');
    t = Date.now();
    expect(resultOf(await run(['fleetpkg==1.0', 'fleetdep']), 'packages', n1).status).toBe('ok');
    console.log(`pip no-op run: ${Date.now() - t} ms`);
    expect(resultOf(await run(['fleetpkg>=1,<2', 'FleetDep']), 'packages', n1).status).toBe('ok');

    // A version change: check predicts, run upgrades, then ok.
    expect(resultOf(await run(['fleetpkg>=2.0'], { checkMode: true }), 'packages', n1).status).toBe('changed');
    expect(await freeze()).toContain('fleetpkg==1.0');
    expect(resultOf(await run(['fleetpkg>=2.0']), 'packages', n1).status).toBe('changed');
    expect(await freeze()).toContain('fleetpkg==2.0');
    expect(resultOf(await run(['fleetpkg>=2.0']), 'packages', n1).status).toBe('ok');
    // latest: nothing newer in the wheel directory.
    expect(resultOf(await run(['fleetpkg'], { st: 'latest' }), 'packages', n1).status).toBe('ok');

    // absent (pip uninstall takes no index options, so no extra_args, as with Ansible): check, remove, ok.
    expect(resultOf(await run(['fleetdep'], { st: 'absent', checkMode: true }), 'packages', n1).status).toBe('changed');
    expect(resultOf(await run(['fleetdep'], { st: 'absent' }), 'packages', n1).status).toBe('changed');
    expect(await freeze()).toBe('fleetpkg==2.0');
    expect(resultOf(await run(['fleetdep'], { st: 'absent' }), 'packages', n1).status).toBe('ok');
  }, 120_000);
});
