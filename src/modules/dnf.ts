import { shQuote } from '../util/shlex.js';
import type { ModuleDefinition, ModuleResult, ParamSchema, ParamsOf, Plan } from './types.js';
import { PAIR_FN, PkgModuleError, packagesDiff, parsePairs } from './util/pkg-common.js';
import { runSteps, type Step } from './util/run-steps.js';

/**
 * dnf / yum: RPM packages, as Ansible's dnf and yum modules for their core parameters (name,
 * state, update_cache). The probe reads, in ONE round trip, which manager exists (dnf5, dnf, yum),
 * `rpm -q` of every name, the available upgrades (state=latest) and whether a missing package is in
 * the repositories. The whole list goes into ONE transaction; nothing runs when nothing would change.
 * Where the manager is missing the task fails saying so.
 */
const DNF_PARAMS = {
  name: { type: 'list', elements: 'str', aliases: ['pkg'] },
  state: { type: 'str', choices: ['present', 'installed', 'latest', 'absent', 'removed'] },
  update_cache: { type: 'bool', default: false, aliases: ['expire-cache'] },
} as const satisfies ParamSchema;

export type DnfParams = ParamsOf<typeof DNF_PARAMS>;

export interface DnfState {
  host: string;
  /** The manager's program (dnf5, dnf, yum), '' when none. */
  bin: string;
  /** name → installed version-release, null when not installed. */
  installed: Record<string, string | null>;
  /** Names with an upgrade available (state=latest). */
  upgrades: string[];
  /** Names the repositories have (asked for missing names only). */
  available: Record<string, boolean>;
}

type DnfAction = { kind: 'install' | 'remove'; names: string[] };

export function dnfNames(p: DnfParams): string[] {
  return (p.name ?? []).flatMap((n) => n.split(',')).map((n) => n.trim()).filter(Boolean);
}

/** The package name a spec is about (`name-1.2`, `name >= 1` are kept as given by rpm -q). */
function specName(spec: string): string {
  return spec.split(/\s*[<>=]/)[0]!.trim();
}

function normState(s: DnfParams['state']): 'present' | 'latest' | 'absent' {
  return s === 'latest' ? 'latest' : s === 'absent' || s === 'removed' ? 'absent' : 'present';
}

export function dnfProbeScript(p: DnfParams, programs: readonly string[]): string {
  const lines = [PAIR_FN, `b=''; for x in ${programs.join(' ')}; do command -v $x >/dev/null 2>&1 && { b=$x; break; }; done; o bin "$b"`, `[ -n "$b" ] || exit 0`];
  const state = normState(p.state);
  const names = dnfNames(p).map(specName);
  for (const n of names) {
    const q = shQuote(n);
    lines.push(`if v=$(rpm -q --qf '%{VERSION}-%{RELEASE}\\n' -- ${q} 2>/dev/null); then o ${shQuote(`st:${n}`)} "$v"; elif [ ${state === 'absent' ? 1 : 0} = 0 ]; then $b -q list --available -- ${q} >/dev/null 2>&1 && o ${shQuote(`av:${n}`)} 1; fi`);
  }
  if (state === 'latest' && names.length) {
    lines.push(`o upgrades "$($b -q list --upgrades -- ${names.map(shQuote).join(' ')} 2>/dev/null || $b -q list updates -- ${names.map(shQuote).join(' ')} 2>/dev/null)"`);
  }
  lines.push('exit 0');
  return lines.join('\n');
}

export function parseDnfProbe(p: DnfParams, out: string, host: string): DnfState {
  const f = parsePairs(out);
  const installed: DnfState['installed'] = {};
  const available: DnfState['available'] = {};
  for (const n of dnfNames(p).map(specName)) {
    const v = f.get(`st:${n}`);
    installed[n] = v !== undefined ? v.trim().split('\n')[0]! : null;
    available[n] = f.get(`av:${n}`) === '1';
  }
  const upgrades = (f.get('upgrades') ?? '')
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0] ?? '')
    .filter((w) => w.includes('.'))
    .map((w) => w.replace(/\.[^.]+$/, ''));
  return { host, bin: f.get('bin') ?? '', installed, upgrades, available };
}

export function planDnf(p: DnfParams, s: DnfState, module = 'dnf'): Plan<Step> {
  if (!s.bin) throw new PkgModuleError(`${module} is not available on ${s.host}: this is not a dnf/yum-based system (use apt, or the package module)`);
  const state = normState(p.state);
  const install: string[] = [];
  const remove: string[] = [];
  const before: Record<string, string | null> = {};
  const after: Record<string, string | null> = {};
  for (const spec of dnfNames(p)) {
    const n = specName(spec);
    const cur = s.installed[n] ?? null;
    before[n] = cur;
    after[n] = cur;
    if (state === 'absent') {
      if (cur !== null) {
        remove.push(spec);
        after[n] = null;
      }
      continue;
    }
    if (cur !== null && !(state === 'latest' && s.upgrades.includes(n))) continue;
    if (cur === null && !s.available[n] && !p.update_cache) throw new PkgModuleError(`No package matching '${spec}' is available`);
    install.push(spec);
    after[n] = '';
  }
  const actions: DnfAction[] = [];
  if (install.length) actions.push({ kind: 'install', names: install });
  if (remove.length) actions.push({ kind: 'remove', names: remove });
  const changed = [...install, ...remove].map(specName);
  const latest = state === 'latest';
  return {
    // The manager's own output is the result's stdout, as Ansible returns it.
    actions: actions.map((a): Step => ({ kind: 'run', what: a.kind, argv: dnfArgv(p, s.bin, a, latest && a.kind === 'install'), keepStdout: true })),
    ...(changed.length
      ? {
          predicts: { packages: Object.fromEntries(changed.map((n) => [n, after[n] === null ? ('absent' as const) : ('present' as const)])) },
          diff: packagesDiff('packages', before, after),
        }
      : {}),
    result: { results: [] },
  };
}

function dnfArgv(p: DnfParams, bin: string, a: DnfAction, latest: boolean): string[] {
  const refresh = p.update_cache ? ['--refresh'] : [];
  if (a.kind === 'remove') return [bin, '-y', 'remove', '--', ...a.names];
  return [bin, '-y', ...refresh, latest ? 'upgrade' : 'install', '--', ...a.names];
}

function defineDnf(name: 'dnf' | 'yum', programs: readonly string[]): ModuleDefinition<DnfParams, DnfState, Step> {
  return {
    name,
    aliases: [`ansible.builtin.${name}`, `ansible.legacy.${name}`],
    params: DNF_PARAMS,
    probe: async (ctx, p) => {
      const r = await ctx.run(dnfProbeScript(p, programs));
      return parseDnfProbe(p, r.stdout.toString('utf8'), ctx.host);
    },
    plan: (p, s) => planDnf(p, s, name),
    apply: async (ctx, _p, plan): Promise<ModuleResult> => {
      if (!plan.actions.length) return { changed: false, msg: 'Nothing to do', results: [] };
      const out = await runSteps(ctx, plan.actions);
      if (!out.ok) {
        const nomatch = /No match for argument:\s*(\S+)/.exec(out.stdout + out.stderr);
        const argv = plan.actions[out.failed!.step ?? 0]?.argv ?? [];
        const msg = nomatch ? `No package matching '${nomatch[1]}' is available` : `'${argv.join(' ')}' failed: ${out.failed!.stderr}`;
        return { changed: false, failed: true, rc: out.failed!.rc, msg, stdout: out.stdout, stderr: out.stderr, results: [] };
      }
      return { changed: true, rc: 0, stdout: out.stdout, stderr: out.stderr, results: out.stdout.split('\n').filter(Boolean) };
    },
  };
}

export const dnf = defineDnf('dnf', ['dnf5', 'dnf', 'dnf-3']);
export const yum = defineDnf('yum', ['yum', 'dnf']);
