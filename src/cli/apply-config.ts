import { existsSync } from 'node:fs';
import { AGGREGATE_CALLBACKS, configValue, isDefault, STDOUT_CALLBACK_ALIASES, type FleetConfig } from '../config/index.js';

export type OutputFormat = 'text' | 'json' | 'json-events' | 'yaml' | 'minimal';

/** What ansible.cfg and ANSIBLE_* settle for `fleet play` beyond the shared flags. */
export interface PlaySettings {
  diff: boolean;
  /** -t / --skip-tags with TAGS_RUN / TAGS_SKIP added, as Ansible adds them. */
  tags: { only: string[]; skip: string[] };
  showSkipped: boolean;
  checkModeMarkers: boolean;
  color: boolean;
  output: OutputFormat;
  profileTasks: boolean;
  timer: boolean;
  gathering: 'implicit' | 'explicit' | 'smart';
  rolesPath: string[];
  retryFiles: { enabled: boolean; savePath?: string };
  /** --force-handlers or force_handlers in the config: the default of the play keyword. */
  forceHandlers: boolean;
  warnings: string[];
}

/** The flags a config can fill in (common-options.ts CommonFlags has them all). */
export interface ConfigurableFlags {
  inventory: string[];
  forks?: number;
  user?: string;
  privateKey?: string;
  keyFile?: string;
  askPass?: boolean;
  become?: boolean;
  becomeUser?: string;
  becomeMethod?: string;
  askBecomePass?: boolean;
  timeout?: number;
  verbose: number;
  hostKeyChecking?: string;
  sshCommonArgs?: string;
  sshExtraArgs?: string;
  connection?: string;
}

const OUTPUT_OF: Record<string, OutputFormat> = { default: 'text', json: 'json', yaml: 'yaml', minimal: 'minimal' };

/**
 * Fill in what the command line left unsaid from the config (which already holds env over file over
 * default): flags win over everything. Settings left at their default are not applied where fleet
 * has a better source of its own (the connect timeout from ~/.ssh/config, say).
 */
export function applyConfigToFlags(flags: ConfigurableFlags, config: FleetConfig): void {
  const set = (name: string) => !isDefault(config, name);
  if (!flags.inventory.length) {
    const sources = configValue<string[]>(config, 'DEFAULT_HOST_LIST');
    // Ansible's default /etc/ansible/hosts is used when it is there; a missing one is no error.
    flags.inventory = set('DEFAULT_HOST_LIST') ? sources : sources.filter((s) => existsSync(s));
  }
  if (flags.user === undefined && set('DEFAULT_REMOTE_USER')) flags.user = configValue<string>(config, 'DEFAULT_REMOTE_USER');
  if (flags.privateKey === undefined && flags.keyFile === undefined && set('DEFAULT_PRIVATE_KEY_FILE')) flags.privateKey = configValue<string>(config, 'DEFAULT_PRIVATE_KEY_FILE');
  flags.forks ??= configValue<number>(config, 'DEFAULT_FORKS');
  if (flags.timeout === undefined && set('DEFAULT_TIMEOUT')) flags.timeout = configValue<number>(config, 'DEFAULT_TIMEOUT');
  if (flags.hostKeyChecking === undefined && set('HOST_KEY_CHECKING')) {
    const v = configValue<boolean | string>(config, 'HOST_KEY_CHECKING');
    flags.hostKeyChecking = v === true ? 'strict' : v === false ? 'off' : String(v);
  }
  if (flags.askPass === undefined && configValue<boolean>(config, 'DEFAULT_ASK_PASS')) flags.askPass = true;
  if (flags.become === undefined && configValue<boolean>(config, 'DEFAULT_BECOME')) flags.become = true;
  if (flags.becomeUser === undefined && set('DEFAULT_BECOME_USER')) flags.becomeUser = configValue<string>(config, 'DEFAULT_BECOME_USER');
  if (flags.becomeMethod === undefined && set('DEFAULT_BECOME_METHOD')) flags.becomeMethod = configValue<string>(config, 'DEFAULT_BECOME_METHOD');
  if (flags.askBecomePass === undefined && configValue<boolean>(config, 'DEFAULT_BECOME_ASK_PASS')) flags.askBecomePass = true;
  if (flags.connection === undefined) {
    const transport = configValue<string>(config, 'DEFAULT_TRANSPORT');
    if (transport !== 'smart') flags.connection = transport;
  }
  if (!flags.verbose) flags.verbose = configValue<number>(config, 'DEFAULT_VERBOSITY');
  // ssh_args come first on Ansible's ssh command line, then the common, then the extra ones.
  const common = flags.sshCommonArgs ?? configValue<string>(config, 'SSH_COMMON_ARGS');
  const sshArgs = set('SSH_ARGS') ? configValue<string>(config, 'SSH_ARGS') : '';
  const joined = [sshArgs, common].filter((s) => s.trim()).join(' ');
  if (joined) flags.sshCommonArgs = joined;
  if (flags.sshExtraArgs === undefined && configValue<string>(config, 'SSH_EXTRA_ARGS')) flags.sshExtraArgs = configValue<string>(config, 'SSH_EXTRA_ARGS');
}

function union(a: string[], b: string[]): string[] {
  return [...new Set([...a, ...b].map((t) => t.trim()).filter(Boolean))];
}

/** Ansible's colour choice: force_color wins, then nocolor, then whether the stream is a terminal. */
export function colorFromConfig(config: FleetConfig, auto: boolean): boolean {
  if (configValue<boolean>(config, 'ANSIBLE_FORCE_COLOR')) return true;
  if (configValue<boolean>(config, 'ANSIBLE_NOCOLOR')) return false;
  return auto;
}

/** The play-only settings: output (stdout_callback), callbacks, gathering, roles_path, retry files. */
export function playSettings(flags: { diff?: boolean; output?: string; tags?: string[]; skipTags?: string[]; forceHandlers?: boolean }, config: FleetConfig, autoColor = false): PlaySettings {
  const warnings: string[] = [];
  let profileTasks = false;
  let timer = false;
  for (const name of configValue<string[]>(config, 'CALLBACKS_ENABLED')) {
    const cb = AGGREGATE_CALLBACKS[name];
    if (cb === 'profile_tasks') profileTasks = true;
    else if (cb === 'timer') timer = true;
    else if (name) warnings.push(`callbacks_enabled: fleet has no "${name}" callback (it has ${Object.keys(AGGREGATE_CALLBACKS).join(', ')}); ignored`);
  }
  const stdout = STDOUT_CALLBACK_ALIASES[configValue<string>(config, 'DEFAULT_STDOUT_CALLBACK')] ?? 'default';
  const savePath = configValue<string | null>(config, 'RETRY_FILES_SAVE_PATH');
  return {
    diff: flags.diff ?? configValue<boolean>(config, 'DIFF_ALWAYS'),
    tags: { only: union(configValue<string[]>(config, 'TAGS_RUN'), flags.tags ?? []), skip: union(configValue<string[]>(config, 'TAGS_SKIP'), flags.skipTags ?? []) },
    showSkipped: configValue<boolean>(config, 'DISPLAY_SKIPPED_HOSTS'),
    checkModeMarkers: configValue<boolean>(config, 'CHECK_MODE_MARKERS'),
    color: colorFromConfig(config, autoColor),
    output: (flags.output as OutputFormat | undefined) ?? OUTPUT_OF[stdout]!,
    profileTasks,
    timer,
    gathering: configValue<PlaySettings['gathering']>(config, 'DEFAULT_GATHERING'),
    rolesPath: configValue<string[]>(config, 'DEFAULT_ROLES_PATH'),
    retryFiles: { enabled: configValue<boolean>(config, 'RETRY_FILES_ENABLED'), ...(savePath ? { savePath } : {}) },
    forceHandlers: !!flags.forceHandlers || configValue<boolean>(config, 'DEFAULT_FORCE_HANDLERS'),
    warnings,
  };
}
