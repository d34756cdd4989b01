import { shJoin, shQuote } from '../util/shlex.js';
import { accountNameProblem, passwordProblem } from './util/account-names.js';
import type { FileDiff, ModuleContext, ModuleDefinition, ModuleResult, Plan } from './types.js';
import { attrText, EMIT_FN, parseFields } from './util/account-files.js';
import { idGroups, NSS_FNS } from './util/nss.js';
import { runSteps, stepsFailureMessage, type Step } from './util/run-steps.js';

/**
 * user: a local account through useradd/usermod/userdel (Debian's shadow tools), as Ansible's user
 * module on Linux. The probe reads passwd, shadow's hash (only to compare; never returned), group
 * membership and every group named by the task in ONE round trip; the password is set through
 * `chpasswd -e` on stdin, so the hash never appears on a command line, in the result or the diff.
 */
export interface UserParams {
  name: string;
  state: 'present' | 'absent';
  uid?: number;
  non_unique: boolean;
  group?: string;
  groups?: string[];
  append: boolean;
  shell?: string;
  home?: string;
  create_home: boolean;
  move_home: boolean;
  skeleton?: string;
  system: boolean;
  password?: string;
  update_password: 'always' | 'on_create';
  comment?: string;
  remove: boolean;
  force: boolean;
  /** Account expiry, seconds since the epoch (a negative number removes the expiry). */
  expires?: number;
  password_lock?: boolean;
  password_expire_min?: number;
  password_expire_max?: number;
  umask?: string;
  generate_ssh_key?: boolean;
  ssh_key_bits: number;
  ssh_key_type: string;
  ssh_key_file?: string;
  ssh_key_comment?: string;
  ssh_key_passphrase?: string;
  /** Manage the local files only, through libuser's luseradd/lusermod/luserdel. */
  local?: boolean;
}

export interface Account {
  uid: number;
  gid: number;
  comment: string;
  home: string;
  shell: string;
}

export interface UserState {
  exists: boolean;
  account?: Account;
  /** The primary group's name. */
  primaryGroup?: string;
  /** Supplementary group names (the primary group excluded). */
  groups?: string[];
  /** The password hash from /etc/shadow (compared, never shown). */
  shadowHash?: string;
  homeExists?: boolean;
  /** `getent group` lines of the groups the task names (and of a group named as the user), by the name asked. */
  groupInfo: Record<string, { name: string; gid: number } | null>;
  /** shadow's account expiry (days since the epoch; -1 when none), minimum and maximum password age. */
  expireDays?: number;
  minDays?: number;
  maxDays?: number;
  /** generate_ssh_key: the key file (absolute) and, when it exists, its public key and fingerprint. */
  sshKey?: { path: string; exists: boolean; publicKey?: string; fingerprint?: string };
  /** local: the libuser program missing on the host, if any. */
  missingTool?: string;
  /** local: the host's PATH, for the message naming a missing program. */
  path?: string;
}

export function parsePasswdLine(line: string): Account | undefined {
  const f = line.trim().split(':');
  if (f.length < 7) return undefined;
  return { uid: Number(f[2]), gid: Number(f[3]), comment: f[4]!, home: f[5]!, shell: f[6]! };
}

/** The groups the task names, plus a group named as the user (useradd's -N decision). */
function namedGroups(p: UserParams): string[] {
  return [...new Set([...(p.group !== undefined ? [p.group] : []), ...(p.groups ?? []), p.name])];
}

/**
 * The probe (and after-apply read-back) snippet: NUL-separated key/value pairs. Where NSS reads
 * passwd and group from /etc (util/nss.ts), the passwd line, the group file and the named groups are
 * read by shell builtins and the controller works out what `id -gn`/`id -Gn` would print (no process
 * on the host); elsewhere getent and id answer, as before.
 */
export function userScript(p: UserParams, withShadow: boolean): string {
  const lines = [
    EMIT_FN,
    NSS_FNS,
    `n=${shQuote(p.name)}; gd=; h=`,
    `__ent passwd "$n"; case $? in 0) e=$__e; u=1;; 2) u=;; *) e=$(getent passwd "$n") && u=2 || u=;; esac`,
    `if [ -n "$u" ]; then`,
    `  o passwd "$e"`,
    `  if [ "$u" = 1 ] && __dump group; then o grfile "$__d"; gd=1; else`,
    `    o primary "$(id -gn "$n" 2>/dev/null)"`,
    `    o groups "$(id -Gn "$n" 2>/dev/null)"`,
    `  fi`,
    withShadow
      ? `  __ent shadow "$n"; case $? in 0) s=$__e;; 2) s=;; *) s=$(getent shadow "$n" 2>/dev/null) || s=;; esac; [ -n "$s" ] && { s=\${s#*:}; o shadow "\${s%%:*}"; o shadowrest "\${s#*:}"; }`
      : ':',
    `  case $e in *:*:*:*:*:*) h=\${e#*:*:*:*:*:}; h=\${h%%:*};; *) h=;; esac; [ -d "$h" ] && o homeexists 1`,
    `fi`,
  ];
  if (p.generate_ssh_key) lines.push(...sshKeyProbeLines(p));
  if (p.local) {
    lines.push(
      `for t in luseradd lusermod luserdel lgroupmod lchage; do command -v "$t" >/dev/null 2>&1 || { o missingtool "$t"; o path "$PATH"; break; }; done`,
    );
  }
  for (const g of namedGroups(p)) {
    const q = shQuote(g);
    const k = shQuote(`group:${g}`);
    lines.push(`if [ -n "$gd" ]; then __dent ${q}; else __ent group ${q}; fi; case $? in 0) o ${k} "$__e";; 2) ;; *) g=$(getent group ${q}) && o ${k} "$g";; esac`);
  }
  lines.push('exit 0');
  return lines.join('\n');
}

/** The key file: absolute as given, else under the user's home (the probe's `$h`, else the home a new user gets). */
export function keyFileShell(p: UserParams): string {
  const file = p.ssh_key_file ?? `.ssh/id_${p.ssh_key_type}`;
  if (file.startsWith('/')) return `kf=${shQuote(file)}`;
  return `kd=${shQuote(p.home ?? `/home/${p.name}`)}; [ -n "$h" ] && kd=$h; kf="$kd"/${shQuote(file)}`;
}

function sshKeyProbeLines(p: UserParams): string[] {
  return [
    `${keyFileShell(p)}; o keyfile "$kf"`,
    `if [ -e "$kf" ]; then o keyexists 1; [ -r "$kf.pub" ] && o keypub "$(cat -- "$kf.pub")"; o keyfp "$(ssh-keygen -l -f "$kf" 2>&1)"; fi`,
  ];
}

const num = (v: string | undefined): number | undefined => (v === undefined || v === '' || !/^-?\d+$/.test(v) ? undefined : Number(v));

export function parseUserState(p: UserParams, out: string): UserState {
  const f = parseFields(out);
  const groupInfo: UserState['groupInfo'] = {};
  for (const g of namedGroups(p)) {
    const line = f[`group:${g}`];
    const parts = line?.split(':');
    groupInfo[g] = parts && parts.length >= 3 ? { name: parts[0]!, gid: Number(parts[2]) } : null;
  }
  const extra: Partial<UserState> = {
    ...(f.keyfile !== undefined
      ? { sshKey: { path: f.keyfile, exists: f.keyexists === '1', ...(f.keypub !== undefined ? { publicKey: f.keypub.trim() } : {}), ...(f.keyfp !== undefined ? { fingerprint: f.keyfp.trim() } : {}) } }
      : {}),
    ...(f.missingtool ? { missingTool: f.missingtool, path: f.path ?? '' } : {}),
  };
  if (f.shadowrest !== undefined) {
    // lastchg:min:max:warn:inactive:expire:reserved
    const r = f.shadowrest.split(':');
    extra.expireDays = num(r[5]) ?? -1;
    const min = num(r[1]);
    const max = num(r[2]);
    if (min !== undefined) extra.minDays = min;
    if (max !== undefined) extra.maxDays = max;
  }
  const account = f.passwd ? parsePasswdLine(f.passwd) : undefined;
  if (!account) return { exists: false, groupInfo, ...extra };
  const ids = f.grfile !== undefined ? idGroups(p.name, account.gid, f.grfile) : { primary: f.primary ?? '', groups: f.groups ?? '' };
  const primary = ids.primary;
  const all = ids.groups.split(/\s+/).filter(Boolean);
  return {
    exists: true,
    account,
    primaryGroup: primary,
    groups: [...new Set(all.filter((g) => g !== primary))].sort(),
    ...(f.shadow !== undefined ? { shadowHash: f.shadow } : {}),
    homeExists: f.homeexists === '1',
    groupInfo,
    ...extra,
  };
}

export class UserModuleError extends Error {}

export interface UserPlan extends Plan<Step> {
  /** The attributes after the actions, as predicted (for the result and the diff). */
  after?: Partial<Account> & { groups?: string[]; group?: string };
  passwordChanged: boolean;
  /** The probed state (the result of a run that changes nothing). */
  current: UserState;
  /** `name:hash` for chpasswd -e (kept out of every result). */
  passwordLine?: string;
  warnings?: string[];
}

function groupOrFail(s: UserState, g: string): { name: string; gid: number } {
  const info = s.groupInfo[g];
  if (!info) throw new UserModuleError(`Group ${g} does not exist`);
  return info;
}

function describe(name: string, a: (Partial<Account> & { groups?: string[]; group?: string }) | undefined, password: string | undefined): string {
  if (!a) return attrText({ name, state: 'absent' });
  return attrText({
    name,
    state: 'present',
    uid: a.uid,
    group: a.gid !== undefined || a.group !== undefined ? [a.group, a.gid !== undefined ? `(${a.gid})` : undefined].filter(Boolean).join(' ') : undefined,
    groups: a.groups ? a.groups.join(',') : undefined,
    comment: a.comment,
    home: a.home,
    shell: a.shell,
    password,
  });
}

/** useradd/usermod's `-e` value: the UTC date of the expiry, or '' (none) for a negative one. */
export function expiresDate(expires: number): string {
  return expires < 0 ? '' : new Date(Math.floor(expires) * 1000).toISOString().slice(0, 10);
}

/** The diff's lines for the shadow attributes the task names: expiry (a date, or never) and the lock. */
function shadowText(p: UserParams, expireDays: number, locked: boolean): string {
  return attrText({
    expires: p.expires === undefined ? undefined : expireDays < 0 ? 'never' : expiresDate(expireDays * 86400),
    password_locked: p.password_lock === undefined ? undefined : locked,
  });
}

/** usermod's `-e` when the expiry differs from shadow's (compared by date, as Ansible). */
function expiresChange(p: UserParams, s: UserState): string[] {
  if (p.expires === undefined) return [];
  const current = s.expireDays ?? -1;
  if (p.expires < 0) return current >= 0 ? ['-e', ''] : [];
  if (current < 0 || expiresDate(current * 86400) !== expiresDate(p.expires)) return ['-e', expiresDate(p.expires)];
  return [];
}

/** chage for password_expire_min/max that differ from shadow's (all asked, for a new user). */
function chageStep(p: UserParams, s: UserState): Step | undefined {
  const argv = ['chage'];
  if (p.password_expire_min !== undefined && (!s.exists || p.password_expire_min !== s.minDays)) argv.push('-m', String(p.password_expire_min));
  if (p.password_expire_max !== undefined && (!s.exists || p.password_expire_max !== s.maxDays)) argv.push('-M', String(p.password_expire_max));
  return argv.length > 1 ? { kind: 'run', what: 'chage', argv: [...argv, p.name] } : undefined;
}

/**
 * ssh-keygen for generate_ssh_key, after the account exists: the directory (0700, the user's), the
 * key, both files given to the user. A passphrase is read from the script's stdin and handed to
 * ssh-keygen through SSH_ASKPASS from a private temporary file, never on a command line.
 */
export function sshKeygenStep(p: UserParams, replace: boolean): Step {
  const user = shQuote(`${p.name}:`);
  const keygen = ['ssh-keygen', '-q', '-t', p.ssh_key_type, ...(p.ssh_key_bits > 0 ? ['-b', String(p.ssh_key_bits)] : [])];
  const comment = p.ssh_key_comment !== undefined ? shQuote(p.ssh_key_comment) : '"ansible-generated on $(hostname)"';
  const lines = [
    ...(p.ssh_key_passphrase !== undefined ? [`IFS= read -r pp || { echo 'ssh_key_passphrase: nothing on stdin' >&2; exit 1; }`] : []),
    `h=$(getent passwd ${shQuote(p.name)} | cut -d: -f6)`,
    keyFileShell(p),
    `d=$(dirname -- "$kf")`,
    `if [ ! -d "$d" ]; then mkdir -m 0700 -- "$d" && chown -- ${user} "$d" || exit 1; fi`,
    ...(replace ? [`rm -f -- "$kf" "$kf.pub"`] : []),
    ...(p.ssh_key_passphrase !== undefined
      ? [
          `t=$(mktemp -d) || exit 1`,
          `printf '%s\\n' "$pp" > "$t/p" && printf '#!/bin/sh\\ncat -- "%s"\\n' "$t/p" > "$t/a" && chmod 0700 "$t/a" || { rm -rf -- "$t"; exit 1; }`,
          `SSH_ASKPASS="$t/a" SSH_ASKPASS_REQUIRE=force DISPLAY= ${shJoin(keygen)} -C ${comment} -f "$kf" </dev/null; r=$?; rm -rf -- "$t"; [ "$r" = 0 ] || exit "$r"`,
        ]
      : [`${shJoin(keygen)} -C ${comment} -f "$kf" -N '' </dev/null || exit`]),
    `chown -- ${user} "$kf" "$kf.pub"`,
  ];
  return { kind: 'run', what: 'ssh-keygen', script: lines.join('\n'), ...(p.ssh_key_passphrase !== undefined ? { usesStdin: true } : {}) };
}

/** libuser's programs for `local: true`, as Ansible's user module runs them. */
const LOCAL_TOOL: Record<string, string> = { useradd: 'luseradd', usermod: 'lusermod', userdel: 'luserdel' };

/**
 * The same steps through libuser: luseradd takes -n for -N, creates the home itself (no -m) and
 * neither -G nor -e, which become lgroupmod -M and lchage -E (days) after it.
 */
export function localSteps(p: UserParams, steps: Step[]): Step[] {
  const out: Step[] = [];
  for (const step of steps) {
    const tool = step.argv ? LOCAL_TOOL[step.argv[0]!] : undefined;
    if (!tool) {
      out.push(step);
      continue;
    }
    const argv = [tool];
    const after: Step[] = [];
    const args = step.argv!.slice(1, -1);
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === '-G') {
        const groups = args[++i]!.split(',').filter(Boolean);
        for (const g of groups) after.push({ kind: 'run', what: 'lgroupmod', argv: ['lgroupmod', '-M', p.name, g] });
      } else if (a === '-e') {
        const v = args[++i]!;
        const days = v === '' ? -1 : Math.floor(Math.floor(p.expires!) / 86400);
        after.push({ kind: 'run', what: 'lchage', argv: ['lchage', '-E', String(days), p.name] });
      } else if (a === '-a' || (tool === 'luseradd' && a === '-m') || (tool === 'luserdel' && a === '-f')) continue;
      else if (a === '-N') argv.push('-n');
      else argv.push(a);
    }
    if (argv.length > 1 || tool !== 'lusermod') out.push({ kind: 'run', what: tool, argv: [...argv, p.name] });
    out.push(...after);
  }
  return out;
}

/** Names and a password that would split a line of /etc/passwd or shadow, or pass for an option. */
export function refuseUnsafeValues(p: UserParams): void {
  const problem = accountNameProblem('user', p.name) ?? (p.password !== undefined ? passwordProblem(p.password) : undefined);
  if (problem) throw new UserModuleError(problem);
  for (const g of [...(p.group !== undefined ? [p.group] : []), ...(p.groups ?? [])]) {
    const groupProblem = accountNameProblem('group', g);
    if (groupProblem) throw new UserModuleError(groupProblem);
  }
}

export function planUser(p: UserParams, s: UserState): UserPlan {
  refuseUnsafeValues(p);
  if (p.local && s.missingTool) throw new UserModuleError(`Failed to find required executable "${s.missingTool}" in paths: ${s.path}`);
  const decided = decideUser(p, s);
  const plan: UserPlan = { ...decided, current: s, ...(p.local ? { actions: localSteps(p, decided.actions) } : {}) };
  const key = s.sshKey;
  if (p.state === 'present' && p.generate_ssh_key && key) {
    if (!key.exists || p.force) plan.actions = insertKeygen(plan.actions, sshKeygenStep(p, key.exists));
    else plan.warnings = [`Found existing ssh key private file "${key.path}", no force, so skipping ssh-keygen generation`];
    plan.result = { ssh_key_file: key.path, ssh_fingerprint: key.exists ? (key.fingerprint ?? '') : '', ssh_public_key: key.exists ? (key.publicKey ?? null) : null };
  }
  if (plan.warnings) plan.result = { ...plan.result, warnings: plan.warnings };
  return plan;
}

/** The key is made once the account exists and before chpasswd, which reads the rest of stdin. */
function insertKeygen(actions: Step[], keygen: Step): Step[] {
  const at = actions.findIndex((a) => a.what === 'chpasswd');
  return at < 0 ? [...actions, keygen] : [...actions.slice(0, at), keygen, ...actions.slice(at)];
}

function decideUser(p: UserParams, s: UserState): Omit<UserPlan, 'current'> {
  const actions: Step[] = [];
  const header = { before_header: `user ${p.name}`, after_header: `user ${p.name}` };
  if (p.state === 'absent') {
    if (!s.exists) return { actions, passwordChanged: false };
    const argv = ['userdel'];
    if (p.force) argv.push('-f');
    if (p.remove) argv.push('-r');
    argv.push(p.name);
    actions.push({ kind: 'run', what: 'userdel', argv });
    const before = { ...s.account!, group: s.primaryGroup!, groups: s.groups ?? [] };
    return { actions, passwordChanged: false, diff: [{ before: describe(p.name, before, undefined), after: describe(p.name, undefined, undefined), ...header }] };
  }

  // A new user's missing group is useradd's error at apply time (check mode predicts "changed", as
  // Ansible's does: a group task earlier in the play may be what creates it).
  const lookup = (g: string) => (s.exists ? groupOrFail(s, g) : (s.groupInfo[g] ?? { name: g, gid: NaN }));
  const primary = p.group !== undefined ? lookup(p.group) : undefined;
  const wanted = p.groups?.map(lookup);
  const lock = p.password_lock ? '!' : '';
  const passwordLine = p.password !== undefined ? `${p.name}:${lock}${p.password}\n` : undefined;

  if (!s.exists) {
    const argv = ['useradd'];
    if (p.uid !== undefined) argv.push('-u', String(p.uid));
    if (p.non_unique && p.uid !== undefined) argv.push('-o');
    if (primary) argv.push('-g', primary.name);
    else if (s.groupInfo[p.name]) argv.push('-N'); // a group named as the user exists: no user group (as Ansible)
    const supplementary = wanted?.map((g) => g.name).filter((g) => g !== primary?.name);
    if (supplementary && supplementary.length) argv.push('-G', supplementary.join(','));
    if (p.comment !== undefined) argv.push('-c', p.comment);
    if (p.home !== undefined) argv.push('-d', p.home);
    if (p.shell !== undefined) argv.push('-s', p.shell);
    if (p.system) argv.push('-r');
    if (p.expires !== undefined) argv.push('-e', expiresDate(p.expires));
    if (p.create_home) {
      argv.push('-m');
      if (p.skeleton !== undefined) argv.push('-k', p.skeleton);
      if (p.umask !== undefined) argv.push('-K', `UMASK=${p.umask}`);
    } else argv.push('-M');
    argv.push(p.name);
    actions.push({ kind: 'run', what: 'useradd', argv });
    if (passwordLine) actions.push({ kind: 'run', what: 'chpasswd', argv: ['chpasswd', '-e'], usesStdin: true });
    const chage = chageStep(p, s);
    if (chage) actions.push(chage);
    const after = {
      ...(p.uid !== undefined ? { uid: p.uid } : {}),
      ...(primary ? { group: primary.name, ...(Number.isNaN(primary.gid) ? {} : { gid: primary.gid }) } : {}),
      groups: supplementary ?? [],
      ...(p.comment !== undefined ? { comment: p.comment } : {}),
      ...(p.home !== undefined ? { home: p.home } : {}),
      ...(p.shell !== undefined ? { shell: p.shell } : {}),
    };
    return {
      actions,
      after,
      passwordChanged: !!passwordLine,
      ...(passwordLine ? { passwordLine } : {}),
      diff: [{ before: describe(p.name, undefined, undefined), after: describe(p.name, after, p.password !== undefined ? '<hidden>' : undefined), ...header }],
    };
  }

  const cur = s.account!;
  const argv = ['usermod'];
  const after: Partial<Account> & { groups?: string[]; group?: string } = { ...cur, group: s.primaryGroup!, groups: s.groups ?? [] };
  if (p.uid !== undefined && p.uid !== cur.uid) {
    argv.push('-u', String(p.uid));
    if (p.non_unique) argv.push('-o');
    after.uid = p.uid;
  }
  if (primary && primary.gid !== cur.gid) {
    argv.push('-g', primary.name);
    after.gid = primary.gid;
    after.group = primary.name;
  }
  if (wanted) {
    const primaryGid = after.gid;
    const want = [...new Set(wanted.filter((g) => g.gid !== primaryGid).map((g) => g.name))].sort();
    const have = s.groups ?? [];
    if (p.append) {
      const missing = want.filter((g) => !have.includes(g));
      if (missing.length) {
        argv.push('-a', '-G', want.join(','));
        after.groups = [...new Set([...have, ...want])].sort();
      }
    } else if (want.join(',') !== [...have].sort().join(',')) {
      argv.push('-G', want.join(','));
      after.groups = want;
    }
  }
  if (p.comment !== undefined && p.comment !== cur.comment) {
    argv.push('-c', p.comment);
    after.comment = p.comment;
  }
  if (p.home !== undefined && p.home !== cur.home) {
    argv.push('-d', p.home);
    if (p.move_home) argv.push('-m');
    after.home = p.home;
  }
  if (p.shell !== undefined && p.shell !== cur.shell) {
    argv.push('-s', p.shell);
    after.shell = p.shell;
  }
  argv.push(...expiresChange(p, s));
  const hash = s.shadowHash ?? '';
  // As Ansible: the password compared without lock marks; a new hash carries the lock itself.
  const passwordChanged = !!passwordLine && p.update_password === 'always' && hash.replace(/^!+/, '') !== p.password!.replace(/^!+/, '');
  if (!passwordChanged && p.password_lock === true && !hash.startsWith('!')) argv.push('-L');
  else if (!passwordChanged && p.password_lock === false && hash.startsWith('!')) argv.push('-U');
  if (argv.length > 1) {
    argv.push(p.name);
    actions.push({ kind: 'run', what: 'usermod', argv });
  }
  if (passwordChanged) actions.push({ kind: 'run', what: 'chpasswd', argv: ['chpasswd', '-e'], usesStdin: true });
  const chage = chageStep(p, s);
  if (chage) actions.push(chage);
  const home = after.home!;
  const homeMoved = p.home !== undefined && p.home !== cur.home && p.move_home;
  if (p.create_home && !homeMoved && (!s.homeExists || home !== cur.home)) {
    // Ansible creates a missing home directory of an existing user (from the skeleton), owned by the user.
    const skel = p.skeleton ?? '/etc/skel';
    const owner = `${after.uid ?? cur.uid}:${after.gid ?? cur.gid}`;
    actions.push({
      kind: 'run',
      what: 'create home directory',
      script: `h=${shQuote(home)}; [ -d "$h" ] && exit 0; mkdir -p -- "$h" && { [ -d ${shQuote(skel)} ] && cp -a ${shQuote(skel)}/. "$h"; :; } && chown -R ${shQuote(owner)} "$h"`,
    });
  }
  if (!actions.length) return { actions, after, passwordChanged: false };
  const pw = p.password !== undefined ? '<hidden>' : undefined;
  const diff: FileDiff[] = [
    {
      before: describe(p.name, { ...cur, group: s.primaryGroup!, groups: s.groups ?? [] }, pw) + shadowText(p, s.expireDays ?? -1, hash.startsWith('!')),
      after:
        describe(p.name, after, passwordChanged ? '<hidden> (changed)' : pw) +
        shadowText(p, p.expires === undefined ? (s.expireDays ?? -1) : p.expires < 0 ? -1 : Math.floor(p.expires / 86400), p.password_lock ?? hash.startsWith('!')),
      ...header,
    },
  ];
  return { actions, after, passwordChanged, ...(passwordChanged ? { passwordLine: passwordLine! } : {}), diff };
}

function keyResult(p: UserParams, s: UserState | undefined): Partial<ModuleResult> {
  if (!p.generate_ssh_key || p.state !== 'present' || !s?.sshKey) return {};
  const k = s.sshKey;
  return { ssh_key_file: k.path, ssh_fingerprint: k.exists ? (k.fingerprint ?? '') : '', ssh_public_key: k.exists ? (k.publicKey ?? null) : null };
}

function userResult(p: UserParams, s: UserState | undefined, changed: boolean, warnings?: string[]): ModuleResult {
  const base: ModuleResult = { changed, name: p.name, state: p.state, ...keyResult(p, s), ...(warnings?.length ? { warnings } : {}) };
  if (p.state === 'absent') return { ...base, force: p.force, remove: p.remove };
  const a = s?.account;
  return {
    ...base,
    ...(a ? { uid: a.uid, group: a.gid, comment: a.comment, home: a.home, shell: a.shell } : {}),
    groups: (s?.groups ?? []).join(','),
    append: p.append,
    create_home: p.create_home,
    move_home: p.move_home,
    system: p.system,
    ...(p.password !== undefined ? { password: 'NOT_LOGGING_PASSWORD' } : {}),
  };
}

export const user: ModuleDefinition<UserParams, UserState, Step> = {
  name: 'user',
  aliases: ['ansible.builtin.user', 'ansible.legacy.user'],
  params: {
    name: { type: 'str', required: true, aliases: ['user'] },
    state: { type: 'str', default: 'present', choices: ['present', 'absent'] },
    uid: { type: 'int' },
    non_unique: { type: 'bool', default: false },
    group: { type: 'str' },
    groups: { type: 'list', elements: 'str' },
    append: { type: 'bool', default: false },
    shell: { type: 'str' },
    home: { type: 'path' },
    create_home: { type: 'bool', default: true, aliases: ['createhome'] },
    move_home: { type: 'bool', default: false },
    skeleton: { type: 'str' },
    system: { type: 'bool', default: false },
    password: { type: 'str', noLog: true },
    update_password: { type: 'str', default: 'always', choices: ['always', 'on_create'] },
    comment: { type: 'str' },
    remove: { type: 'bool', default: false },
    force: { type: 'bool', default: false },
    expires: { type: 'float' },
    password_lock: { type: 'bool' },
    password_expire_min: { type: 'int' },
    password_expire_max: { type: 'int' },
    umask: { type: 'str' },
    generate_ssh_key: { type: 'bool' },
    ssh_key_bits: { type: 'int', default: 0 },
    ssh_key_type: { type: 'str', default: 'rsa' },
    ssh_key_file: { type: 'path' },
    ssh_key_comment: { type: 'str' },
    ssh_key_passphrase: { type: 'str', noLog: true },
    local: { type: 'bool' },
  },
  probe: async (ctx: ModuleContext, p) => {
    refuseUnsafeValues(p);
    if (p.ssh_key_passphrase?.includes('\n')) throw new UserModuleError('ssh_key_passphrase must be one line');
    const shadow = p.password !== undefined || p.password_lock !== undefined || p.expires !== undefined || p.password_expire_min !== undefined || p.password_expire_max !== undefined;
    const r = await ctx.run(userScript(p, shadow));
    return parseUserState(p, r.stdout.toString('utf8'));
  },
  plan: planUser,
  apply: async (ctx, p, plan) => {
    const up = plan as UserPlan;
    if (!up.actions.length) return userResult(p, up.current, false, up.warnings);
    // stdin: the passphrase line (read by ssh-keygen's step), then chpasswd's line.
    const stdin = (up.actions.some((a) => a.what === 'ssh-keygen' && a.usesStdin) ? `${p.ssh_key_passphrase}\n` : '') + (up.passwordLine ?? '');
    const out = await runSteps(ctx, up.actions, userScript(p, false), stdin || undefined);
    if (!out.ok) return { ...userResult(p, undefined, false), failed: true, msg: stepsFailureMessage(out.failed!) };
    return userResult(p, parseUserState(p, out.stdout), true, up.warnings);
  },
};
