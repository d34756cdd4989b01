import { createHash, createHmac } from 'node:crypto';
import { shQuote } from '../util/shlex.js';
import type { ModuleContext, ModuleDefinition, ModuleResult, Plan } from './types.js';
import { atomicWriteScript, EMIT_FN, parseFields } from './util/account-files.js';
import { remotePathWord } from './util/remote-path.js';
import { runSteps, stepsFailureMessage, type Step } from './util/run-steps.js';

/**
 * known_hosts (ansible.builtin): adds or removes a host's key in a known_hosts file, as Ansible's:
 * a line with the same host and key is "ok"; a line of the same host and key type with another key
 * is replaced; the new line goes at the end; `hash_host` writes the host field hashed
 * (`|1|salt|hmac`). Hashed lines already in the file are matched by their HMAC. One probe round
 * trip; the file is written atomically (keeping its mode and owner).
 */
export interface KnownHostsParams {
  name: string;
  key?: string;
  path: string;
  hash_host: boolean;
  state: 'present' | 'absent';
}

export interface KnownHostsState {
  /** The file's path as the host expanded it. */
  file: string;
  /** Content, undefined when the file does not exist. */
  content?: string;
  dirExists: boolean;
}

export class KnownHostsError extends Error {}

/** `host` or `[host]:port` as it appears in known_hosts (port 22 is written bare). */
export function hostField(name: string): string {
  const n = name.toLowerCase();
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(n);
  if (m && m[2] === '22') return m[1]!;
  return n;
}

export function hashHost(host: string, salt: Buffer): string {
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(host).digest('base64')}`;
}

/** Whether one host-pattern field of a known_hosts line (comma list, or a hashed entry) names `host`. */
export function fieldMatches(field: string, host: string): boolean {
  if (field.startsWith('|1|')) {
    const [, , salt, hash] = field.split('|');
    if (!salt || !hash) return false;
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(host).digest('base64') === hash;
  }
  return field
    .toLowerCase()
    .split(',')
    .some((pat) => !pat.startsWith('!') && pat === host);
}

export interface KnownHostsLine {
  marker?: string;
  hosts: string;
  type: string;
  blob: string;
}

export function parseKnownHostsLine(line: string): KnownHostsLine | undefined {
  const t = line.trim();
  if (!t || t.startsWith('#')) return undefined;
  const parts = t.split(/\s+/);
  const marker = parts[0]!.startsWith('@') ? parts.shift() : undefined;
  if (parts.length < 3) return undefined;
  return { ...(marker ? { marker } : {}), hosts: parts[0]!, type: parts[1]!, blob: parts[2]! };
}

/** The key line checked as Ansible's sanity_check: a valid line whose host field names `name`. */
export function checkKey(p: KnownHostsParams): { line: string; parsed: KnownHostsLine; host: string } | undefined {
  const host = hostField(p.name);
  if (p.key === undefined) return undefined;
  if (/\S+(\s+)?,(\s+)?/.test(p.name)) {
    throw new KnownHostsError('Comma separated list of names is not supported. Please pass a single name to lookup in the known_hosts file.');
  }
  const line = p.key.trim().split('\n')[0]!.trim();
  const parsed = parseKnownHostsLine(line);
  if (!parsed || parsed.marker) throw new KnownHostsError(`Invalid key specified: ${p.key}`);
  if (!fieldMatches(parsed.hosts, host)) {
    throw new KnownHostsError(
      parsed.hosts.startsWith('|1|') ? 'Host parameter does not match hashed host field in supplied key' : `Host parameter (${p.name}) does not match the host field in the supplied key (${parsed.hosts})`,
    );
  }
  return { line, parsed, host };
}

export interface KnownHostsPlan extends Plan<Step> {
  file: string;
  content?: string;
}

/**
 * Ansible's enforce_state as a pure function: lines for the host with the same key → found; a line
 * of the same key type → replaced; absent without key → every line for the host goes.
 */
export function newKnownHosts(p: KnownHostsParams, existing: string | undefined): { write: boolean; content: string } {
  const checked = checkKey(p);
  const host = hostField(p.name);
  const lines = existing === undefined ? [] : (existing.match(/[^\n]*\n|[^\n]+$/g) ?? []);
  const hostLines: number[] = [];
  let exact = -1;
  let sameType = -1;
  // As Ansible: an entry written in the other form (hashed or plain) than the one asked is replaced.
  const wantHashed = !!checked && (p.hash_host || checked.parsed.hosts.startsWith('|1|'));
  lines.forEach((line, i) => {
    const k = parseKnownHostsLine(line);
    if (!k || k.marker || !fieldMatches(k.hosts, host)) return;
    hostLines.push(i);
    const sameForm = k.hosts.startsWith('|1|') === wantHashed;
    if (checked && k.type === checked.parsed.type && k.blob === checked.parsed.blob && (sameForm || p.state === 'absent')) {
      if (exact < 0) exact = i;
    } else if (checked && k.type === checked.parsed.type && sameType < 0) sameType = i;
  });
  const join = (ls: string[]) => ls.map((l) => (l.endsWith('\n') ? l : `${l}\n`)).join('');
  if (p.state === 'absent') {
    const drop = checked ? (exact >= 0 ? [exact] : []) : hostLines;
    if (!drop.length) return { write: false, content: existing ?? '' };
    return { write: true, content: join(lines.filter((_, i) => !drop.includes(i))) };
  }
  if (!checked) throw new KnownHostsError('state is present but the key parameter is missing');
  if (exact >= 0) return { write: false, content: existing ?? '' };
  let newLine = checked.line;
  if (p.hash_host && !checked.parsed.hosts.startsWith('|1|')) {
    // A salt of the host and key (the plan stays pure: check mode shows the very line written).
    const salt = createHash('sha1').update(`fleet-known-hosts\0${host}\0${checked.parsed.blob}`).digest();
    newLine = `${hashHost(host, salt)} ${checked.parsed.type} ${checked.parsed.blob}`;
  }
  const kept = lines.filter((_, i) => i !== sameType);
  return { write: true, content: join([...kept, `${newLine}\n`]) };
}

export function planKnownHosts(p: KnownHostsParams, s: KnownHostsState): KnownHostsPlan {
  const { write, content } = newKnownHosts(p, s.content);
  // Ansible's module returns a diff even when nothing changes (its check-mode test compares the sides).
  if (!write) return { actions: [], file: s.file, diff: [{ before: s.content ?? '', after: s.content ?? '', before_header: s.file, after_header: s.file }] };
  const script = [
    `f=${shQuote(s.file)}`,
    `d=$(dirname -- "$f"); [ -d "$d" ] || mkdir -p -m 0700 -- "$d" || exit 5`,
    atomicWriteScript('f', { newMode: '0644' }),
  ].join('\n');
  return {
    actions: [{ kind: 'run', what: `writing ${s.file}`, script, usesStdin: true }],
    file: s.file,
    content,
    diff: [{ before: s.content ?? '', after: content, before_header: s.file, after_header: s.file }],
  };
}

function khResult(p: KnownHostsParams, file: string, changed: boolean): ModuleResult {
  return { changed, name: p.name, key: p.key ?? null, path: file, hash_host: p.hash_host, state: p.state };
}

export const known_hosts: ModuleDefinition<KnownHostsParams, KnownHostsState, Step> = {
  name: 'known_hosts',
  diffAsOne: true,
  diffAlways: true,
  aliases: ['ansible.builtin.known_hosts', 'ansible.legacy.known_hosts'],
  params: {
    name: { type: 'str', required: true, aliases: ['host'] },
    key: { type: 'str' },
    path: { type: 'path', default: '~/.ssh/known_hosts' },
    hash_host: { type: 'bool', default: false },
    state: { type: 'str', default: 'present', choices: ['present', 'absent'] },
  },
  probe: async (ctx: ModuleContext, p) => {
    // Fail on a bad key before touching the host (the same check runs again in plan).
    checkKey(p);
    const r = await ctx.run(
      [EMIT_FN, `f=${remotePathWord(p.path)}`, `o file "$f"`, `[ -d "$(dirname -- "$f")" ] && o dir 1`, `if [ -f "$f" ]; then c=$(cat -- "$f"; echo x) || exit 3; o content "\${c%x}"; fi`, 'exit 0'].join('\n'),
    );
    if (r.rc !== 0) throw new KnownHostsError(`cannot read ${p.path}: ${r.stderr.toString('utf8').trim() || `exit code ${r.rc}`}`);
    const f = parseFields(r.stdout.toString('utf8'));
    return { file: f.file ?? p.path, dirExists: f.dir === '1', ...(f.content !== undefined ? { content: f.content } : {}) };
  },
  plan: planKnownHosts,
  apply: async (ctx, p, plan) => {
    const kp = plan as KnownHostsPlan;
    if (!kp.actions.length) return khResult(p, kp.file, false);
    const out = await runSteps(ctx, kp.actions, '', kp.content);
    if (!out.ok) return { ...khResult(p, kp.file, false), failed: true, msg: stepsFailureMessage(out.failed!) };
    return khResult(p, kp.file, true);
  },
};
