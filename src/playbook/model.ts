/**
 * The loaded playbook: plays, blocks and tasks with their source positions, validated before any
 * host is touched. Values stay untemplated here; the executor templates them per host and task.
 */
import type { Vars } from '../inventory/model.js';

/** A task's own problem, found at load time, that fails the task if and when it runs (as in Ansible). */
export interface TaskProblem {
  message: string;
  hint?: string;
  /** The loop form itself is the problem: the task cannot even be expanded into items. */
  loop?: boolean;
}

export interface SourcePos {
  file: string;
  line: number;
  column: number;
}

/** Keywords shared by plays, blocks, roles and tasks (inherited downwards, innermost wins). */
export interface CommonKeywords {
  become?: boolean | string;
  become_user?: string;
  become_method?: string;
  become_flags?: string;
  environment?: Record<string, unknown> | string;
  vars?: Vars;
  tags?: string[];
  when?: (string | boolean)[];
  ignore_errors?: boolean | string;
  ignore_unreachable?: boolean | string;
  check_mode?: boolean | string;
  diff?: boolean | string;
  no_log?: boolean | string;
  delegate_to?: string;
  run_once?: boolean | string;
  any_errors_fatal?: boolean | string;
  throttle?: number | string;
  /** Path of the become program (Ansible's become_exe). */
  become_exe?: string;
  /** delegate_to's facts go to the delegated host. */
  delegate_facts?: boolean | string;
  /** Seconds a task may run before it is stopped (Ansible's `timeout` keyword). */
  timeout?: number | string;
  /**
   * The `connection`, `remote_user` (or the play's old `user`) and `port` keywords. Ansible ranks
   * them BELOW inventory variables: `ansible_connection`, `ansible_user`, `ansible_port` set on a
   * host win over them, so they are kept as keywords here, not turned into play vars.
   */
  connection?: string;
  remote_user?: string;
  port?: number | string;
  /**
   * module_defaults: parameters by module (fleet's canonical name, or `group/<name>`), merged under
   * the task's own arguments; inner frames' entries replace outer ones module by module.
   */
  module_defaults?: Record<string, Record<string, unknown>>;
  /** Unknown-to-fleet keywords Ansible accepts but fleet ignores, kept for warnings. */
}

export interface LoopControl {
  loop_var?: string;
  index_var?: string;
  label?: string;
  pause?: number | string;
  extended?: boolean | string;
  extended_allitems?: boolean | string;
  /** Conditions that end the loop early (ansible-core 2.18). */
  break_when?: (string | boolean)[];
}

export interface TaskNode extends CommonKeywords {
  kind: 'task';
  pos: SourcePos;
  name?: string;
  /** Canonical module name as registered (e.g. `command`, never `ansible.builtin.command`). */
  module: string;
  /** The module name as written, for messages. */
  moduleAs: string;
  /** Raw (untemplated) arguments, free-form text already split into its parameter. */
  args: Record<string, unknown>;
  /** `loop:` or a `with_*:` translated to a loop (the lookup name is kept for with_*). */
  loop?: unknown;
  loopWith?: string;
  loop_control?: LoopControl;
  register?: string;
  notify?: string[];
  /** Handlers only: topics this handler also answers to. */
  listen?: string[];
  changed_when?: (string | boolean)[];
  failed_when?: (string | boolean)[];
  until?: (string | boolean)[];
  retries?: number | string;
  delay?: number | string;
  /** The role this task came from (for files/templates search paths, role_path, role vars). */
  role?: RoleRef;
  /** `async:` seconds and `poll:` interval (fire-and-forget when poll is 0). */
  async?: number | string;
  poll?: number | string;
  /** The module is a real Ansible module fleet does not implement yet (the task fails if it runs). */
  unimplemented?: boolean;
  /**
   * The module name is a template (`action: "{{ module }} args"`): module and args are resolved per
   * host when the task runs; `module` is empty and `args` holds the unparsed rest until then.
   */
  moduleTemplate?: boolean;
  /** A problem of this task's own found at load time: the task fails with it if and when it runs. */
  problem?: TaskProblem;
}

/** include_tasks / import_tasks / include_role / import_role. Imports are expanded at load time. */
export interface IncludeNode extends CommonKeywords {
  kind: 'include';
  pos: SourcePos;
  name?: string;
  action: 'include_tasks' | 'include_role';
  /** File (include_tasks) or role name (include_role), untemplated. */
  target: string;
  /** include_role: tasks_from, vars_from, defaults_from, handlers_from. */
  options: Record<string, unknown>;
  loop?: unknown;
  loopWith?: string;
  loop_control?: LoopControl;
  role?: RoleRef;
  /** Directory the include's relative path is resolved from. */
  baseDir: string;
  /** `apply:` of include_tasks / include_role: keywords for every included task. */
  apply?: CommonKeywords;
  register?: string;
  /** A problem of this include's own found at load time (e.g. a loop form fleet lacks). */
  problem?: TaskProblem;
  /** A handler that is include_tasks: topics it also answers to. */
  listen?: string[];
}

export interface BlockNode extends CommonKeywords {
  kind: 'block';
  pos: SourcePos;
  name?: string;
  block: Node[];
  rescue: Node[];
  always: Node[];
  role?: RoleRef;
}

export type Node = TaskNode | BlockNode | IncludeNode;

/** A handler: a task, or include_tasks whose file is read and run when the handler is. */
export type HandlerNode = TaskNode | IncludeNode;

export function isHandlerNode(node: Node): node is HandlerNode {
  return node.kind !== 'block';
}

export interface RoleRef {
  name: string;
  path: string;
  /** Role defaults (lowest precedence) and role vars (above play vars_files). */
  defaults: Vars;
  vars: Vars;
  /** Params given where the role is used (`- role: x` with `vars:` or extra keys). */
  params: Vars;
  /** meta/main.yml `allow_duplicates`: the role may run more than once in a play with the same params. */
  allow_duplicates?: boolean;
}

export type Strategy = 'linear' | 'free';

/** One `vars_prompt` entry: a play variable asked for on the terminal before the play runs. */
export interface VarPrompt {
  name: string;
  prompt: string;
  default?: unknown;
  /** Do not echo the answer (Ansible's default). */
  private: boolean;
  /** Ask twice; the answers must match. */
  confirm: boolean;
  /** Hash the answer as password_hash does (sha512_crypt, sha256_crypt, md5_crypt). */
  encrypt?: string;
  salt?: string;
  salt_size?: number;
}

export interface Play extends CommonKeywords {
  pos: SourcePos;
  name: string;
  hosts: string;
  gather_facts: boolean | string;
  /** The play wrote gather_facts itself (Ansible's `gathering: explicit` gathers only then). */
  gather_facts_set?: boolean;
  vars_files: (string | string[])[];
  vars_prompt?: VarPrompt[];
  serial?: (number | string)[];
  strategy: Strategy;
  order?: 'inventory' | 'reverse_inventory' | 'sorted' | 'reverse_sorted' | 'shuffle';
  max_fail_percentage?: number | string;
  force_handlers?: boolean | string;
  /** Passed to fact gathering (setup's gather_subset, gather_timeout, fact_path). */
  gather_subset?: string[];
  gather_timeout?: number | string;
  fact_path?: string;
  /**
   * The `when:` of an `import_playbook` that brought this play in. Ansible already prepends it to
   * every top-level block (fleet does the same on pre_tasks, roles, tasks and post_tasks); the
   * executor also uses it to skip fact gathering on hosts where it is false.
   */
  importWhen?: (string | boolean)[];
  pre_tasks: Node[];
  /** Roles listed under `roles:` become blocks of their tasks, in order, after pre_tasks. */
  roles: Node[];
  tasks: Node[];
  post_tasks: Node[];
  handlers: HandlerNode[];
  /** Directory of the playbook file: playbook_dir, and the base of relative paths. */
  dir: string;
}

export interface Playbook {
  file: string;
  plays: Play[];
  /** Things worth telling a user that did not stop the load (duplicate keys, ignored keywords...). */
  warnings?: string[];
  /**
   * Modules Ansible has that fleet does not implement yet, with every place they are used (each such
   * task fails if it runs; under `strict` each one is an error instead).
   */
  unimplemented?: { module: string; uses: SourcePos[] }[];
}
