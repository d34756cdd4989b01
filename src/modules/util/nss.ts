/**
 * Account lookups in a probe script without starting a process on the host.
 *
 * Every `$(getent ...)`, `$(id ...)` or `| cut` in a probe is a fork (and an exec) on the host, the
 * main cost of a task that changes nothing. On a host whose NSS reads a database from its file
 * first (`passwd: files`, or `files systemd` as Debian ships it), the entry getent returns for a name
 * the file holds is the file's first line with that name, which the shell's own `read` finds. A name
 * the file does not hold is absent when no source follows `files`; when one does (systemd's dynamic
 * users), and on a host whose nsswitch.conf line says anything else (ldap, sss, winbind, compat,
 * `[...]` actions), the module asks the system as it always did (getent, id).
 *
 * POSIX sh only (dash, BusyBox ash): `read -r`, `case`, parameter expansion; no process.
 */

/**
 * Shell functions:
 * - `__nf DB`: succeeds when DB (passwd, group, shadow) is read from /etc/DB first and at most
 *   systemd follows; sets `__nx=1` when it does. No nsswitch.conf, or no line for DB, means files
 *   (glibc's default; musl has no NSS).
 * - `__ent DB NAME`: status 0 with `__e` = NAME's line in /etc/DB (what `getent DB NAME` prints);
 *   2 when no such entry exists; 3 when the file cannot answer (ask the system; also for a name
 *   no file line could hold: empty, with a `:` or a newline).
 * - `__dump DB`: `__d` = every line of /etc/DB, newline-terminated, when `__nf DB` holds (else it
 *   fails): for the lookups the controller makes itself (group membership). `__dent NAME` then
 *   answers as `__ent DB NAME` from `__d`, without reading the file again.
 * - `__nl`: a newline.
 */
export const NSS_FNS = [
  `__nl='`,
  `'`,
  `__nf() {`,
  `  __nx=0`,
  `  [ -r "/etc/$1" ] || return 1`,
  `  [ -r /etc/nsswitch.conf ] || return 0`,
  `  while IFS= read -r __l || [ -n "$__l" ]; do`,
  `    __l=\${__l#"\${__l%%[![:space:]]*}"}`,
  `    case $__l in "$1":*|"$1"[[:space:]]*) ;; *) continue;; esac`,
  `    __s=\${__l#"$1"}; __s=\${__s%%#*}`,
  `    case $__s in *[![:alnum:][:space:]_:-]*) return 1;; esac`,
  `    __i=`,
  `    for __w in $__s; do case $__i$__w in :) __i=:;; :files) __i=x;; xsystemd) __nx=1;; *) return 1;; esac; done`,
  `    [ "$__i" = x ]; return`,
  `  done < /etc/nsswitch.conf`,
  `  return 0`,
  `}`,
  `__nfc() {`,
  `  eval "__k=\\\${__nf_$1-}"`,
  `  if [ -z "$__k" ]; then if __nf "$1"; then __k=$((1 + __nx)); else __k=0; fi; eval "__nf_$1=$__k"; fi`,
  `}`,
  `__ent() {`,
  `  __nfc "$1"`,
  `  case $2 in ''|*:*|*"$__nl"*) return 3;; esac`,
  `  [ "$__k" = 0 ] && return 3`,
  `  while IFS= read -r __e || [ -n "$__e" ]; do case $__e in "$2":*) return 0;; esac; done < "/etc/$1"`,
  `  __e=; [ "$__k" = 1 ] && return 2`,
  `  return 3`,
  `}`,
  `__dump() {`,
  `  __nfc "$1"; [ "$__k" = 0 ] && return 1`,
  `  __d=; while IFS= read -r __l || [ -n "$__l" ]; do __d="$__d$__l$__nl"; done < "/etc/$1"; __dk=$__k`,
  `}`,
  `__dent() {`,
  `  case $1 in ''|*:*|*"$__nl"*) return 3;; esac`,
  `  case $__nl$__d in *"$__nl$1:"*) __e=$__nl$__d; __e=\${__e#*"$__nl$1:"}; __e="$1:\${__e%%"$__nl"*}"; return 0;; esac`,
  `  __e=; [ "$__dk" = 1 ] && return 2`,
  `  return 3`,
  `}`,
].join('\n');

/** The first line of a `group` file (as __dump prints it) with this gid, as getgrgid finds it. */
function groupByGid(lines: string[][], gid: number): string | undefined {
  return lines.find((f) => f.length >= 3 && /^\d+$/.test(f[2]!) && Number(f[2]) === gid)?.[0];
}

/**
 * What `id -gn USER` and `id -Gn USER` print, from the group file's text: the primary group's name
 * (its number when no group has it) and the names of the primary and every group listing the user
 * as a member, one name per gid, as getgrouplist + getgrgid give them.
 */
export function idGroups(user: string, gid: number, groupFile: string): { primary: string; groups: string } {
  const lines = groupFile
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split(':'));
  const gids = [gid];
  for (const f of lines) {
    if (f.length < 4 || !/^\d+$/.test(f[2]!)) continue;
    if (f[3]!.split(/[\s,]+/).includes(user) && !gids.includes(Number(f[2]))) gids.push(Number(f[2]));
  }
  const name = (g: number) => groupByGid(lines, g) ?? String(g);
  return { primary: name(gid), groups: gids.map(name).join(' ') };
}
