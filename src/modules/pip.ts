import { shJoin, shlexSplit, shQuote, ShlexError } from '../util/shlex.js';
import { posix } from 'node:path';
import type { ModuleDefinition, ModuleResult, Plan } from './types.js';
import { EMIT_FN, parseFields } from './util/account-files.js';
import { normalizeName, parseRequirement, requirementLines, satisfies, type Requirement } from './util/pep440.js';
import { remotePathWord } from './util/remote-path.js';
import { runSteps, stepsFailureMessage, type Step } from './util/run-steps.js';

/**
 * pip: Python packages in a virtualenv (created when missing) or for a pip executable, as Ansible's
 * pip module. The probe is ONE round trip (the virtualenv's presence, `pip list --format=json`, the
 * requirements file's text, and for state=latest `pip list --outdated`); the requirements are parsed
 * and compared with PEP 440 specifiers on the controller, so pip runs only when something is missing.
 */
export interface PipParams {
  name?: string[];
  version?: string;
  requirements?: string;
  state: 'present' | 'absent' | 'latest' | 'forcereinstall';
  virtualenv?: string;
  virtualenv_command: string;
  virtualenv_python?: string;
  virtualenv_site_packages: boolean;
  extra_args?: string;
  chdir?: string;
  executable?: string;
  editable: boolean;
}

export interface PipState {
  chdirMissing?: boolean;
  /** The virtualenv exists (its bin/python is there); undefined without `virtualenv`. */
  venvExists?: boolean;
  /** The first word of virtualenv_command is found (asked only when the virtualenv is missing). */
  venvCommandFound?: boolean;
  /** No pip to run (without a virtualenv). */
  noPip?: boolean;
  /** Installed distributions: normalized name → version (empty for a missing virtualenv). */
  installed: Record<string, string>;
  /** The raw `pip list` output, to compare with the list after a run. */
  listText: string;
  /** state=latest: normalized names pip says are outdated (undefined when pip could not tell). */
  outdated?: string[];
  /** The requirements file's text (undefined when unreadable). */
  requirementsText?: string;
}

export class PipModuleError extends Error {}

/**
 * extra_args and virtualenv_command split into words as Python's shlex.split (Ansible runs them with
 * no shell): each word reaches pip or the virtualenv tool as one argument, never as shell code.
 */
export function splitWords(field: 'extra_args' | 'virtualenv_command', text: string): string[] {
  try {
    return shlexSplit(text);
  } catch (e) {
    if (e instanceof ShlexError) throw new PipModuleError(`${field}: cannot split ${JSON.stringify(text)} into words: ${e.message} (balance the quotes)`);
    throw e;
  }
}

/** `virtualenv_command` runs the venv module (`python3 -m venv`) or pyvenv: no `-p`. */
export function isVenvCommand(words: readonly string[]): boolean {
  const m = words.indexOf('-m');
  return (m >= 0 && words[m + 1] === 'venv') || /^pyvenv/.test(posix.basename(words[0] ?? ''));
}

/** extra_args as shell words (each quoted), with a leading space; '' without any. */
function extraWords(p: PipParams): string {
  const words = p.extra_args ? splitWords('extra_args', p.extra_args) : [];
  return words.length ? ` ${shJoin(words)}` : '';
}

function pipWord(p: PipParams): string {
  if (p.virtualenv !== undefined) return `${remotePathWord(p.virtualenv)}/bin/pip`;
  if (p.executable !== undefined) return remotePathWord(p.executable);
  return '"$(command -v pip3 || command -v pip)"';
}

function cdLine(p: PipParams): string {
  return p.chdir !== undefined ? `cd ${remotePathWord(p.chdir)} || exit 2` : ':';
}

/** The probe: NUL-separated key/value pairs. */
export function pipProbeScript(p: PipParams): string {
  const lines = [EMIT_FN, p.chdir !== undefined ? `cd ${remotePathWord(p.chdir)} 2>/dev/null || { o chdirmissing 1; exit 0; }` : ':', `P=''`];
  if (p.virtualenv !== undefined) {
    const v = remotePathWord(p.virtualenv);
    const first = splitWords('virtualenv_command', p.virtualenv_command)[0] ?? 'virtualenv';
    lines.push(`if [ -x ${v}/bin/python ]; then o venv 1; P=${v}/bin/pip; else o venv 0; command -v ${shQuote(first)} >/dev/null 2>&1 && o vcmd 1; fi`);
  } else if (p.executable !== undefined) {
    lines.push(`P=${remotePathWord(p.executable)}; command -v "$P" >/dev/null 2>&1 || { o nopip 1; P=''; }`);
  } else {
    lines.push(`P=$(command -v pip3 || command -v pip) || { o nopip 1; P=''; }`);
  }
  lines.push(`if [ -n "$P" ]; then o list "$("$P" list --format=json --disable-pip-version-check 2>/dev/null)"`);
  if (p.state === 'latest') {
    lines.push(`  if out=$("$P" list --outdated --format=json --disable-pip-version-check${extraWords(p)} 2>/dev/null </dev/null); then o outdated "$out"; fi`);
  }
  lines.push('fi');
  if (p.requirements !== undefined) lines.push(`[ -r ${remotePathWord(p.requirements)} ] && o req "$(cat ${remotePathWord(p.requirements)})"`);
  lines.push('exit 0');
  return lines.join('\n');
}

function parseList(text: string | undefined): Record<string, string> | undefined {
  if (text === undefined) return undefined;
  try {
    const list = JSON.parse(text) as { name: string; version: string }[];
    return Object.fromEntries(list.map((d) => [normalizeName(d.name), d.version]));
  } catch {
    return undefined;
  }
}

export function parsePipState(out: string): PipState {
  const f = parseFields(out);
  if (f.chdirmissing === '1') return { chdirMissing: true, installed: {}, listText: '' };
  const outdated = parseList(f.outdated);
  return {
    ...(f.venv !== undefined ? { venvExists: f.venv === '1' } : {}),
    ...(f.venv === '0' ? { venvCommandFound: f.vcmd === '1' } : {}),
    ...(f.nopip === '1' ? { noPip: true } : {}),
    installed: parseList(f.list) ?? {},
    listText: f.list ?? '',
    ...(outdated ? { outdated: Object.keys(outdated) } : {}),
    ...(f.req !== undefined ? { requirementsText: f.req } : {}),
  };
}

export interface PipPlan extends Plan<Step> {
  /** The pip command line that runs (for the result's `cmd`). */
  cmd?: string;
  venvCreated: boolean;
  current: PipState;
}

/** The names the task asks for, `version` applied as Ansible does (`name==version`). */
export function namesOf(p: PipParams): string[] {
  const names = p.name ?? [];
  if (p.version !== undefined) {
    if (names.length !== 1) throw new PipModuleError('version can only be given with a single name');
    const req = parseRequirement(names[0]!);
    if (req?.specifiers.length) throw new PipModuleError('version cannot be given with a name that has a version specifier');
    return [`${names[0]}==${p.version}`];
  }
  return names;
}

/** Whether the installed distributions satisfy a requirement (undefined: only pip can tell). */
export function isSatisfied(req: Requirement | undefined, installed: Record<string, string>): boolean | undefined {
  if (!req) return undefined;
  const have = installed[normalizeName(req.name)];
  if (have === undefined) return false;
  return req.specifiers.every((s) => satisfies(have, s));
}

export function planPip(p: PipParams, s: PipState): PipPlan {
  if (p.name === undefined && p.requirements === undefined) throw new PipModuleError('one of the following is required: name, requirements');
  if (p.virtualenv !== undefined && p.executable !== undefined) throw new PipModuleError('parameters are mutually exclusive: executable|virtualenv');
  if (s.chdirMissing) throw new PipModuleError(`chdir ${p.chdir} does not exist`);
  const names = namesOf(p);
  const actions: Step[] = [];
  let venvCreated = false;
  if (p.virtualenv !== undefined && !s.venvExists) {
    const venvWords = splitWords('virtualenv_command', p.virtualenv_command);
    if (!venvWords.length) throw new PipModuleError('virtualenv_command is empty: give the command that creates a virtualenv (virtualenv, or python3 -m venv)');
    const venvCmd = isVenvCommand(venvWords);
    if (venvCmd && p.virtualenv_python !== undefined) {
      throw new PipModuleError('virtualenv_python should not be used when using the venv module or pyvenv as virtualenv_command');
    }
    if (!s.venvCommandFound) {
      throw new PipModuleError(
        `cannot create the virtualenv ${p.virtualenv}: ${venvWords[0]} is not installed on this host (apt-get install -y ${venvCmd ? 'python3-venv' : 'python3-virtualenv'}, or virtualenv_command: python3 -m venv)`,
      );
    }
    const create = venvWords.map(shQuote);
    if (p.virtualenv_site_packages) create.push('--system-site-packages');
    if (p.virtualenv_python !== undefined) create.push(`-p${shQuote(p.virtualenv_python)}`);
    create.push(remotePathWord(p.virtualenv));
    actions.push({ kind: 'run', what: 'create virtualenv', script: `${cdLine(p)}\n${create.join(' ')}` });
    venvCreated = true;
  } else if (p.virtualenv === undefined && s.noPip) {
    throw new PipModuleError(`${p.executable ?? 'pip3'} is not installed on this host (apt-get install -y python3-pip)`);
  }

  const installed = s.installed;
  const reqLines = s.requirementsText !== undefined ? requirementLines(s.requirementsText) : undefined;
  const fileReqs = reqLines?.map((l) => ({ line: l, req: parseRequirement(l) }));
  const nameReqs = names.map((n) => ({ line: n, req: parseRequirement(n) }));
  const pip = pipWord(p);
  const extra = extraWords(p);
  const reqArg = p.requirements !== undefined ? ` -r ${remotePathWord(p.requirements)}` : '';
  // After `--` a name starting with `-` reaches pip as a requirement, never as an option; `-e`
  // always takes the next word as its value.
  const nameArgs = (list: string[]) => (!list.length ? '' : p.editable ? ` ${list.map((t) => `-e ${shQuote(t)}`).join(' ')}` : ` -- ${shJoin(list)}`);
  let pipCmd: string | undefined;

  if (p.state === 'absent') {
    const isInstalled = (r: Requirement | undefined) => r === undefined || installed[normalizeName(r.name)] !== undefined;
    const targets = nameReqs.filter((x) => isInstalled(x.req)).map((x) => x.req?.name ?? x.line);
    const fileHasInstalled = fileReqs === undefined ? p.requirements !== undefined : fileReqs.some((x) => isInstalled(x.req));
    if (targets.length || fileHasInstalled) {
      pipCmd = `${pip} uninstall -y${extra}${fileHasInstalled ? reqArg : ''}${targets.length ? ` -- ${shJoin(targets)}` : ''}`;
    }
  } else if (p.state === 'forcereinstall') {
    pipCmd = `${pip} install -U --force-reinstall${extra}${reqArg}${nameArgs(names)}`;
  } else {
    const latest = p.state === 'latest';
    const outdated = s.outdated;
    const needs = (x: { req: Requirement | undefined }) => {
      const ok = isSatisfied(x.req, installed);
      if (ok !== true) return true;
      if (!latest) return false;
      // A fresh virtualenv or an unknown outdated list: only pip can tell.
      return venvCreated || outdated === undefined || outdated.includes(normalizeName(x.req!.name));
    };
    const targets = nameReqs.filter(needs).map((x) => x.line);
    const fileNeeds = p.requirements !== undefined && (fileReqs === undefined || fileReqs.some(needs));
    if (targets.length || fileNeeds) pipCmd = `${pip} install${latest ? ' -U' : ''}${extra}${fileNeeds ? reqArg : ''}${nameArgs(targets)}`;
  }
  if (pipCmd !== undefined) actions.push({ kind: 'run', what: 'pip', script: `${cdLine(p)}\n${pipCmd}` });
  return {
    actions,
    venvCreated,
    current: s,
    ...(pipCmd !== undefined ? { cmd: pipCmd } : {}),
    ...(venvCreated ? { predicts: { paths: { [p.virtualenv!]: 'directory' } } } : {}),
  };
}

function baseResult(p: PipParams, plan: PipPlan): Partial<ModuleResult> {
  return {
    name: p.name ?? null,
    requirements: p.requirements ?? null,
    version: p.version ?? null,
    state: p.state,
    virtualenv: p.virtualenv ?? null,
    ...(plan.cmd !== undefined ? { cmd: plan.cmd } : {}),
  };
}

export const pip: ModuleDefinition<PipParams, PipState, Step> = {
  name: 'pip',
  aliases: ['ansible.builtin.pip', 'ansible.legacy.pip'],
  params: {
    name: { type: 'list', elements: 'str' },
    version: { type: 'str' },
    requirements: { type: 'str' },
    state: { type: 'str', default: 'present', choices: ['present', 'absent', 'latest', 'forcereinstall'] },
    virtualenv: { type: 'path' },
    virtualenv_command: { type: 'str', default: 'virtualenv' },
    virtualenv_python: { type: 'str' },
    virtualenv_site_packages: { type: 'bool', default: false },
    extra_args: { type: 'str' },
    chdir: { type: 'path' },
    executable: { type: 'path' },
    editable: { type: 'bool', default: false },
  },
  probe: async (ctx, p) => {
    const r = await ctx.run(pipProbeScript(p));
    return parsePipState(r.stdout.toString('utf8'));
  },
  plan: (p, s) => {
    const plan = planPip(p, s);
    return { ...plan, result: baseResult(p, plan) };
  },
  apply: async (ctx, p, plan) => {
    const pp = plan as PipPlan;
    const base = baseResult(p, pp);
    if (!pp.actions.length) return { changed: false, ...base };
    const readBack = `${EMIT_FN}\n${cdLine(p)}\no list "$(${pipWord(p)} list --format=json --disable-pip-version-check 2>/dev/null)"`;
    // The steps' output goes to stderr (runSteps): it is the pip run's log.
    const out = await runSteps(ctx, pp.actions, readBack);
    if (!out.ok) return { changed: pp.venvCreated, ...base, failed: true, msg: stepsFailureMessage(out.failed!) };
    const after = parseFields(out.stdout).list ?? '';
    const changed = pp.venvCreated || p.state === 'forcereinstall' || after !== pp.current.listText;
    return { changed, ...base };
  },
};
