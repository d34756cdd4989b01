/**
 * ansible_ssh_common_args / ansible_ssh_extra_args: the `ssh` command-line options fleet can honour,
 * mapped onto a ConnectionSpec; everything else is reported back in `ignored`.
 */
import { shlexSplit, ShlexError } from '../util/shlex.js';
import type { ConnectionSpec } from './connection.js';
import { hostKeyModeFrom } from './ssh-config.js';

export type SshArgs = Partial<ConnectionSpec> & {
  /** Options that were not understood or have no fleet equivalent, as written. */
  ignored: string[];
};

/** Split an ssh argument string as a shell would; unbalanced quotes keep the rest as one word. */
export function shellSplit(input: string): string[] {
  try {
    return shlexSplit(input);
  } catch (e) {
    if (!(e instanceof ShlexError)) throw e;
    return input.trim() === '' ? [] : input.trim().split(/\s+/);
  }
}

/** ssh(1) options that take an argument (from its getopt string). */
const WITH_ARG = new Set('BbcDEeFIiJLlmOopQRSWw'.split(''));
const NO_ARG = new Set('1246AaCfGgKkMNnPqsTtVvXxYy'.split(''));

/** `ssh -W %h:%p [...] [user@]bastion` as a ProxyCommand is a ProxyJump in disguise. */
function proxyCommandToJump(cmd: string): string | undefined {
  const argv = shellSplit(cmd);
  if (!argv.length || !/(^|\/)ssh$/.test(argv[0])) return undefined;
  let user: string | undefined;
  let port: string | undefined;
  let dest: string | undefined;
  let sawW = false;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-W') {
      const v = argv[++i];
      if (v !== '%h:%p' && v !== '[%h]:%p') return undefined;
      sawW = true;
    } else if (a === '-p') port = argv[++i];
    else if (a === '-l') user = argv[++i];
    else if (/^-[qCTAaxXNn46]+$/.test(a)) continue;
    else if (a === '-o' || a === '-i' || a === '-F' || a === '-J') return undefined;
    else if (a.startsWith('-')) return undefined;
    else if (dest === undefined) dest = a;
    else return undefined;
  }
  if (!sawW || !dest) return undefined;
  if (user && !dest.includes('@')) dest = `${user}@${dest}`;
  return port ? `${dest}:${port}` : dest;
}

function applyOption(out: SshArgs, raw: string): void {
  const m = /^\s*([A-Za-z]+)\s*(?:=\s*|\s+)(.*?)\s*$/.exec(raw);
  if (!m) {
    out.ignored.push(`-o ${raw}`);
    return;
  }
  const key = m[1].toLowerCase();
  const value = m[2].replace(/^"(.*)"$/, '$1');
  const num = (): number | undefined => {
    const n = Number.parseInt(value, 10);
    return Number.isFinite(n) && String(n) === value.trim() ? n : undefined;
  };
  switch (key) {
    case 'stricthostkeychecking': {
      const mode = hostKeyModeFrom(value);
      if (mode) out.hostKeyChecking = mode;
      else out.ignored.push(`-o ${raw}`);
      return;
    }
    case 'userknownhostsfile':
      out.knownHostsFiles = value.split(/\s+/).filter(Boolean);
      return;
    case 'proxyjump':
      out.proxyJump = value;
      return;
    case 'proxycommand': {
      const jump = proxyCommandToJump(value);
      if (jump) out.proxyJump = jump;
      else out.ignored.push(`-o ${raw}`);
      return;
    }
    case 'connecttimeout': {
      const n = num();
      if (n !== undefined) out.timeoutSec = n;
      else out.ignored.push(`-o ${raw}`);
      return;
    }
    case 'serveraliveinterval': {
      const n = num();
      if (n !== undefined) out.keepaliveSec = n;
      else out.ignored.push(`-o ${raw}`);
      return;
    }
    case 'port': {
      const n = num();
      if (n !== undefined) out.port = n;
      else out.ignored.push(`-o ${raw}`);
      return;
    }
    case 'user':
      out.user = value;
      return;
    case 'hostname':
      out.address = value;
      return;
    case 'identityfile':
      out.privateKeyFiles = [...(out.privateKeyFiles ?? []), value];
      return;
    case 'identityagent':
      out.agent = value.toLowerCase() === 'none' ? '' : value === 'SSH_AUTH_SOCK' ? process.env.SSH_AUTH_SOCK : value;
      return;
    default:
      out.ignored.push(`-o ${raw}`);
  }
}

/**
 * Map `ssh` options (`-o Key=Value`, `-J`, `-p`, `-i`, `-l`, `-F`) to ConnectionSpec fields.
 * Later options win, except IdentityFile which accumulates (as in ssh).
 */
export function parseSshArgs(args: string): SshArgs {
  const out: SshArgs = { ignored: [] };
  const argv = shellSplit(args);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('-') || a === '-' || a === '--') {
      out.ignored.push(a);
      continue;
    }
    // Walk a cluster like -vvC or -p2222.
    for (let j = 1; j < a.length; j++) {
      const f = a[j];
      if (WITH_ARG.has(f)) {
        let value = a.slice(j + 1);
        if (!value) {
          if (i + 1 >= argv.length) {
            out.ignored.push(`-${f}`);
            break;
          }
          value = argv[++i];
        }
        switch (f) {
          case 'o':
            applyOption(out, value);
            break;
          case 'J':
            out.proxyJump = value;
            break;
          case 'p': {
            const n = Number.parseInt(value, 10);
            if (Number.isFinite(n)) out.port = n;
            else out.ignored.push(`-p ${value}`);
            break;
          }
          case 'i':
            out.privateKeyFiles = [...(out.privateKeyFiles ?? []), value];
            break;
          case 'l':
            out.user = value;
            break;
          case 'F':
            out.sshConfigFile = value;
            break;
          default:
            out.ignored.push(`-${f} ${value}`);
        }
        break;
      }
      if (NO_ARG.has(f)) {
        out.ignored.push(`-${f}`);
        continue;
      }
      out.ignored.push(`-${f}`);
    }
  }
  return out;
}
