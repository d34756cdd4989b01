import { shQuote } from '../util/shlex.js';
import type { FileDiff, ModuleContext, ModuleDefinition, ModuleResult, ParamSchema, ParamsOf, Plan } from './types.js';
import { fnmatch } from '../util/fnmatch.js';
import { runSteps, type Step } from './util/run-steps.js';
import { PAIR_FN, PkgModuleError, packagesDiff, parsePairs, splitNameVersion } from './util/pkg-common.js';

/**
 * apt: Debian packages through apt-get, as Ansible's apt module. The probe reads, in ONE round trip,
 * the dpkg status and version of every named package, `apt-cache policy` (candidate and version
 * table) for the names that are not installed or when `latest` is asked, and the cache's age
 * (/var/lib/apt/periodic/update-success-stamp or /var/lib/apt/lists, the newer). The whole list goes
 * into ONE apt-get transaction, and apt-get never runs when nothing would change (a fresh enough cache
 * with `cache_valid_time` is no change).
 */
export type AptParams = ParamsOf<typeof APT_PARAMS>;

export interface DpkgStatus {
  /** db:Status-Abbrev, e.g. `ii `, `rc `, `un `. */
  abbrev: string;
  version: string;
}

export interface AptPolicy {
  installed?: string;
  candidate?: string;
  versions: string[];
}

export interface AptState {
  noApt?: boolean;
  now: number;
  /** Epoch seconds of the last cache update (0: unknown). */
  cacheTime: number;
  status: Record<string, DpkgStatus | undefined>;
  policy: Record<string, AptPolicy | undefined>;
  /** `dpkg --audit` output (state=fixed). */
  audit?: string;
  /** How many packages `apt-get autoremove` would remove (autoremove=true). */
  autoremoveCount?: number;
  deb?: { package: string; version: string; status?: DpkgStatus; error?: string };
}

export type AptAction =
  | { kind: 'update' }
  | { kind: 'install'; specs: string[]; fix?: boolean }
  | { kind: 'remove'; names: string[]; purge: boolean; autoremove: boolean }
  | { kind: 'autoremove'; purge: boolean }
  | { kind: 'deb'; path: string };

export interface AptPlan extends Plan<Step> {
  state: AptState;
  /** Package → version (or '' unknown) after the actions, null when absent. */
  after: Record<string, string | null>;
  before: Record<string, string | null>;
}

/** The names of the task (a list item may itself hold a comma-separated list). */
export function aptNames(p: Pick<AptParams, 'name'>): string[] {
  return (p.name ?? []).flatMap((n) => n.split(',')).map((n) => n.trim()).filter(Boolean);
}

function baseName(spec: string): string {
  return splitNameVersion(spec).name;
}

const STATUS_FMT = '${db:Status-Abbrev}\\t${Version}';

/** dpkg's letters for db:Status-Abbrev: want, then status, then the error flag. */
const DQ_AWK = [
  'BEGIN { RS = ""; FS = "\\n"',
  '  W["unknown"] = "u"; W["install"] = "i"; W["hold"] = "h"; W["deinstall"] = "r"; W["purge"] = "p"',
  '  E["ok"] = " "; E["reinstreq"] = "R"',
  '  S["not-installed"] = "n"; S["config-files"] = "c"; S["half-installed"] = "H"; S["unpacked"] = "U"',
  '  S["half-configured"] = "F"; S["triggers-awaited"] = "W"; S["triggers-pending"] = "t"; S["installed"] = "i" }',
  'index($0, n) == 0 { next }',
  '{ p = ""; st = ""; v = ""',
  '  for (i = 1; i <= NF; i++) {',
  '    l = $i; if (l ~ /^[ \\t]/) continue; j = index(l, ":"); if (j == 0) continue',
  '    k = tolower(substr(l, 1, j - 1)); x = substr(l, j + 1); sub(/^[ \\t]+/, "", x); sub(/[ \\t]+$/, "", x)',
  '    if (k == "package") p = x; else if (k == "status") st = x; else if (k == "version") v = x',
  '  }',
  '  if (p != n) next',
  '  c++; if (split(st, a, " ") != 3 || !(a[1] in W) || !(a[2] in E) || !(a[3] in S)) bad = 1',
  '  out = W[a[1]] S[a[3]] E[a[2]] "\\t" v }',
  'END { if (c > 1 || bad) exit 3; if (c == 1) printf "%s", out }',
].join('\n');

/**
 * `dq NAME`: s = what `dpkg-query -W -f='<STATUS_FMT>' -- NAME` prints, from ONE awk over dpkg's
 * status file (dpkg-query parses the whole database: three times awk's cost) when that file is the
 * whole answer: a plain package name, no pending journal in updates/, no DPKG_ADMINDIR/DPKG_ROOT,
 * one stanza of that name (not several architectures) with a well-formed Status. Anything else is
 * dpkg-query's to answer, as before.
 */
export const DPKG_STATUS_FN = [
  `dq() {`,
  `  case $1 in ''|*[!a-z0-9+.-]*) ;; *)`,
  `    if [ -z "\${DPKG_ADMINDIR-}\${DPKG_ROOT-}" ] && [ -r /var/lib/dpkg/status ] && command -v awk >/dev/null 2>&1; then`,
  `      set -- "$1" /var/lib/dpkg/updates/*`,
  `      if [ ! -e "$2" ] && [ ! -L "$2" ]; then s=$(awk -v n="$1" ${shQuote(DQ_AWK)} /var/lib/dpkg/status) && return; fi`,
  `    fi;;`,
  `  esac`,
  `  s=$(dpkg-query -W -f='${STATUS_FMT}' -- "$1" 2>/dev/null) || s=''`,
  `}`,
].join('\n');

export function aptProbeScript(p: AptParams): string {
  const state = normState(p.state);
  const lines = [
    PAIR_FN,
    DPKG_STATUS_FN,
    `command -v apt-get >/dev/null 2>&1 || { o noapt 1; exit 0; }`,
    // The host's clock matters only to judge the cache's age (cache_valid_time).
    ...(cacheAsked(p) ? [`o now "$(date +%s)"`] : []),
    // The cache's time, the newer of the two, from ONE stat.
    `set --; for f in /var/lib/apt/periodic/update-success-stamp /var/lib/apt/lists; do [ -e "$f" ] && set -- "$@" "$f"; done`,
    `t=0; if [ $# -gt 0 ]; then m=$(stat -c %Y -- "$@" 2>/dev/null); for x in $m; do [ "$x" -gt "$t" ] && t=$x; done; fi; o cache "$t"`,
  ];
  for (const spec of aptNames(p)) {
    const n = shQuote(baseName(spec));
    lines.push(`dq ${n}; o ${shQuote(`st:${baseName(spec)}`)} "$s"`);
    if (state === 'latest' || state === 'present' || state === 'fixed') {
      // The candidate and version table: always for latest, else only when the package is missing.
      const cond = state === 'latest' ? 'true' : `case "$s" in ?i*) false;; *) true;; esac`;
      lines.push(`if ${cond}; then o ${shQuote(`pol:${baseName(spec)}`)} "$(apt-cache policy -- ${n} 2>/dev/null)"; fi`);
    }
  }
  if (state === 'fixed') lines.push(`o audit "$(dpkg --audit 2>/dev/null | head -c 4000)"`);
  if (p.autoremove) lines.push(`o autoremove "$(apt-get -s autoremove 2>/dev/null | grep -c '^Remv ')"`);
  if (p.deb) {
    lines.push(
      `d=${shQuote(p.deb)}`,
      `if [ -r "$d" ] && i=$(dpkg-deb -f "$d" Package Version 2>&1); then o debinfo "$i"; dp=$(dpkg-deb -f "$d" Package); s=$(dpkg-query -W -f='${STATUS_FMT}' -- "$dp" 2>/dev/null) && o debst "$s"; else o deberr "\${i:-cannot read $d}"; fi`,
    );
  }
  lines.push('exit 0');
  return lines.join('\n');
}

export function parseStatus(text: string | undefined): DpkgStatus | undefined {
  if (!text) return undefined;
  const [abbrev, version] = text.split('\t');
  return { abbrev: abbrev ?? '', version: version ?? '' };
}

export function parsePolicy(text: string | undefined): AptPolicy | undefined {
  if (!text || !text.trim()) return undefined;
  const installed = /^\s*Installed:\s*(\S+)/m.exec(text)?.[1];
  const candidate = /^\s*Candidate:\s*(\S+)/m.exec(text)?.[1];
  const versions: string[] = [];
  const table = text.split(/^\s*Version table:\s*$/m)[1] ?? '';
  for (const line of table.split('\n')) {
    const m = /^(?: {5}| \*\*\* )(\S+) -?\d+\s*$/.exec(line);
    if (m) versions.push(m[1]!);
  }
  return {
    ...(installed && installed !== '(none)' ? { installed } : {}),
    ...(candidate && candidate !== '(none)' ? { candidate } : {}),
    versions,
  };
}

export function parseAptProbe(p: AptParams, out: string): AptState {
  const f = parsePairs(out);
  if (f.get('noapt')) return { noApt: true, now: 0, cacheTime: 0, status: {}, policy: {} };
  const status: AptState['status'] = {};
  const policy: AptState['policy'] = {};
  for (const spec of aptNames(p)) {
    const n = baseName(spec);
    status[n] = parseStatus(f.get(`st:${n}`));
    policy[n] = parsePolicy(f.get(`pol:${n}`));
  }
  const s: AptState = { now: Number(f.get('now') ?? 0), cacheTime: Number(f.get('cache') ?? 0), status, policy };
  if (f.has('audit')) s.audit = f.get('audit')!.trim();
  if (f.has('autoremove')) s.autoremoveCount = Number(f.get('autoremove')) || 0;
  if (p.deb) {
    const info = f.get('debinfo');
    if (info) {
      const pkg = /^Package:\s*(\S+)/m.exec(info)?.[1] ?? '';
      const version = /^Version:\s*(\S+)/m.exec(info)?.[1] ?? '';
      const st = parseStatus(f.get('debst'));
      s.deb = { package: pkg, version, ...(st ? { status: st } : {}) };
    } else s.deb = { package: '', version: '', error: f.get('deberr') ?? `cannot read ${p.deb}` };
  }
  return s;
}

/** The task asks for a cache update (always, or when older than cache_valid_time). */
function cacheAsked(p: Pick<AptParams, 'update_cache' | 'cache_valid_time'>): boolean {
  return p.update_cache === true || (p.update_cache === undefined && p.cache_valid_time > 0);
}

function normState(s: AptParams['state']): 'present' | 'absent' | 'latest' | 'fixed' {
  return s === 'installed' ? 'present' : s === 'removed' ? 'absent' : s;
}

/** `?i` (installed, also held), or half-installed states that still hold files. */
function isInstalled(st: DpkgStatus | undefined): boolean {
  return !!st && st.abbrev[1] === 'i';
}
function holdsFiles(st: DpkgStatus | undefined): boolean {
  return !!st && !!st.abbrev[1] && !'nc'.includes(st.abbrev[1]);
}

export function planApt(p: AptParams, s: AptState): AptPlan {
  if (s.noApt) throw new PkgModuleError('apt-get is not available on this host (not a Debian-family system): use the package module or the manager it has');
  const state = normState(p.state);
  const names = aptNames(p);
  const actions: AptAction[] = [];
  const before: Record<string, string | null> = {};
  const after: Record<string, string | null> = {};
  const updating = cacheAsked(p) && (p.cache_valid_time <= 0 || s.now - s.cacheTime > p.cache_valid_time);
  if (updating) actions.push({ kind: 'update' });

  const install: string[] = [];
  const remove: string[] = [];
  for (const spec of names) {
    const { name, version } = splitNameVersion(spec);
    const st = s.status[name];
    const cur = isInstalled(st) ? st!.version : null;
    before[name] = cur;
    after[name] = cur;
    if (state === 'absent') {
      const matches = version === undefined || (cur !== null && fnmatch(cur, version));
      if ((holdsFiles(st) && matches) || (p.purge && st?.abbrev[1] === 'c')) {
        remove.push(name);
        after[name] = null;
      }
      continue;
    }
    const pol = s.policy[name];
    let target = spec;
    if (state === 'latest') {
      if (cur !== null && (!pol?.candidate || pol.candidate === cur) && version === undefined) continue;
    } else if (cur !== null && (version === undefined || fnmatch(cur, version))) continue;
    // Missing (or another version): it must be available, unless the cache update may bring it.
    if (version !== undefined) {
      const found = pol?.versions.find((v) => v === version || fnmatch(v, version));
      if (!found && !updating) throw new PkgModuleError(`No package matching '${spec}' is available`);
      target = `${name}=${found ?? version}`;
      after[name] = found ?? version;
    } else {
      if (!pol?.candidate && !updating && cur === null) throw new PkgModuleError(`No package matching '${name}' is available`);
      after[name] = pol?.candidate ?? '';
    }
    install.push(target);
  }
  if (state === 'fixed') {
    if (install.length || (s.audit ?? '') !== '') actions.push({ kind: 'install', specs: install, fix: true });
  } else if (install.length) actions.push({ kind: 'install', specs: install });
  if (remove.length) actions.push({ kind: 'remove', names: remove, purge: p.purge, autoremove: p.autoremove });
  if (p.autoremove && !remove.length && (s.autoremoveCount ?? 0) > 0) actions.push({ kind: 'autoremove', purge: p.purge });

  if (p.deb) {
    if (!s.deb || s.deb.error) throw new PkgModuleError(`Unable to install package: ${s.deb?.error ?? p.deb}`);
    const cur = isInstalled(s.deb.status) ? s.deb.status!.version : null;
    before[s.deb.package] = cur;
    after[s.deb.package] = s.deb.version;
    if (cur !== s.deb.version) actions.push({ kind: 'deb', path: p.deb });
  }

  const changedPkgs = Object.keys(after).filter((k) => after[k] !== before[k] || install.some((i) => baseName(i) === k));
  const predicts = changedPkgs.length
    ? { packages: Object.fromEntries(changedPkgs.map((k) => [k, after[k] === null ? ('absent' as const) : ('present' as const)])) }
    : undefined;
  const diff: FileDiff[] | undefined = changedPkgs.length ? packagesDiff('packages', before, after) : undefined;
  const cacheResult = { cache_updated: updating, cache_update_time: updating ? s.now : s.cacheTime };
  return {
    actions: actions.map((a) => aptStep(p, a)),
    state: s,
    before,
    after,
    ...(predicts ? { predicts } : {}),
    ...(diff ? { diff } : {}),
    result: cacheResult,
  };
}

const APT_GET = ['apt-get', '-y', '-q', '-o', 'DPkg::Lock::Timeout=120'];

const UPDATE_STAMP = `mkdir -p /var/lib/apt/periodic && touch /var/lib/apt/periodic/update-success-stamp; printf '\\n__FLEET_UPDATED__%s\\n' "$(date +%s)"`;

/** apt-get never asks, keeps existing config files' prompts away (needrestart too), and speaks English for the errors parsed here. */
function withAptEnv(ctx: ModuleContext): ModuleContext {
  return { ...ctx, run: (command, options) => ctx.run(command, { ...options, env: { ...options?.env, DEBIAN_FRONTEND: 'noninteractive', NEEDRESTART_MODE: 'a', LC_ALL: 'C' } }) };
}

/**
 * An action as the step the run executes: apt-get's own output is the result's stdout, as Ansible
 * returns it; after `update`, the periodic stamp cache_valid_time reads is touched and the time of
 * the update recorded.
 */
function aptStep(p: AptParams, a: AptAction): Step {
  return { kind: 'run', what: a.kind, argv: aptArgv(p, a), keepStdout: true, ...(a.kind === 'update' ? { then: UPDATE_STAMP } : {}) };
}

/** The apt-get argv of an action. */
function aptArgv(p: AptParams, a: AptAction): string[] {
  const dpkg = p.dpkg_options
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean)
    .flatMap((o) => ['-o', `Dpkg::Options::=--${o.replace(/^--/, '')}`]);
  const rec = p.install_recommends === false ? ['--no-install-recommends'] : p.install_recommends === true ? ['-o', 'APT::Install-Recommends=true'] : [];
  const rel = p.default_release ? ['-t', p.default_release] : [];
  switch (a.kind) {
    case 'update':
      return ['apt-get', '-q', '-o', 'DPkg::Lock::Timeout=120', 'update'];
    case 'install':
      return [...APT_GET, ...dpkg, ...rec, ...rel, ...(a.fix ? ['-f'] : []), 'install', ...(a.specs.length ? ['--', ...a.specs] : [])];
    case 'deb':
      return [...APT_GET, ...dpkg, ...rec, 'install', '--', a.path.includes('/') ? a.path : `./${a.path}`];
    case 'remove':
      return [...APT_GET, ...dpkg, 'remove', ...(a.purge ? ['--purge'] : []), ...(a.autoremove ? ['--auto-remove'] : []), '--', ...a.names];
    case 'autoremove':
      return [...APT_GET, ...dpkg, 'autoremove', ...(a.purge ? ['--purge'] : [])];
  }
}

/** apt-get's error for a missing package → Ansible's message naming it. */
export function aptErrorMessage(stderr: string, argv: string[]): string {
  const locate = /E: Unable to locate package (\S+)/.exec(stderr);
  if (locate) return `No package matching '${locate[1]}' is available`;
  const cand = /E: Package '([^']+)' has no installation candidate/.exec(stderr);
  if (cand) return `No package matching '${cand[1]}' is available`;
  const ver = /E: Version '([^']+)' for '([^']+)' was not found/.exec(stderr);
  if (ver) return `No package matching '${ver[2]}=${ver[1]}' is available`;
  return `'${argv.join(' ')}' failed: ${stderr.trim()}`;
}

export async function applyApt(ctx: ModuleContext, _p: AptParams, plan: Plan<Step>): Promise<ModuleResult> {
  const ap = plan as AptPlan;
  const base: ModuleResult = { changed: false, cache_updated: false, cache_update_time: ap.state.cacheTime };
  if (!ap.actions.length) return { ...base, ...(ap.msg ? { msg: ap.msg } : {}) };
  const out = await runSteps(withAptEnv(ctx), ap.actions);
  const updated = /\n__FLEET_UPDATED__(\d+)\n/.exec(out.stdout);
  const cache = updated ? { cache_updated: true, cache_update_time: Number(updated[1]) } : {};
  const clean = out.stdout.replace(/\n__FLEET_UPDATED__\d+\n/g, '\n');
  if (!out.ok) {
    const argv = ap.actions[out.failed!.step ?? 0]?.argv ?? [];
    return { ...base, ...cache, changed: !!updated, failed: true, rc: out.failed!.rc, msg: aptErrorMessage(out.stderr, argv), stdout: clean, stderr: out.stderr };
  }
  return { ...base, ...cache, changed: true, rc: 0, stdout: clean, stderr: out.stderr, stdout_lines: clean.split('\n').filter(Boolean) };
}

export const APT_PARAMS = {
  name: { type: 'list', elements: 'str', aliases: ['pkg', 'package'] },
  state: { type: 'str', default: 'present', choices: ['present', 'absent', 'latest', 'fixed', 'installed', 'removed'] },
  update_cache: { type: 'bool', aliases: ['update-cache'] },
  cache_valid_time: { type: 'int', default: 0 },
  install_recommends: { type: 'bool', aliases: ['install-recommends'] },
  deb: { type: 'path' },
  purge: { type: 'bool', default: false },
  autoremove: { type: 'bool', default: false },
  default_release: { type: 'str', aliases: ['default-release'] },
  dpkg_options: { type: 'str', default: 'force-confdef,force-confold' },
} as const satisfies ParamSchema;

export const apt: ModuleDefinition<AptParams, AptState, Step> = {
  name: 'apt',
  aliases: ['ansible.builtin.apt', 'ansible.legacy.apt'],
  params: APT_PARAMS,
  probe: async (ctx, p) => {
    const r = await ctx.run(aptProbeScript(p));
    return parseAptProbe(p, r.stdout.toString('utf8'));
  },
  plan: (p, s) => {
    if (!aptNames(p).length && !p.deb && !p.update_cache && !(p.cache_valid_time > 0) && !p.autoremove && p.state !== 'fixed') {
      throw new PkgModuleError('one of the following is required: name, deb, update_cache, autoremove');
    }
    return planApt(p, s);
  },
  apply: applyApt,
};
