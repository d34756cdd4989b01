import { shQuote } from '../util/shlex.js';
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
    `n=${shQuote(p.name)}; gd=`,
    `__ent passwd "$n"; case $? in 0) e=$__e; u=1;; 2) u=;; *) e=$(getent passwd "$n") && u=2 || u=;; esac`,
    `if [ -n "$u" ]; then`,
    `  o passwd "$e"`,
    `  if [ "$u" = 1 ] && __dump group; then o grfile "$__d"; gd=1; else`,
    `    o primary "$(id -gn "$n" 2>/dev/null)"`,
    `    o groups "$(id -Gn "$n" 2>/dev/null)"`,
    `  fi`,
    withShadow
      ? `  __ent shadow "$n"; case $? in 0) s=$__e;; 2) s=;; *) s=$(getent shadow "$n" 2>/dev/null) || s=;; esac; [ -n "$s" ] && { s=\${s#*:}; o shadow "\${s%%:*}"; }`
      : ':',
    `  case $e in *:*:*:*:*:*) h=\${e#*:*:*:*:*:}; h=\${h%%:*};; *) h=;; esac; [ -d "$h" ] && o homeexists 1`,
    `fi`,
  ];
  for (const g of namedGroups(p)) {
    const q = shQuote(g);
    const k = shQuote(`group:${g}`);
    lines.push(`if [ -n "$gd" ]; then __dent ${q}; else __ent group ${q}; fi; case $? in 0) o ${k} "$__e";; 2) ;; *) g=$(getent group ${q}) && o ${k} "$g";; esac`);
  }
  lines.push('exit 0');
  return lines.join('\n');
}

export function parseUserState(p: UserParams, out: string): UserState {
  const f = parseFields(out);
  const groupInfo: UserState['groupInfo'] = {};
  for (const g of namedGroups(p)) {
    const line = f[`group:${g}`];
    const parts = line?.split(':');
    groupInfo[g] = parts && parts.length >= 3 ? { name: parts[0]!, gid: Number(parts[2]) } : null;
  }
  const account = f.passwd ? parsePasswdLine(f.passwd) : undefined;
  if (!account) return { exists: false, groupInfo };
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

export function planUser(p: UserParams, s: UserState): UserPlan {
  return { ...decideUser(p, s), current: s };
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
  const passwordLine = p.password !== undefined ? `${p.name}:${p.password}\n` : undefined;

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
    if (p.create_home) {
      argv.push('-m');
      if (p.skeleton !== undefined) argv.push('-k', p.skeleton);
    } else argv.push('-M');
    argv.push(p.name);
    actions.push({ kind: 'run', what: 'useradd', argv });
    if (passwordLine) actions.push({ kind: 'run', what: 'chpasswd', argv: ['chpasswd', '-e'], usesStdin: true });
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
  if (argv.length > 1) {
    argv.push(p.name);
    actions.push({ kind: 'run', what: 'usermod', argv });
  }
  const passwordChanged = !!passwordLine && p.update_password === 'always' && s.shadowHash !== p.password;
  if (passwordChanged) actions.push({ kind: 'run', what: 'chpasswd', argv: ['chpasswd', '-e'], usesStdin: true });
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
      before: describe(p.name, { ...cur, group: s.primaryGroup!, groups: s.groups ?? [] }, pw),
      after: describe(p.name, after, passwordChanged ? '<hidden> (changed)' : pw),
      ...header,
    },
  ];
  return { actions, after, passwordChanged, ...(passwordChanged ? { passwordLine: passwordLine! } : {}), diff };
}

function userResult(p: UserParams, s: UserState | undefined, changed: boolean): ModuleResult {
  const base: ModuleResult = { changed, name: p.name, state: p.state };
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
  },
  probe: async (ctx: ModuleContext, p) => {
    const r = await ctx.run(userScript(p, p.password !== undefined));
    return parseUserState(p, r.stdout.toString('utf8'));
  },
  plan: planUser,
  apply: async (ctx, p, plan) => {
    const up = plan as UserPlan;
    if (!up.actions.length) return userResult(p, up.current, false);
    const out = await runSteps(ctx, up.actions, userScript(p, false), up.passwordLine);
    if (!out.ok) return { ...userResult(p, undefined, false), failed: true, msg: stepsFailureMessage(out.failed!) };
    return userResult(p, parseUserState(p, out.stdout), true);
  },
};
