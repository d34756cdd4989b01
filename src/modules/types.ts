import type { Connection, CommandResult } from '../transport/connection.js';

/**
 * The module contract (docs/architecture.md): a parameter schema, `probe` reads the host's state,
 * `plan` is pure and decides the actions, `apply` performs them. Check mode is probe + plan, so no
 * module carries a check-mode branch of its own.
 */
export type ParamType = 'str' | 'bool' | 'int' | 'float' | 'path' | 'list' | 'dict' | 'raw';

export interface ParamSpec {
  type: ParamType;
  required?: boolean;
  default?: unknown;
  choices?: readonly unknown[];
  aliases?: readonly string[];
  /** For `list`: the type of each element. */
  elements?: ParamType;
  /** Never shown in output or logs. */
  noLog?: boolean;
}

export type ParamSchema = Record<string, ParamSpec>;

type ScalarOf<T> = T extends 'str' | 'path' ? string : T extends 'bool' ? boolean : T extends 'int' | 'float' ? number : T extends 'dict' ? Record<string, unknown> : unknown;
type ValueOf<S extends ParamSpec> = S['choices'] extends readonly (infer C)[]
  ? C
  : S['type'] extends 'list'
    ? S['elements'] extends ParamType
      ? ScalarOf<S['elements']>[]
      : unknown[]
    : ScalarOf<S['type']>;
/** A parameter that always has a value once validated: required, or with a default. */
type Settled<S> = S extends { required: true } ? true : S extends { default: unknown } ? true : false;

/**
 * A module's parameters as validateParams returns them, derived from its schema (declared `as const`
 * with `satisfies ParamSchema`): the type, the choices as a union, required and defaulted ones
 * always present, the others optional. The schema is then the one place a parameter is described.
 */
export type ParamsOf<Schema extends ParamSchema> = {
  -readonly [K in keyof Schema as Settled<Schema[K]> extends true ? K : never]: ValueOf<Schema[K]>;
} & {
  -readonly [K in keyof Schema as Settled<Schema[K]> extends true ? never : K]?: ValueOf<Schema[K]>;
};

/** A before/after pair of one thing a task changes (content, or mode/owner/state), shown with --diff. */
export interface FileDiff {
  /** Text, or a mapping (the file module's `{path, state, mode...}`), shown as Ansible's sorted JSON. */
  before: string | Record<string, unknown>;
  after: string | Record<string, unknown>;
  before_header?: string;
  after_header?: string;
}

/** A result's `diff` as a list, whichever shape the module gave it (a list, or one mapping). */
export function diffsOf(diff: unknown): FileDiff[] | undefined {
  if (Array.isArray(diff)) return diff as FileDiff[];
  if (diff && typeof diff === 'object' && 'before' in diff && 'after' in diff) return [diff as FileDiff];
  return undefined;
}

/**
 * What a module hands back to the executor and, through events, to reporters. Keys the executor acts
 * on, as Ansible's do: `ansible_facts` (setup, set_fact, include_vars: new variables for the host),
 * `add_host` ({ host_name, groups, host_vars }), `add_group` and `parent_groups` (group_by),
 * `diff` (shown with --diff).
 */
export interface ModuleResult {
  changed: boolean;
  failed?: boolean;
  skipped?: boolean;
  msg?: string;
  rc?: number;
  stdout?: string;
  stderr?: string;
  /** A list of diffs, or one (a module with `diffAsOne`), as Ansible's module returns it. */
  diff?: FileDiff[] | FileDiff;
  /** Anything else the module returns (registered as-is). */
  [key: string]: unknown;
}

/** What a planned change will leave behind, so later tasks in --check can predict from it. */
export interface Predicted {
  paths?: Record<string, 'file' | 'directory' | 'link' | 'absent'>;
  packages?: Record<string, 'present' | 'absent'>;
  services?: Record<string, 'started' | 'stopped'>;
}

/** Changes earlier tasks of this run would have made on this host (check mode only). */
export interface PredictedState {
  path(path: string): 'file' | 'directory' | 'link' | 'absent' | undefined;
  package(name: string): 'present' | 'absent' | undefined;
  service(name: string): 'started' | 'stopped' | undefined;
}

export interface ModuleContext {
  host: string;
  connection: Connection;
  /** The task asked for privilege escalation. */
  become: boolean;
  becomeUser?: string;
  becomeMethod?: 'sudo' | 'su';
  checkMode: boolean;
  /** --diff (or the task's `diff:`) asks for a before/after diff. */
  diffMode?: boolean;
  /** The task's variables, templated lazily (for action modules such as debug and assert). */
  vars?: Record<string, unknown>;
  /** Evaluate a Jinja expression with the task's variables (given by the executor). */
  evaluate?(expression: string): unknown;
  /**
   * In check mode: what earlier tasks would have changed on this host. A probe that finds something
   * missing that an earlier task would create (a directory, a package) plans as if it were there,
   * so the prediction matches the real run instead of failing.
   */
  predicted?: PredictedState;
  /** Directories searched for a relative `src` (role files/, playbook files/, playbook dir). */
  searchPaths?: string[];
  /**
   * Render a template file's text with the task's variables (plus `extraVars`), given by the
   * executor since modules may not import the template layer: `.hbs` names render with Handlebars,
   * anything else as Jinja.
   */
  renderTemplate?(text: string, options: { fileName: string; trimBlocks?: boolean; lstripBlocks?: boolean; extraVars?: Record<string, unknown> }): string;
  /** Run a command through the connection with the task's become settings. */
  run(command: string, options?: { cwd?: string; stdin?: string | Buffer; env?: Record<string, string> }): Promise<CommandResult>;
}

export interface Plan<A> {
  actions: A[];
  /** What would change, for --diff; computed by plan so check mode shows the same diff. */
  diff?: FileDiff[];
  /** Shown instead of running when nothing needs doing, or as the reason for a skip. */
  msg?: string;
  /** What the actions leave behind (paths, packages, services), remembered in check mode. */
  predicts?: Predicted;
  /** Return values known at plan time (dest, public_key, uid, ...): check mode reports them too. */
  result?: Partial<ModuleResult>;
  /**
   * The whole result check mode reports, where the module's Ansible counterpart reports something
   * other than "changed if there are actions" (command: skipped, "Command would have run...").
   */
  checkResult?: Partial<ModuleResult>;
  skipped?: boolean;
}

export interface ModuleDefinition<P = Record<string, unknown>, S = unknown, A = unknown> {
  name: string;
  /** Fully qualified names users write for the same module (ansible.builtin.X, ...). */
  aliases: readonly string[];
  params: ParamSchema;
  /** The free-form argument (`command: echo hi`) becomes this parameter. */
  freeForm?: string;
  /** Keys recognised inside a free-form string as k=v (command's chdir=, creates=, ...). */
  freeFormKeys?: readonly string[];
  /**
   * Arguments not in `params` are accepted as they are (set_fact's fact names, add_host's host
   * variables) instead of being rejected; `validateParams` honours it when given the module.
   */
  additionalParams?: boolean;
  /**
   * `apply` changes nothing on any host (debug, set_fact, assert, stat, setup, ...), so check mode
   * runs it in full instead of stopping after `plan`.
   */
  readOnly?: boolean;
  /**
   * The result's `diff` is one mapping, not a list, as the Ansible module returns it (known_hosts);
   * playbooks read `result.diff.before`. Reporters take either shape.
   */
  diffAsOne?: boolean;
  /** The module returns its diff whether diff mode is on or not, as Ansible's does (known_hosts). */
  diffAlways?: boolean;
  probe(ctx: ModuleContext, params: P): Promise<S>;
  plan(params: P, state: S): Plan<A>;
  apply(ctx: ModuleContext, params: P, plan: Plan<A>): Promise<ModuleResult>;
}
