/**
 * The Ansible settings fleet honours, under Ansible's names (lib/ansible/config/base.yml and the
 * ssh connection plugin's options): where each is read from, its type and its default.
 * Sources listed later win within the file and within the environment, as in Ansible.
 */
import { homedir } from 'node:os';

export type SettingType = 'bool' | 'int' | 'str' | 'list' | 'path' | 'pathlist' | 'pathspec' | 'hostkey';

export interface IniKey {
  section: string;
  key: string;
}

export interface SettingDef {
  /** Ansible's name, as ansible-config dump prints it. */
  name: string;
  type: SettingType;
  ini: IniKey[];
  env: string[];
  default: unknown;
  /** Allowed values (after lower-casing), for settings that are a choice. */
  choices?: readonly string[];
  /** Whole numbers must be at least this. */
  min?: number;
  /** What fleet does with it, for docs and errors. */
  about: string;
  /** A plugin option: ansible-config shows it by its key under the plugin type and name (CONNECTION / ssh). */
  plugin?: { type: 'connection' | 'callback'; name: string; key: string };
}

const d = (key: string): IniKey => ({ section: 'defaults', key });
const pe = (key: string): IniKey => ({ section: 'privilege_escalation', key });
const ssh = (key: string): IniKey => ({ section: 'ssh_connection', key });

/** Callback names fleet has, with the collection-qualified names Ansible also accepts. */
export const STDOUT_CALLBACKS = ['default', 'json', 'yaml', 'minimal'] as const;
export type StdoutCallback = (typeof STDOUT_CALLBACKS)[number];
export const STDOUT_CALLBACK_ALIASES: Record<string, StdoutCallback> = {
  default: 'default',
  'ansible.builtin.default': 'default',
  json: 'json',
  'ansible.posix.json': 'json',
  yaml: 'yaml',
  'community.general.yaml': 'yaml',
  minimal: 'minimal',
  'ansible.builtin.minimal': 'minimal',
};
export const AGGREGATE_CALLBACKS: Record<string, 'profile_tasks' | 'timer'> = {
  profile_tasks: 'profile_tasks',
  'ansible.posix.profile_tasks': 'profile_tasks',
  timer: 'timer',
  'ansible.posix.timer': 'timer',
};

export const SETTINGS: readonly SettingDef[] = [
  { name: 'DEFAULT_HOST_LIST', type: 'pathlist', ini: [d('inventory')], env: ['ANSIBLE_INVENTORY'], default: ['/etc/ansible/hosts'], about: 'inventory sources when no -i is given' },
  { name: 'DEFAULT_REMOTE_USER', type: 'str', ini: [d('remote_user')], env: ['ANSIBLE_REMOTE_USER'], default: null, about: '-u' },
  { name: 'DEFAULT_PRIVATE_KEY_FILE', type: 'path', ini: [d('private_key_file')], env: ['ANSIBLE_PRIVATE_KEY_FILE'], default: null, about: '--private-key' },
  { name: 'DEFAULT_FORKS', type: 'int', min: 1, ini: [d('forks')], env: ['ANSIBLE_FORKS'], default: 50, about: '-f (fleet defaults to 50, Ansible to 5)' },
  { name: 'DEFAULT_TIMEOUT', type: 'int', min: 1, ini: [d('timeout')], env: ['ANSIBLE_TIMEOUT'], default: 10, about: '-T' },
  {
    name: 'HOST_KEY_CHECKING',
    type: 'hostkey',
    ini: [d('host_key_checking'), ssh('host_key_checking')],
    env: ['ANSIBLE_HOST_KEY_CHECKING', 'ANSIBLE_SSH_HOST_KEY_CHECKING', 'FLEET_HOST_KEY_CHECKING'],
    default: true,
    about: '--host-key-checking (True/False, or fleet\'s strict, accept-new, off)',
  },
  {
    name: 'DEFAULT_ROLES_PATH',
    type: 'pathspec',
    ini: [d('roles_path')],
    env: ['ANSIBLE_ROLES_PATH'],
    default: [`${homedir()}/.ansible/roles`, '/usr/share/ansible/roles', '/etc/ansible/roles'],
    about: 'where roles are looked for after roles/ beside the playbook',
  },
  { name: 'DEFAULT_ASK_PASS', type: 'bool', ini: [d('ask_pass')], env: ['ANSIBLE_ASK_PASS'], default: false, about: '-k' },
  { name: 'DEFAULT_BECOME', type: 'bool', ini: [pe('become')], env: ['ANSIBLE_BECOME'], default: false, about: '-b' },
  { name: 'DEFAULT_BECOME_METHOD', type: 'str', ini: [pe('become_method')], env: ['ANSIBLE_BECOME_METHOD'], default: 'sudo', about: '--become-method' },
  { name: 'DEFAULT_BECOME_USER', type: 'str', ini: [pe('become_user')], env: ['ANSIBLE_BECOME_USER'], default: 'root', about: '--become-user' },
  { name: 'DEFAULT_BECOME_ASK_PASS', type: 'bool', ini: [pe('become_ask_pass')], env: ['ANSIBLE_BECOME_ASK_PASS'], default: false, about: '-K' },
  { name: 'DEFAULT_TRANSPORT', type: 'str', ini: [d('transport')], env: ['ANSIBLE_TRANSPORT'], default: 'smart', choices: ['smart', 'ssh', 'local'], about: '-c (smart means ssh)' },
  { name: 'DEFAULT_VERBOSITY', type: 'int', min: 0, ini: [d('verbosity')], env: ['ANSIBLE_VERBOSITY'], default: 0, about: 'the number of -v' },
  { name: 'ANSIBLE_NOCOLOR', type: 'bool', ini: [d('nocolor')], env: ['ANSIBLE_NOCOLOR'], default: false, about: 'no colours (NO_COLOR does the same)' },
  { name: 'ANSIBLE_FORCE_COLOR', type: 'bool', ini: [d('force_color')], env: ['ANSIBLE_FORCE_COLOR'], default: false, about: 'colours even when not on a terminal (wins over nocolor, as in Ansible)' },
  { name: 'DIFF_ALWAYS', type: 'bool', ini: [{ section: 'diff', key: 'always' }], env: ['ANSIBLE_DIFF_ALWAYS'], default: false, about: '-D' },
  { name: 'DEFAULT_GATHERING', type: 'str', ini: [d('gathering')], env: ['ANSIBLE_GATHERING'], default: 'implicit', choices: ['implicit', 'explicit', 'smart'], about: 'when plays gather facts' },
  { name: 'DEFAULT_FORCE_HANDLERS', type: 'bool', ini: [d('force_handlers')], env: ['ANSIBLE_FORCE_HANDLERS'], default: false, about: '--force-handlers' },
  { name: 'RETRY_FILES_ENABLED', type: 'bool', ini: [d('retry_files_enabled')], env: ['ANSIBLE_RETRY_FILES_ENABLED', 'FLEET_RETRY_FILES_ENABLED'], default: false, about: 'write PLAYBOOK.retry with the failed hosts' },
  { name: 'RETRY_FILES_SAVE_PATH', type: 'path', ini: [d('retry_files_save_path')], env: ['ANSIBLE_RETRY_FILES_SAVE_PATH', 'FLEET_RETRY_FILES_SAVE_PATH'], default: null, about: 'directory for retry files (default: beside the playbook)' },
  {
    name: 'DEFAULT_STDOUT_CALLBACK',
    type: 'str',
    ini: [d('stdout_callback')],
    env: ['ANSIBLE_STDOUT_CALLBACK'],
    default: 'default',
    choices: Object.keys(STDOUT_CALLBACK_ALIASES),
    about: 'fleet play --output: default is text, json, yaml, minimal',
  },
  {
    name: 'CALLBACKS_ENABLED',
    type: 'list',
    ini: [d('callback_whitelist'), d('callbacks_enabled')],
    env: ['ANSIBLE_CALLBACK_WHITELIST', 'ANSIBLE_CALLBACKS_ENABLED'],
    default: [],
    about: 'profile_tasks and timer',
  },
  { name: 'TAGS_RUN', type: 'list', ini: [{ section: 'tags', key: 'run' }], env: ['ANSIBLE_RUN_TAGS'], default: [], about: 'tags always selected, added to -t' },
  { name: 'TAGS_SKIP', type: 'list', ini: [{ section: 'tags', key: 'skip' }], env: ['ANSIBLE_SKIP_TAGS'], default: [], about: 'tags always skipped, added to --skip-tags' },
  { name: 'DEFAULT_MODULE_NAME', type: 'str', ini: [d('module_name')], env: [], default: 'command', about: 'fleet run -m' },
  { name: 'DISPLAY_SKIPPED_HOSTS', type: 'bool', ini: [d('display_skipped_hosts')], env: ['ANSIBLE_DISPLAY_SKIPPED_HOSTS'], default: true, about: 'print skipping: lines' },
  {
    name: 'CHECK_MODE_MARKERS',
    type: 'bool',
    ini: [d('check_mode_markers')],
    env: ['ANSIBLE_CHECK_MODE_MARKERS'],
    default: false,
    plugin: { type: 'callback', name: 'default', key: 'check_mode_markers' },
    about: '[CHECK MODE] on banners with --check',
  },
  { name: 'SSH_ARGS', type: 'str', ini: [ssh('ssh_args')], env: ['ANSIBLE_SSH_ARGS'], default: '-C -o ControlMaster=auto -o ControlPersist=60s', plugin: { type: 'connection', name: 'ssh', key: 'ssh_args' }, about: 'ssh options before the common ones' },
  { name: 'SSH_COMMON_ARGS', type: 'str', ini: [ssh('ssh_common_args')], env: ['ANSIBLE_SSH_COMMON_ARGS'], default: '', plugin: { type: 'connection', name: 'ssh', key: 'ssh_common_args' }, about: '--ssh-common-args' },
  { name: 'SSH_EXTRA_ARGS', type: 'str', ini: [ssh('ssh_extra_args')], env: ['ANSIBLE_SSH_EXTRA_ARGS'], default: '', plugin: { type: 'connection', name: 'ssh', key: 'ssh_extra_args' }, about: '--ssh-extra-args' },
];

export function settingDef(name: string): SettingDef {
  const def = SETTINGS.find((s) => s.name === name);
  if (!def) throw new Error(`no such setting ${name}`);
  return def;
}
