import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyConfigToFlags, colorFromConfig, playSettings, type ConfigurableFlags } from '../src/cli/apply-config.js';
import { ConfigError, findConfigFile, formatConfigDump, loadConfig, parseIni } from '../src/config/index.js';

function tmp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fleet-config-'));
  chmodSync(dir, 0o755);
  return dir;
}

/** A clean world: an empty HOME, no /etc file, only the variables given. */
function world(files: Record<string, string> = {}, env: Record<string, string> = {}) {
  const root = tmp();
  const home = join(root, 'home');
  const cwd = join(root, 'project');
  mkdirSync(home);
  mkdirSync(cwd);
  chmodSync(cwd, 0o755);
  for (const [rel, text] of Object.entries(files)) {
    const path = join(root, rel);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
  }
  const load = () => loadConfig({ env: { ...env }, cwd, home, systemFile: join(root, 'etc', 'ansible.cfg') });
  return { root, home, cwd, load };
}

describe('ansible.cfg parsing (configparser rules)', () => {
  it('reads sections, both separators, comments, inline ; comments and continued values', () => {
    const ini = parseIni(
      ['# a comment', '; another', '[defaults]', 'Forks = 7', 'remote_user: deploy ; inline comment', 'private_key_file = keys/id#1', 'inventory = a,', '   b', '', '[privilege_escalation]', 'become=yes'].join('\n'),
      '/x/ansible.cfg',
    );
    const d = ini.sections.get('defaults')!;
    expect(d.get('forks')).toEqual({ value: '7', line: 4 });
    expect(d.get('remote_user')!.value).toBe('deploy');
    expect(d.get('private_key_file')!.value).toBe('keys/id#1');
    expect(d.get('inventory')!.value).toBe('a,\nb');
    expect(ini.sections.get('privilege_escalation')!.get('become')!.value).toBe('yes');
  });

  it('refuses what configparser refuses, naming file and line', () => {
    expect(() => parseIni('forks = 5\n', '/x/a.cfg')).toThrow(/before any \[section\] header/);
    expect(() => parseIni('[defaults]\nforks = 5\nforks = 6\n', '/x/a.cfg')).toThrow(/key "forks" appears twice in \[defaults\]/);
    expect(() => parseIni('[defaults]\n[defaults]\n', '/x/a.cfg')).toThrow(/section \[defaults\] appears twice/);
    try {
      parseIni('[defaults]\njust words\n', '/x/a.cfg');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).describe()).toMatch(/^\/x\/a\.cfg:2: cannot read "just words": expected key = value/);
    }
  });
});

describe('where the config file is found', () => {
  it('takes ANSIBLE_CONFIG first, a directory meaning its ansible.cfg', () => {
    const w = world({ 'conf/ansible.cfg': '[defaults]\nforks = 3\n', 'project/ansible.cfg': '[defaults]\nforks = 4\n' });
    expect(findConfigFile({ env: { ANSIBLE_CONFIG: join(w.root, 'conf') }, cwd: w.cwd, home: w.home }).file).toBe(join(w.root, 'conf', 'ansible.cfg'));
    expect(findConfigFile({ env: { ANSIBLE_CONFIG: join(w.root, 'conf', 'ansible.cfg') }, cwd: w.cwd, home: w.home }).file).toBe(join(w.root, 'conf', 'ansible.cfg'));
  });

  it('then ./ansible.cfg, then ~/.ansible.cfg, then the system file; only the first is read', () => {
    const w = world({ 'project/ansible.cfg': '[defaults]\nforks = 4\n', 'home/.ansible.cfg': '[defaults]\nforks = 5\ntimeout = 30\n', 'etc/ansible.cfg': '[defaults]\nforks = 6\n' });
    const c = w.load();
    expect(c.file).toBe(join(w.cwd, 'ansible.cfg'));
    expect(c.settings.get('DEFAULT_FORKS')).toEqual({ value: 4, origin: join(w.cwd, 'ansible.cfg') });
    // Not merged: the home file's timeout is not seen.
    expect(c.settings.get('DEFAULT_TIMEOUT')).toEqual({ value: 10, origin: 'default' });
  });

  it('falls back to home and then the system file', () => {
    const w = world({ 'home/.ansible.cfg': '[defaults]\nforks = 5\n', 'etc/ansible.cfg': '[defaults]\nforks = 6\n' });
    expect(w.load().settings.get('DEFAULT_FORKS')!.value).toBe(5);
    const v = world({ 'etc/ansible.cfg': '[defaults]\nforks = 6\n' });
    expect(v.load().settings.get('DEFAULT_FORKS')!.value).toBe(6);
    const none = world();
    expect(none.load().file).toBeUndefined();
  });

  it('skips ./ansible.cfg in a world-writable directory, with Ansible warning', () => {
    const w = world({ 'project/ansible.cfg': '[defaults]\nforks = 4\n', 'home/.ansible.cfg': '[defaults]\nforks = 5\n' });
    chmodSync(w.cwd, 0o777);
    const c = w.load();
    expect(c.file).toBe(join(w.home, '.ansible.cfg'));
    expect(c.warnings.join('\n')).toMatch(/Ansible is being run in a world writable directory \(.*project\), ignoring it as an ansible.cfg source/);
 
    // Also when no other file is found at all.
    const alone = world({ 'project/ansible.cfg': '[defaults]\nforks = 4\n' });
    chmodSync(alone.cwd, 0o777);
    const none = alone.load();
    expect(none.file).toBeUndefined();
    expect(none.warnings.join('\n')).toMatch(/world writable directory/);
  });

  it('warns when ANSIBLE_CONFIG names nothing readable and goes on down the list', () => {
    const w = world({ 'home/.ansible.cfg': '[defaults]\nforks = 5\n' }, { ANSIBLE_CONFIG: '/nonexistent/x.cfg' });
    const c = w.load();
    expect(c.file).toBe(join(w.home, '.ansible.cfg'));
    expect(c.warnings[0]).toMatch(/ANSIBLE_CONFIG names \/nonexistent\/x\.cfg/);
  });
});

describe('values: types, paths, precedence', () => {
  it('types each setting and resolves paths against the config file directory, ~ against HOME', () => {
    const w = world({
      'project/ansible.cfg': [
        '[defaults]',
        'inventory = hosts.ini, ~/more , /abs/inv',
        'private_key_file = keys/id_ed25519',
        'roles_path = roles:~/roles:/etc/r',
        'host_key_checking = False',
        'callbacks_enabled = profile_tasks, "timer"',
        'stdout_callback = community.general.yaml',
        'remote_user = "deploy"',
        '[privilege_escalation]',
        'become = True',
        '[ssh_connection]',
        'ssh_common_args = -o ProxyJump=bastion',
        '[diff]',
        'always = yes',
      ].join('\n'),
    });
    const c = w.load();
    const v = (n: string) => c.settings.get(n)!.value;
    expect(v('DEFAULT_HOST_LIST')).toEqual([join(w.cwd, 'hosts.ini'), join(w.home, 'more'), '/abs/inv']);
    expect(v('DEFAULT_PRIVATE_KEY_FILE')).toBe(join(w.cwd, 'keys/id_ed25519'));
    expect(v('DEFAULT_ROLES_PATH')).toEqual([join(w.cwd, 'roles'), join(w.home, 'roles'), '/etc/r']);
    expect(v('HOST_KEY_CHECKING')).toBe(false);
    expect(v('CALLBACKS_ENABLED')).toEqual(['profile_tasks', 'timer']);
    expect(v('DEFAULT_STDOUT_CALLBACK')).toBe('community.general.yaml');
    expect(v('DEFAULT_REMOTE_USER')).toBe('deploy');
    expect(v('DEFAULT_BECOME')).toBe(true);
    expect(v('SSH_COMMON_ARGS')).toBe('-o ProxyJump=bastion');
    expect(v('DIFF_ALWAYS')).toBe(true);
  });

  it('an ANSIBLE_* variable wins over the file; relative env paths are from the working directory', () => {
    const w = world({ 'project/ansible.cfg': '[defaults]\nforks = 4\nprivate_key_file = k1\n' }, { ANSIBLE_FORKS: '12', ANSIBLE_PRIVATE_KEY_FILE: 'k2' });
    const c = w.load();
    expect(c.settings.get('DEFAULT_FORKS')).toEqual({ value: 12, origin: 'env: ANSIBLE_FORKS' });
    expect(c.settings.get('DEFAULT_PRIVATE_KEY_FILE')).toEqual({ value: join(w.cwd, 'k2'), origin: 'env: ANSIBLE_PRIVATE_KEY_FILE' });
  });

  it('of two names for one setting the later wins (callbacks_enabled over callback_whitelist), and an empty variable means the default', () => {
    const w = world({ 'project/ansible.cfg': '[defaults]\ncallback_whitelist = timer\ncallbacks_enabled = profile_tasks\n' }, { ANSIBLE_FORKS: '' });
    const c = w.load();
    expect(c.settings.get('CALLBACKS_ENABLED')!.value).toEqual(['profile_tasks']);
    expect(c.settings.get('DEFAULT_FORKS')).toEqual({ value: 50, origin: 'default' });
  });

  it('refuses bad values naming the file, line, section and key, or the variable', () => {
    const w = world({ 'project/ansible.cfg': '[defaults]\n\nforks = many\n' });
    expect(() => w.load()).toThrow(ConfigError);
    try {
      w.load();
    } catch (e) {
      expect((e as ConfigError).describe()).toBe(`${join(w.cwd, 'ansible.cfg')}:3: [defaults] forks: expected a whole number of at least 1, got "many"\n  hint: the DEFAULT_FORKS setting: -f (fleet defaults to 50, Ansible to 5)`);
    }
    const e1 = world({}, { ANSIBLE_BECOME: 'perhaps' });
    expect(() => e1.load()).toThrow(/^ANSIBLE_BECOME: expected a boolean \(yes\/no, true\/false, on\/off, 1\/0\), got "perhaps"$/);
    const e2 = world({}, { ANSIBLE_GATHERING: 'sometimes' });
    expect(() => e2.load()).toThrow(/ANSIBLE_GATHERING: expected one of implicit, explicit, smart, got "sometimes"/);
    const e3 = world({}, { ANSIBLE_STDOUT_CALLBACK: 'dense' });
    expect(() => e3.load()).toThrow(/ANSIBLE_STDOUT_CALLBACK: expected one of default, .*minimal.*, got "dense"/);
    const e4 = world({ 'project/ansible.cfg': '[defaults]\ntimeout = 0\n' });
    expect(() => e4.load()).toThrow(/\[defaults\] timeout: expected a whole number of at least 1, got "0"/);
  });
});

describe('the command line over the config', () => {
  const flags = (over: Partial<ConfigurableFlags> = {}): ConfigurableFlags => ({ inventory: [], verbose: 0, ...over });
  const cfg = world(
    {
      'project/ansible.cfg': [
        '[defaults]',
        'inventory = inv.ini',
        'remote_user = deploy',
        'private_key_file = id_key',
        'forks = 3',
        'timeout = 25',
        'host_key_checking = False',
        'stdout_callback = minimal',
        'callbacks_enabled = timer, bogus',
        'retry_files_enabled = yes',
        'retry_files_save_path = retries',
        'gathering = explicit',
        'verbosity = 2',
        '[privilege_escalation]',
        'become = yes',
        'become_user = admin',
        '[ssh_connection]',
        'ssh_args = -o ServerAliveInterval=5',
        'ssh_common_args = -o ProxyJump=bastion',
      ].join('\n'),
    },
    { ANSIBLE_REMOTE_USER: 'envuser' },
  );

  it('fills every flag left out, env over file', () => {
    const f = flags();
    applyConfigToFlags(f, cfg.load());
    expect(f).toEqual({
      inventory: [join(cfg.cwd, 'inv.ini')],
      verbose: 2,
      user: 'envuser',
      privateKey: join(cfg.cwd, 'id_key'),
      forks: 3,
      timeout: 25,
      hostKeyChecking: 'off',
      become: true,
      becomeUser: 'admin',
      sshCommonArgs: '-o ServerAliveInterval=5 -o ProxyJump=bastion',
    });
  });

  it('keeps every flag given (ssh_args still go first, as on Ansible command line)', () => {
    const f = flags({ inventory: ['cli.ini'], user: 'cliuser', privateKey: 'cli_key', forks: 9, timeout: 4, hostKeyChecking: 'strict', becomeUser: 'other', verbose: 1, sshCommonArgs: '-o ProxyJump=cli' });
    applyConfigToFlags(f, cfg.load());
    expect(f).toMatchObject({ inventory: ['cli.ini'], user: 'cliuser', privateKey: 'cli_key', forks: 9, timeout: 4, hostKeyChecking: 'strict', becomeUser: 'other', verbose: 1, sshCommonArgs: '-o ServerAliveInterval=5 -o ProxyJump=cli' });
  });

  it('settles the play settings: output from stdout_callback unless --output, callbacks, gathering, retry files', () => {
    const s = playSettings({}, cfg.load());
    expect(s).toMatchObject({ output: 'minimal', diff: false, profileTasks: false, timer: true, gathering: 'explicit', retryFiles: { enabled: true, savePath: join(cfg.cwd, 'retries') } });
    expect(s.warnings).toEqual([expect.stringMatching(/fleet has no "bogus" callback/)]);
    expect(playSettings({ output: 'json', diff: true }, cfg.load())).toMatchObject({ output: 'json', diff: true });
  });

  it('adds [tags] run / skip to -t / --skip-tags, as Ansible does, and reads the display settings', () => {
    const w = world({ 'project/ansible.cfg': '[defaults]\ndisplay_skipped_hosts = no\ncheck_mode_markers = yes\n[tags]\nrun = a, b\nskip = c\n' });
    expect(playSettings({ tags: ['b', 'x'], skipTags: [] }, w.load())).toMatchObject({ tags: { only: ['a', 'b', 'x'], skip: ['c'] }, showSkipped: false, checkModeMarkers: true });
    expect(playSettings({}, world().load())).toMatchObject({ tags: { only: [], skip: [] }, showSkipped: true, checkModeMarkers: false });
  });

  it('colours as Ansible decides: force_color over nocolor over the terminal', () => {
    expect(colorFromConfig(world().load(), true)).toBe(true);
    expect(colorFromConfig(world().load(), false)).toBe(false);
    expect(colorFromConfig(world({ 'project/ansible.cfg': '[defaults]\nnocolor = 1\n' }).load(), true)).toBe(false);
    expect(colorFromConfig(world({ 'project/ansible.cfg': '[defaults]\nnocolor = 1\n' }, { ANSIBLE_FORCE_COLOR: 'true' }).load(), false)).toBe(true);
  });

  it('leaves settings at their default alone, and uses /etc/ansible/hosts only when it is there', () => {
    const w = world();
    const f = flags();
    applyConfigToFlags(f, w.load());
    expect(f).toEqual({ inventory: [], verbose: 0, forks: 50 });
    expect(playSettings({}, w.load())).toMatchObject({ output: 'text', profileTasks: false, timer: false, gathering: 'implicit', retryFiles: { enabled: false } });
  });
});

describe('fleet config dump', () => {
  it('prints NAME(origin) = value sorted, with CONFIG_FILE, and the ssh options under CONNECTION', () => {
    const w = world({ 'project/ansible.cfg': '[defaults]\nforks = 7\nroles_path = r1:r2\nhost_key_checking = no\n[ssh_connection]\nssh_extra_args = -o A=1\n' }, { ANSIBLE_REMOTE_USER: 'me', ANSIBLE_CHECK_MODE_MARKERS: 'yes' });
    const file = join(w.cwd, 'ansible.cfg');
    expect(formatConfigDump(w.load(), { onlyChanged: true })).toBe(
      [
        `CONFIG_FILE() = ${file}`,
        `DEFAULT_FORKS(${file}) = 7`,
        'DEFAULT_REMOTE_USER(env: ANSIBLE_REMOTE_USER) = me',
        `DEFAULT_ROLES_PATH(${file}) = ['${join(w.cwd, 'r1')}', '${join(w.cwd, 'r2')}']`,
        `HOST_KEY_CHECKING(${file}) = False`,
        '',
        'CALLBACK:',
        '========',
        '',
        'default:',
        '_______',
        'check_mode_markers(env: ANSIBLE_CHECK_MODE_MARKERS) = True',
        '',
        'CONNECTION:',
        '==========',
        '',
        'ssh:',
        '___',
        `ssh_extra_args(${file}) = -o A=1`,
        '',
      ].join('\n'),
    );
    const all = formatConfigDump(world().load());
    expect(all).toMatch(/^CONFIG_FILE\(\) = None$/m);
    expect(all).toMatch(/^DEFAULT_REMOTE_USER\(default\) = None$/m);
    expect(all).toMatch(/^CALLBACKS_ENABLED\(default\) = \[\]$/m);
    expect(all).toMatch(/^DEFAULT_BECOME\(default\) = False$/m);
  });
});
