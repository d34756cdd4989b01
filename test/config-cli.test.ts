/**
 * ansible.cfg and ANSIBLE_* through the real CLI, in spawned processes with HOME, the working
 * directory and the environment of their own, so no config of the machine running the tests leaks in.
 * Plays here run on the implicit localhost (connection local); the lab test is config-lab.test.ts.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');

interface Dirs {
  root: string;
  home: string;
  cwd: string;
}

function dirs(): Dirs {
  const root = mkdtempSync(join(tmpdir(), 'fleet-cfgcli-'));
  const home = join(root, 'home');
  const cwd = join(root, 'project');
  mkdirSync(home);
  mkdirSync(cwd);
  for (const d of [root, home, cwd]) chmodSync(d, 0o755);
  return { root, home, cwd };
}

function cleanEnv(d: Dirs, env: Record<string, string>): NodeJS.ProcessEnv {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ANSIBLE_') && !k.startsWith('FLEET_')));
  const all: NodeJS.ProcessEnv = { ...base, HOME: d.home, NO_COLOR: '1', COLUMNS: '80', ...env };
  // An empty value here means: not set at all.
  for (const [k, v] of Object.entries(all)) if (v === '') delete all[k];
  return all;
}

function run(cmd: string, args: string[], d: Dirs, env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { cwd: d.cwd, env: cleanEnv(d, env), maxBuffer: 16 << 20 }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end();
  });
}
const fleet = (args: string[], d: Dirs, env: Record<string, string> = {}) => run(process.execPath, [CLI, ...args], d, env);

function haveAnsibleConfig(): boolean {
  try {
    execFileSync('ansible-config', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const CFG = [
  '[defaults]',
  'inventory = hosts.ini, ~/other',
  'remote_user = deploy   ; inline',
  '# comment',
  'private_key_file = keys/id_ed25519',
  'forks = 7',
  'timeout = 20',
  'host_key_checking = False',
  'roles_path = roles:~/roles',
  'stdout_callback = yaml',
  'callbacks_enabled = profile_tasks, timer',
  'retry_files_enabled = True',
  'gathering = smart',
  '',
  '[privilege_escalation]',
  'become = yes',
  'become_user = admin',
  '',
  '[ssh_connection]',
  'ssh_args = -o ControlMaster=auto',
  'ssh_common_args = -o ProxyJump=bastion',
  '',
].join('\n');

describe('fleet config dump', () => {
  it('prints what ansible-config dump --only-changed prints for the same ansible.cfg and environment', async () => {
    const d = dirs();
    writeFileSync(join(d.cwd, 'ansible.cfg'), CFG);
    const file = join(d.cwd, 'ansible.cfg');
    const r = await fleet(['config', 'dump', '--only-changed'], d, { ANSIBLE_FORKS: '9' });
    expect(r.code, r.stderr).toBe(0);
    const base = [
      `CALLBACKS_ENABLED(${file}) = ['profile_tasks', 'timer']`,
      `CONFIG_FILE() = ${file}`,
      `DEFAULT_BECOME(${file}) = True`,
      `DEFAULT_BECOME_USER(${file}) = admin`,
      'DEFAULT_FORKS(env: ANSIBLE_FORKS) = 9',
      `DEFAULT_GATHERING(${file}) = smart`,
      `DEFAULT_HOST_LIST(${file}) = ['${d.cwd}/hosts.ini', '${d.home}/other']`,
      `DEFAULT_PRIVATE_KEY_FILE(${file}) = ${d.cwd}/keys/id_ed25519`,
      `DEFAULT_REMOTE_USER(${file}) = deploy`,
      `DEFAULT_ROLES_PATH(${file}) = ['${d.cwd}/roles', '${d.home}/roles']`,
      `DEFAULT_STDOUT_CALLBACK(${file}) = yaml`,
      `DEFAULT_TIMEOUT(${file}) = 20`,
      `HOST_KEY_CHECKING(${file}) = False`,
      `RETRY_FILES_ENABLED(${file}) = True`,
    ];
    expect(r.stdout).toBe(
      [...base, '', 'CONNECTION:', '==========', '', 'ssh:', '___', `ssh_args(${file}) = -o ControlMaster=auto`, `ssh_common_args(${file}) = -o ProxyJump=bastion`, ''].join('\n'),
    );
    if (haveAnsibleConfig()) {
      // Without NO_COLOR, which Ansible would list as ANSIBLE_NOCOLOR (fleet reads it for colour only).
      const a = await run('ansible-config', ['dump', '--only-changed'], d, { ANSIBLE_FORKS: '9', NO_COLOR: '' });
      expect(a.code, a.stderr).toBe(0);
      expect(r.stdout.split('\n').slice(0, base.length)).toEqual(a.stdout.trimEnd().split('\n'));
      const t = await run('ansible-config', ['dump', '--only-changed', '-t', 'connection'], d, { ANSIBLE_FORKS: '9', NO_COLOR: '' });
      for (const line of r.stdout.split('\n').slice(base.length + 6).filter(Boolean)) expect(t.stdout).toContain(line);
    }
  });

  it.skipIf(!haveAnsibleConfig())('with no config, every default equals ansible-config dump but forks (50, deliberately)', async () => {
    const d = dirs();
    const env = { NO_COLOR: '' };
    const [f, a] = await Promise.all([fleet(['config', 'dump'], d, env), run('ansible-config', ['dump'], d, env)]);
    expect(f.code, f.stderr).toBe(0);
    const ansible = new Map(a.stdout.split('\n').map((l) => [l.split('(')[0], l] as const));
    const fleetBase = f.stdout.split('\n\n')[0]!.split('\n');
    expect(fleetBase.length).toBeGreaterThan(20);
    const differ = fleetBase.filter((l) => ansible.get(l.split('(')[0]!) !== l);
    expect(differ).toEqual(['DEFAULT_FORKS(default) = 50']);
    expect(ansible.get('DEFAULT_FORKS')).toBe('DEFAULT_FORKS(default) = 5');
  });

  it('finds the file in Ansible order: ANSIBLE_CONFIG (file or directory), ./ansible.cfg, ~/.ansible.cfg', async () => {
    const d = dirs();
    mkdirSync(join(d.root, 'conf'));
    writeFileSync(join(d.root, 'conf', 'ansible.cfg'), '[defaults]\nforks = 2\n');
    writeFileSync(join(d.cwd, 'ansible.cfg'), '[defaults]\nforks = 3\n');
    writeFileSync(join(d.home, '.ansible.cfg'), '[defaults]\nforks = 4\n');
    const forks = async (env: Record<string, string> = {}) => {
      const r = await fleet(['config', 'dump', '--only-changed'], d, env);
      expect(r.code, r.stderr).toBe(0);
      return /^DEFAULT_FORKS\((.*)\) = (\d+)$/m.exec(r.stdout)?.slice(1);
    };
    expect(await forks({ ANSIBLE_CONFIG: join(d.root, 'conf') })).toEqual([join(d.root, 'conf', 'ansible.cfg'), '2']);
    expect(await forks({ ANSIBLE_CONFIG: join(d.root, 'conf', 'ansible.cfg') })).toEqual([join(d.root, 'conf', 'ansible.cfg'), '2']);
    expect(await forks()).toEqual([join(d.cwd, 'ansible.cfg'), '3']);
    chmodSync(d.cwd, 0o777);
    const r = await fleet(['config', 'dump', '--only-changed'], d);
    expect(r.stdout).toMatch(new RegExp(`^DEFAULT_FORKS\\(${join(d.home, '.ansible.cfg')}\\) = 4$`, 'm'));
    expect(r.stderr).toMatch(/\[WARNING\]: Ansible is being run in a world writable directory/);
    chmodSync(d.cwd, 0o755);
    const view = await fleet(['config', 'view'], d);
    expect(view.stdout).toBe('[defaults]\nforks = 3\n');
  });

  it('refuses a bad value with exit 5 (as Ansible), naming file, line, section and key', async () => {
    const d = dirs();
    writeFileSync(join(d.cwd, 'ansible.cfg'), '[defaults]\nforks = lots\n');
    const r = await fleet(['play', 'x.yml'], d);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain(`ERROR! ${join(d.cwd, 'ansible.cfg')}:2: [defaults] forks: expected a whole number of at least 1, got "lots"`);
    writeFileSync(join(d.cwd, 'ansible.cfg'), '[defaults]\nforks = 4\n');
    const e = await fleet(['run', 'all', '-a', 'true'], d, { ANSIBLE_TIMEOUT: 'soon' });
    expect(e.code).toBe(5);
    expect(e.stderr).toMatch(/ERROR! ANSIBLE_TIMEOUT: expected a whole number of at least 1, got "soon"/);
  });
});

describe('inventory from the config: flag over env over file', () => {
  it('takes -i over ANSIBLE_INVENTORY over [defaults] inventory', async () => {
    const d = dirs();
    for (const n of ['file', 'env', 'flag']) writeFileSync(join(d.cwd, `${n}.ini`), `${n}host\n`);
    writeFileSync(join(d.cwd, 'ansible.cfg'), '[defaults]\ninventory = file.ini\n');
    const hosts = async (args: string[], env: Record<string, string> = {}) => {
      const r = await fleet(['inventory', '--list', ...args], d, env);
      expect(r.code, r.stderr).toBe(0);
      return (JSON.parse(r.stdout) as { ungrouped?: { hosts?: string[] } }).ungrouped?.hosts;
    };
    expect(await hosts([])).toEqual(['filehost']);
    expect(await hosts([], { ANSIBLE_INVENTORY: join(d.cwd, 'env.ini') })).toEqual(['envhost']);
    expect(await hosts(['-i', 'flag.ini'], { ANSIBLE_INVENTORY: join(d.cwd, 'env.ini') })).toEqual(['flaghost']);
  });
});

describe('no inventory parsed', () => {
  const EMPTY = "[WARNING]: provided hosts list is empty, only localhost is available. Note that the implicit localhost does not match 'all'";
  const NONE = '[WARNING]: No inventory was parsed, only implicit localhost is available';

  it("warns as Ansible when no inventory is given or configured, for fleet play and fleet run, and goes on", async () => {
    const d = dirs();
    writeFileSync(join(d.cwd, 'site.yml'), '- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: { msg: never }\n');
    const play = await fleet(['play', 'site.yml'], d);
    expect(play.code, play.stderr).toBe(0);
    expect(play.stderr.trim().split('\n')).toEqual([NONE, EMPTY]);
    expect(play.stdout).toMatch(/skipping: no hosts matched/);
    const adhoc = await fleet(['run', 'all', '-m', 'ping'], d);
    expect(adhoc.code, adhoc.stderr).toBe(0);
    expect(adhoc.stderr.trim().split('\n')).toEqual([NONE, EMPTY]);
    expect(adhoc.stdout).toBe('');
    // The implicit localhost is there by name, and then the empty-inventory warning is not.
    const local = await fleet(['run', 'localhost', '-m', 'ping'], d);
    expect(local.code, local.stderr).toBe(0);
    expect(local.stderr.trim().split('\n')).toEqual([NONE]);
    expect(local.stdout).toMatch(/^localhost \| SUCCESS => /);
    if (haveAnsibleConfig()) {
      // Ansible wraps its warnings at the terminal's width; fleet does not.
      const ansible = await run('ansible-playbook', ['site.yml'], d);
      expect(ansible.stderr.replace(/\n(?!\[)/g, ' ').trim().split('\n')).toEqual([NONE, EMPTY]);
    }
  });

  it('warns that a missing -i or configured inventory cannot be parsed, by its absolute path', async () => {
    const d = dirs();
    writeFileSync(join(d.cwd, 'site.yml'), '- hosts: all\n  gather_facts: false\n  tasks: []\n');
    const unable = `[WARNING]: Unable to parse ${join(d.cwd, 'missing.ini')} as an inventory source`;
    const flag = await fleet(['play', '-i', 'missing.ini', 'site.yml'], d);
    expect(flag.code, flag.stderr).toBe(0);
    expect(flag.stderr.trim().split('\n')).toEqual([unable, NONE, EMPTY]);
    writeFileSync(join(d.cwd, 'ansible.cfg'), '[defaults]\ninventory = missing.ini\n');
    const configured = await fleet(['run', 'all', '-a', 'true'], d);
    expect(configured.code, configured.stderr).toBe(0);
    expect(configured.stderr.trim().split('\n')).toEqual([unable, NONE, EMPTY]);
    if (haveAnsibleConfig()) {
      const ansible = await run('ansible', ['all', '-a', 'true'], d);
      expect(ansible.stderr.replace(/\n(?!\[)/g, ' ').trim().split('\n')).toEqual([unable, NONE, EMPTY]);
    }
  });
});

describe('play settings from the config, on the local host', () => {
  it('finds roles in roles_path, relative to the config file, and says which config file it used with -v', async () => {
    const d = dirs();
    mkdirSync(join(d.root, 'shared', 'greeter', 'tasks'), { recursive: true });
    writeFileSync(join(d.root, 'shared', 'greeter', 'tasks', 'main.yml'), '- name: greet\n  debug: { msg: from the shared role }\n');
    writeFileSync(join(d.cwd, 'site.yml'), '- hosts: localhost\n  gather_facts: false\n  roles: [greeter]\n');
    const missing = await fleet(['play', 'site.yml'], d);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/greeter/);
    writeFileSync(join(d.cwd, 'ansible.cfg'), '[defaults]\nroles_path = ../shared\n');
    const r = await fleet(['play', 'site.yml', '-v'], d);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe(`Using ${join(d.cwd, 'ansible.cfg')} as config file`);
    expect(r.stdout).toMatch(/TASK \[greeter : greet\][^]*"msg": "from the shared role"/);
  });

  const PLAYS = [
    '- hosts: localhost',
    '  tasks:',
    '    - name: first',
    '      command: echo one',
    '- hosts: localhost',
    '  tasks:',
    '    - name: second',
    '      debug: { msg: two }',
    '- hosts: localhost',
    '  gather_facts: true',
    '  tasks:',
    '    - name: fails',
    '      command: /bin/false',
    '',
  ].join('\n');

  const gathered = (out: string) => (out.match(/^TASK \[Gathering Facts\]/gm) ?? []).length;

  it('[tags] run/skip add to -t/--skip-tags, display_skipped_hosts hides skips, module_name sets fleet run -m', async () => {
    const d = dirs();
    writeFileSync(
      join(d.cwd, 'site.yml'),
      '- hosts: localhost\n  gather_facts: false\n  tasks:\n    - { name: a, debug: { msg: a }, tags: [one] }\n    - { name: b, debug: { msg: b }, tags: [two] }\n    - { name: c, debug: { msg: c }, tags: [three] }\n    - { name: d, debug: { msg: d }, when: false }\n',
    );
    writeFileSync(join(d.cwd, 'ansible.cfg'), '[defaults]\ndisplay_skipped_hosts = false\nmodule_name = shell\n[tags]\nskip = three\n');
    const r = await fleet(['play', 'site.yml', '--skip-tags', 'two'], d);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.match(/^TASK \[(\w)\]/gm)).toEqual(['TASK [a]']);
    expect(r.stdout).not.toMatch(/skipping/);
    const adhoc = await fleet(['run', 'localhost', '-a', 'echo a | tr a b'], d);
    expect(adhoc.code, adhoc.stderr).toBe(0);
    expect(adhoc.stdout).toMatch(/^localhost \| CHANGED \| rc=0 >>\nb$/m);
  });

  it('gathering: implicit gathers in every play, smart once per host, explicit only where asked', async () => {
    const d = dirs();
    writeFileSync(join(d.cwd, 'site.yml'), PLAYS);
    const implicit = await fleet(['play', 'site.yml'], d);
    expect(implicit.stdout).toMatch(/PLAY RECAP/);
    expect(gathered(implicit.stdout)).toBe(3);
    expect(gathered((await fleet(['play', 'site.yml'], d, { ANSIBLE_GATHERING: 'smart' })).stdout)).toBe(1);
    writeFileSync(join(d.cwd, 'ansible.cfg'), '[defaults]\ngathering = explicit\n');
    const explicit = await fleet(['play', 'site.yml'], d);
    expect(gathered(explicit.stdout)).toBe(1);
    expect(explicit.stdout).toMatch(/TASK \[Gathering Facts\][^]*TASK \[fails\]/);
  });

  it('writes PLAYBOOK.retry with the failed hosts only when retry_files_enabled, into retry_files_save_path', async () => {
    const d = dirs();
    writeFileSync(join(d.cwd, 'site.yml'), PLAYS);
    const off = await fleet(['play', 'site.yml'], d);
    expect(off.code).toBe(2);
    expect(existsSync(join(d.cwd, 'site.retry'))).toBe(false);
    writeFileSync(join(d.cwd, 'ansible.cfg'), '[defaults]\nretry_files_enabled = yes\nretry_files_save_path = retries\n');
    const on = await fleet(['play', 'site.yml'], d);
    expect(on.code).toBe(2);
    expect(readFileSync(join(d.cwd, 'retries', 'site.retry'), 'utf8')).toBe('localhost\n');
    expect(on.stderr).toContain(`to retry, use: --limit @${join(d.cwd, 'retries', 'site.retry')}`);
  });

  it('stdout_callback chooses the output, --output overrides it; callbacks_enabled adds the timings', async () => {
    const d = dirs();
    writeFileSync(join(d.cwd, 'site.yml'), '- hosts: localhost\n  gather_facts: false\n  tasks:\n    - name: say\n      debug: { msg: hello }\n');
    writeFileSync(join(d.cwd, 'ansible.cfg'), '[defaults]\nstdout_callback = minimal\ncallbacks_enabled = ansible.posix.profile_tasks, timer\n');
    const minimal = await fleet(['play', 'site.yml'], d);
    expect(minimal.code, minimal.stderr).toBe(0);
    expect(minimal.stdout).toMatch(/^localhost \| SUCCESS => \{\n {4}"msg": "hello"\n\}$/m);
    expect(minimal.stdout).not.toMatch(/PLAY \[/);
    expect(minimal.stdout).toMatch(/^say -+ \d+\.\d\ds$/m);
    expect(minimal.stdout).toMatch(/^Playbook run took 0 days, 0 hours, 0 minutes, \d+ seconds$/m);
    const yaml = await fleet(['play', 'site.yml'], d, { ANSIBLE_STDOUT_CALLBACK: 'yaml', ANSIBLE_CALLBACKS_ENABLED: 'timer' });
    expect(yaml.stdout).toMatch(/^ok: \[localhost\] => \n {2}msg: hello$/m);
    expect(yaml.stdout).toMatch(/Playbook run took/);
    expect(yaml.stdout).not.toMatch(/^say -+/m);
    const text = await fleet(['play', 'site.yml', '--output', 'text'], d);
    expect(text.stdout).toMatch(/^ok: \[localhost\] => \{\n {4}"msg": "hello"\n\}$/m);
    expect(text.stdout).toMatch(/^TASK \[say\] \*+\n\w+day \d\d \w+ \d{4} {2}\d\d:\d\d:\d\d [+-]\d{4} \(\d:\d\d:\d\d\.\d{3}\) {7}\d:\d\d:\d\d\.\d{3} \*+ $/m);
  });
});
