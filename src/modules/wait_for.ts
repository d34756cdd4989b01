import { shQuote } from '../util/shlex.js';
import type { ModuleContext, ModuleDefinition, ModuleResult } from './types.js';
import { remotePathWord } from './util/remote-path.js';
import { isIPv4, procNetHex, TCP_STATE_IDS } from './util/tcp-hex.js';
import { applyResult, resultPlan, type ResultPlan } from './util/result-plan.js';

/**
 * wait_for: waits ON THE HOST for a port to open or close, a file to appear (with a regex in it) or
 * go, or just for `timeout` seconds. The whole wait is ONE shell loop in one round trip (bash's
 * /dev/tcp for ports, else nc or python3; `grep -P`, else `grep -E`, for search_regex). The wait is
 * the probe, so check mode waits too, as Ansible's.
 */
export interface WaitForParams {
  host: string;
  port?: number;
  path?: string;
  search_regex?: string;
  state: 'started' | 'present' | 'stopped' | 'absent' | 'drained';
  exclude_hosts?: string[];
  active_connection_states: string[];
  timeout: number;
  delay: number;
  sleep: number;
  connect_timeout: number;
  msg?: string;
}

export interface WaitForState {
  status: 'ok' | 'timeout' | 'error' | 'invalid';
  /** The first text search_regex matched, when it did. */
  match?: string;
  /** Whether the host's grep had -P (PCRE, close to Python's re); else -E was used. */
  pcre?: boolean;
  elapsedMs: number;
  error?: string;
}

export function validateWaitFor(p: WaitForParams): string | undefined {
  if (p.port !== undefined && p.path !== undefined) return 'port and path parameter can not both be passed to wait_for';
  if (p.path !== undefined && p.state === 'stopped') return 'state=stopped should only be used for checking a port in the wait_for module';
  if (p.path !== undefined && p.state === 'drained') return 'state=drained should only be used for checking a port in the wait_for module';
  if (p.exclude_hosts !== undefined && p.state !== 'drained') return 'exclude_hosts should only be with state=drained';
  for (const st of p.active_connection_states) if (!(st in TCP_STATE_IDS)) return `unknown active_connection_state (${st}) defined`;
  if (p.state === 'drained' && p.port === undefined) return 'state=drained needs the port whose connections to wait for';
  return undefined;
}

/** drained: the addresses of `host` and of `exclude_hosts` as /proc/net/tcp* print them (util/tcp-hex.ts). */
export interface DrainAddresses {
  ips: string[];
  exclude: string[];
}

/** Addresses for drained from the host's own answers (`getent ahosts`), for names that are not IPs. */
export function drainAddresses(p: WaitForParams, resolved: Record<string, string[]>): DrainAddresses {
  // As Ansible's: each IPv4 address also in its IPv4-mapped IPv6 form (::ffff:a.b.c.d).
  const withMapped = (ip: string) => (isIPv4(ip) ? [ip, `::ffff:${ip}`] : [ip]);
  const hexes = (name: string) => (procNetHex(name) ? [name] : (resolved[name] ?? [])).flatMap(withMapped).map(procNetHex).filter((x): x is string => !!x);
  return { ips: hexes(p.host), exclude: (p.exclude_hosts ?? []).flatMap(hexes) };
}

/** The names drained must resolve on the host (neither IPv4 nor IPv6 literals). */
export function drainNames(p: WaitForParams): string[] {
  if (p.state !== 'drained') return [];
  return [...new Set([p.host, ...(p.exclude_hosts ?? [])])].filter((h) => !procNetHex(h));
}

/** The POSIX-sh (bash when there is one) loop that waits; prints `<status>\0` then any match. */
export function waitForScript(p: WaitForParams, drain: DrainAddresses = { ips: [], exclude: [] }): string {
  const re = p.search_regex;
  const lines = [
    `IPS=${shQuote(` ${drain.ips.join(' ')} `)}; EXCL=${shQuote(` ${drain.exclude.join(' ')} `)}`,
    `STATES=${shQuote(` ${p.active_connection_states.map((st) => TCP_STATE_IDS[st]).join(' ')} `)}; PHEX=${p.port !== undefined ? p.port.toString(16).toUpperCase().padStart(4, '0') : "''"}`,
    `host=${shQuote(p.host)}`,
    `port=${p.port ?? "''"}`,
    `path=${p.path !== undefined ? remotePathWord(p.path) : "''"}`,
    `re=${re !== undefined ? shQuote(re) : "''"}`,
    `state=${p.state}`,
    `timeout_s=${p.timeout}; delay=${p.delay}; sleep_s=${p.sleep}; ct=${p.connect_timeout}`,
    `now_ms() { t=$(date +%s%N 2>/dev/null); case $t in ''|*[!0-9]*) t=$(( $(date +%s) * 1000000000 ));; esac; echo $(( t / 1000000 )); }`,
    `end=$(( $(now_ms) + timeout_s * 1000 ))`,
    `left() { l=$(( (end - $(now_ms) + 999) / 1000 )); [ $l -lt 1 ] && l=1; echo $l; }`,
    `have_timeout=0; command -v timeout >/dev/null 2>&1 && have_timeout=1`,
    `if echo | grep -Pzq '' 2>/dev/null; then G=-Pz; RE="(?m)$re"; P=1; else G=-E; RE=$re; P=0; fi`,
    `has() { grep $G -q -- "$RE" "$1" 2>/dev/null; }`,
    `show() { grep $G -o -- "$RE" "$1" 2>/dev/null | head -c 65536; }`,
    // 0: open; 99: no way to test; anything else: closed.
    `port_open() {`,
    `  if [ -n "$BASH_VERSION" ]; then`,
    `    if [ $have_timeout = 1 ]; then timeout "$ct" bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$host" "$port" 2>/dev/null; else bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$host" "$port" 2>/dev/null; fi`,
    `  elif command -v nc >/dev/null 2>&1; then nc -z -w "$ct" "$host" "$port" >/dev/null 2>&1`,
    `  elif command -v python3 >/dev/null 2>&1; then python3 -c 'import socket,sys; socket.create_connection((sys.argv[1], int(sys.argv[2])), int(sys.argv[3])).close()' "$host" "$port" "$ct" 2>/dev/null`,
    `  else return 99; fi`,
    `}`,
    // Connect, collect what the service sends until the regex matches or it closes the connection.
    `port_match() {`,
    `  [ -n "$BASH_VERSION" ] || return 98`,
    `  : > "$tmp"`,
    `  if [ $have_timeout = 1 ]; then timeout "$(left)" bash -c 'exec 3<>"/dev/tcp/$0/$1" || exit 1; cat <&3' "$host" "$port" > "$tmp" 2>/dev/null &`,
    `  else bash -c 'exec 3<>"/dev/tcp/$0/$1" || exit 1; cat <&3' "$host" "$port" > "$tmp" 2>/dev/null & fi`,
    `  rp=$!`,
    `  while kill -0 $rp 2>/dev/null; do`,
    `    if has "$tmp"; then kill $rp 2>/dev/null; wait $rp 2>/dev/null; return 0; fi`,
    `    if [ $(now_ms) -ge $end ]; then kill $rp 2>/dev/null; wait $rp 2>/dev/null; return 1; fi`,
    `    sleep 0.1 2>/dev/null || sleep 1`,
    `  done`,
    `  wait $rp 2>/dev/null`,
    `  has "$tmp"`,
    `}`,
    // drained, as Ansible's reads /proc/net/tcp and tcp6: an active connection on the port, to one of
    // the host's addresses (or any, for 0.0.0.0 / ::), from a peer not excluded.
    `active() {`,
    `  n=0`,
    `  for fam in 4 6; do`,
    `    f=/proc/net/tcp; [ $fam = 6 ] && f=/proc/net/tcp6`,
    `    [ -r $f ] || continue`,
    `    while read -r _sl la ra cs _rest; do`,
    `      case $STATES in *" $cs "*) ;; *) continue;; esac`,
    `      [ "\${la##*:}" = "$PHEX" ] || continue`,
    `      case $EXCL in *" $fam:\${ra%:*} "*) continue;; esac`,
    `      lip=\${la%:*}`,
    `      case $IPS in *" $fam:$lip "*) n=$((n + 1)); continue;; esac`,
    `      [ $fam = 4 ] && case $IPS in *" 4:00000000 "*) n=$((n + 1)); continue;; esac`,
    `      [ $fam = 6 ] && case $IPS in *" 6:00000000000000000000000000000000 "*) n=$((n + 1)); continue;; esac`,
    `      [ $fam = 6 ] && case $lip in 0000000000000000FFFF0000*) case $IPS in *" 6:0000000000000000FFFF000000000000 "*) n=$((n + 1));; esac;; esac`,
    `    done < $f`,
    `  done`,
    `  [ $n -gt 0 ]`,
    `}`,
    `check() {`,
    `  if [ -n "$path" ]; then`,
    `    case $state in`,
    `      absent) [ ! -e "$path" ] ;;`,
    `      *) [ -e "$path" ] || return 1; [ -z "$re" ] && return 0; [ -r "$path" ] && has "$path" ;;`,
    `    esac`,
    `  else`,
    `    case $state in`,
    `      stopped|absent) port_open; r=$?; [ $r = 99 ] && return 99; [ $r != 0 ] ;;`,
    `      drained) ! active ;;`,
    `      *) if [ -n "$re" ]; then port_match; else port_open; fi ;;`,
    `    esac`,
    `  fi`,
    `}`,
    `tmp=''`,
    `if [ -n "$port" ] && [ -n "$re" ]; then tmp=$(mktemp 2>/dev/null) || tmp=/tmp/.fleet-wait-for.$$; trap 'rm -f "$tmp"' EXIT; fi`,
    `[ "$delay" -gt 0 ] && sleep "$delay"`,
    `if [ -z "$port" ] && [ -z "$path" ]; then sleep "$timeout_s"; printf 'ok\\0'; exit 0; fi`,
    `st=timeout`,
    `while :; do`,
    `  check; r=$?`,
    `  if [ $r = 0 ]; then st=ok; break; fi`,
    `  if [ $r = 99 ]; then printf 'error\\0no way to test ports on this host: it needs bash, nc or python3\\0'; exit 0; fi`,
    `  if [ $r = 98 ]; then printf 'error\\0search_regex on a port needs bash on the host\\0'; exit 0; fi`,
    `  [ $(now_ms) -ge $end ] && break`,
    `  sleep "$sleep_s"`,
    `done`,
    `printf '%s\\0%s\\0' "$st" "$P"`,
    `if [ $st = ok ] && [ -n "$re" ]; then if [ -n "$port" ]; then show "$tmp"; else show "$path"; fi; fi`,
    `exit 0`,
  ];
  return lines.join('\n');
}

/** The command line that runs the script under bash when the host has it, else sh. */
export function waitForCommand(p: WaitForParams, drain?: DrainAddresses): string {
  return `S=${shQuote(waitForScript(p, drain))}; if command -v bash >/dev/null 2>&1; then exec bash -c "$S"; else exec sh -c "$S"; fi`;
}

export function parseWaitForOutput(out: string, elapsedMs: number): WaitForState {
  const [status, second, ...rest] = out.split('\0');
  if (status === 'error') return { status: 'error', error: second ?? 'wait_for failed', elapsedMs };
  if (status !== 'ok' && status !== 'timeout') return { status: 'error', error: `unexpected output from the wait loop: ${JSON.stringify(out.slice(0, 200))}`, elapsedMs };
  const state: WaitForState = { status, elapsedMs, pcre: second === '1' };
  const match = rest.join('\0');
  if (status === 'ok' && match !== '') state.match = second === '1' ? match.split('\0')[0]! : match.split('\n')[0]!;
  return state;
}

/** Python's re syntax → JavaScript's, for the groups (named groups, backreferences). */
export function pythonRegExp(source: string): RegExp | undefined {
  const js = source.replace(/\(\?P<([A-Za-z_][A-Za-z0-9_]*)>/g, '(?<$1>').replace(/\(\?P=([A-Za-z_][A-Za-z0-9_]*)\)/g, '\\k<$1>');
  try {
    return new RegExp(js, 'm');
  } catch {
    return undefined;
  }
}

export function matchGroups(regex: string, text: string): { match_groups: (string | null)[]; match_groupdict: Record<string, string | null> } {
  const m = pythonRegExp(regex)?.exec(text);
  if (!m) return { match_groups: [], match_groupdict: {} };
  const dict: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(m.groups ?? {})) dict[k] = v ?? null;
  return { match_groups: m.slice(1).map((g) => g ?? null), match_groupdict: dict };
}

function timeoutMessage(p: WaitForParams): string {
  if (p.path !== undefined) {
    if (p.state === 'absent') return `Timeout when waiting for ${p.path} to be absent.`;
    if (p.search_regex !== undefined) return `Timeout when waiting for search string ${p.search_regex} in ${p.path}`;
    return `Timeout when waiting for file ${p.path}`;
  }
  if (p.state === 'drained') return `Timeout when waiting for ${p.host}:${p.port} to drain`;
  if (p.state === 'stopped' || p.state === 'absent') return `Timeout when waiting for ${p.host}:${p.port} to stop.`;
  if (p.search_regex !== undefined) return `Timeout when waiting for search string ${p.search_regex} in ${p.host}:${p.port}`;
  return `Timeout when waiting for ${p.host}:${p.port}`;
}

export function planWaitFor(p: WaitForParams, s: WaitForState): ResultPlan {
  const invalid = validateWaitFor(p);
  if (invalid) return resultPlan({ changed: false, failed: true, msg: invalid });
  const elapsed = Math.floor(s.elapsedMs / 1000);
  if (s.status === 'error') return resultPlan({ changed: false, failed: true, msg: s.error ?? 'wait_for failed', elapsed });
  if (s.status === 'timeout') return resultPlan({ changed: false, failed: true, msg: p.msg ?? timeoutMessage(p), elapsed });
  const groups = p.search_regex !== undefined && s.match !== undefined ? matchGroups(p.search_regex, s.match) : { match_groups: [], match_groupdict: {} };
  const result: ModuleResult = {
    changed: false,
    state: p.state,
    port: p.port ?? null,
    path: p.path ?? null,
    search_regex: p.search_regex ?? null,
    ...groups,
    elapsed,
  };
  return resultPlan(result);
}

export const wait_for: ModuleDefinition<WaitForParams, WaitForState, never> = {
  name: 'wait_for',
  aliases: ['ansible.builtin.wait_for', 'ansible.legacy.wait_for'],
  readOnly: true,
  params: {
    host: { type: 'str', default: '127.0.0.1' },
    port: { type: 'int' },
    path: { type: 'path' },
    search_regex: { type: 'str' },
    state: { type: 'str', default: 'started', choices: ['started', 'present', 'stopped', 'absent', 'drained'] },
    exclude_hosts: { type: 'list', elements: 'str' },
    active_connection_states: { type: 'list', elements: 'str', default: ['ESTABLISHED', 'FIN_WAIT1', 'FIN_WAIT2', 'SYN_RECV', 'SYN_SENT', 'TIME_WAIT'] },
    timeout: { type: 'int', default: 300 },
    delay: { type: 'int', default: 0 },
    sleep: { type: 'int', default: 1 },
    connect_timeout: { type: 'int', default: 5 },
    msg: { type: 'str' },
  },
  probe: async (ctx: ModuleContext, p) => {
    if (validateWaitFor(p)) return { status: 'invalid', elapsedMs: 0 };
    let drain: DrainAddresses | undefined;
    if (p.state === 'drained') {
      const names = drainNames(p);
      const resolved: Record<string, string[]> = {};
      if (names.length) {
        // Names resolve on the host, as Ansible's getaddrinfo there does.
        const r = await ctx.run(names.map((n) => `printf '%s\\0' ${shQuote(n)}; getent ahosts ${shQuote(n)} | while read -r a _; do printf '%s ' "$a"; done; printf '\\0'`).join('\n'));
        const parts = r.stdout.toString('utf8').split('\0');
        for (let i = 0; i + 1 < parts.length; i += 2) resolved[parts[i]!] = [...new Set(parts[i + 1]!.split(' ').filter(Boolean))];
      }
      drain = drainAddresses(p, resolved);
    }
    const start = Date.now();
    const r = await ctx.run(waitForCommand(p, drain));
    const elapsedMs = Date.now() - start;
    if (r.rc !== 0) return { status: 'error', error: `the wait loop failed (exit code ${r.rc}): ${r.stderr.toString('utf8').trim()}`, elapsedMs };
    return parseWaitForOutput(r.stdout.toString('utf8'), elapsedMs);
  },
  plan: planWaitFor,
  apply: applyResult,
};
