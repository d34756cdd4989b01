import { shQuote } from '../util/shlex.js';
import type { ModuleContext, ModuleDefinition, ModuleResult, Plan } from './types.js';
import { ModuleFailure } from './util/file-attrs.js';
import { parseWrite, writeScript } from './util/file-write.js';

/**
 * sysctl (ansible.posix.sysctl): a kernel parameter in `sysctl_file` (written atomically), set in
 * the running kernel with `sysctl_set`, and the file reloaded (`sysctl -p FILE`) when it changed.
 * ONE round trip reads the file and the running value; ONE more writes, sets and reloads.
 */
export interface SysctlParams {
  name: string;
  value?: string;
  state: 'present' | 'absent';
  reload: boolean;
  sysctl_file: string;
  sysctl_set: boolean;
  ignoreerrors: boolean;
}

export interface SysctlState {
  file: string;
  fileExists: boolean;
  /** The running value (sysctl -n), undefined when the key does not exist. */
  current?: string;
}

export type SysctlAction = { kind: 'file'; content: string } | { kind: 'set' } | { kind: 'reload' };

/** Ansible's _parse_value: booleans as 1/0, whitespace runs (tabs too) as one space. */
export function normalizeSysctlValue(v: unknown): string {
  if (typeof v === 'boolean') return v ? '1' : '0';
  const s = String(v ?? '').trim();
  const low = s.toLowerCase();
  if (['yes', 'on', 'true'].includes(low)) return '1';
  if (['no', 'off', 'false'].includes(low)) return '0';
  return s.split(/\s+/).join(' ');
}

/** Keys may be written with dots or slashes (net/ipv4/ip_forward). */
export function normalizeKey(k: string): string {
  return k.trim().replace(/\//g, '.');
}

/** The value the file sets for `name` (the last line wins), or undefined. */
export function fileValue(text: string, name: string): string | undefined {
  let found: string | undefined;
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (!t || t.startsWith('#') || t.startsWith(';') || !t.includes('=')) continue;
    const [k, ...rest] = t.split('=');
    if (normalizeKey(k!) === normalizeKey(name)) found = normalizeSysctlValue(rest.join('='));
  }
  return found;
}

/** Ansible's write_sysctl: the first line for the key replaced (the others dropped), or appended. */
export function editSysctlFile(text: string, name: string, value: string | undefined): string {
  const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
  const out: string[] = [];
  let done = false;
  for (const line of lines) {
    const t = line.trim();
    if (t && !t.startsWith('#') && !t.startsWith(';') && t.includes('=') && normalizeKey(t.split('=')[0]!) === normalizeKey(name)) {
      if (value !== undefined && !done) out.push(`${name}=${value}`);
      done = true;
      continue;
    }
    out.push(line);
  }
  if (value !== undefined && !done) out.push(`${name}=${value}`);
  return out.length ? `${out.join('\n')}\n` : '';
}

export function planSysctl(p: SysctlParams, s: SysctlState): Plan<SysctlAction> {
  if (p.state === 'present' && (p.value === undefined || p.value === null)) throw new ModuleFailure('state is present but all of the following are missing: value');
  const value = p.state === 'present' ? normalizeSysctlValue(p.value) : undefined;
  if (p.state === 'present' && value === '') throw new ModuleFailure('value cannot be empty');
  const actions: SysctlAction[] = [];
  const inFile = fileValue(s.file, p.name);
  const text = inFile !== value || (p.state === 'absent' && inFile !== undefined) ? editSysctlFile(s.file, p.name, value) : s.file;
  if (text !== s.file) actions.push({ kind: 'file', content: text });
  if (p.state === 'present' && p.sysctl_set) {
    if (s.current === undefined && !p.ignoreerrors) throw new ModuleFailure(`setting ${p.name} failed: the key does not exist in the running kernel`);
    if (s.current !== undefined && normalizeSysctlValue(s.current) !== value) actions.push({ kind: 'set' });
  }
  if (text !== s.file && p.reload) actions.push({ kind: 'reload' });
  const diff = text !== s.file ? [{ before: s.file, after: text, before_header: p.sysctl_file, after_header: p.sysctl_file }] : [];
  if (actions.some((a) => a.kind === 'set')) diff.push({ before: `${p.name} = ${s.current}\n`, after: `${p.name} = ${value}\n`, before_header: `${p.name} (running)`, after_header: `${p.name} (running)` });
  return { actions, ...(diff.length ? { diff } : {}), result: { name: p.name, ...(value !== undefined ? { value } : {}) } };
}

function probeScript(p: SysctlParams): string {
  const F = shQuote(p.sysctl_file);
  return [`if [ -f ${F} ]; then echo Y; cat -- ${F}; else echo N; fi`, `echo __FLEET_END__`, `v=$(sysctl -n -e ${shQuote(normalizeKey(p.name))} 2>/dev/null) && [ -n "$v" ] && printf 'V %s\\n' "$v"`, 'exit 0'].join('\n');
}

export function parseSysctlProbe(out: string): SysctlState {
  const [filePart = '', rest = ''] = out.split('__FLEET_END__\n');
  const fileExists = filePart.startsWith('Y\n');
  const s: SysctlState = { file: fileExists ? filePart.slice(2) : '', fileExists };
  const m = /^V (.*)$/m.exec(rest);
  if (m) s.current = m[1]!.trim();
  return s;
}

async function probe(ctx: ModuleContext, p: SysctlParams): Promise<SysctlState> {
  const r = await ctx.run(probeScript(p));
  if (r.rc !== 0) throw new ModuleFailure(`cannot read ${p.sysctl_file}: ${r.stderr.toString('utf8').trim()}`);
  return parseSysctlProbe(r.stdout.toString('utf8'));
}

async function apply(ctx: ModuleContext, p: SysctlParams, plan: Plan<SysctlAction>): Promise<ModuleResult> {
  const base: ModuleResult = { changed: false, ...(plan.result ?? {}) };
  if (!plan.actions.length) return base;
  const items = plan.actions.filter((a): a is Extract<SysctlAction, { kind: 'file' }> => a.kind === 'file').map((a) => ({ dest: p.sysctl_file, content: Buffer.from(a.content) }));
  const value = normalizeSysctlValue(p.value);
  const e = p.ignoreerrors ? ' -e' : '';
  const trailer: string[] = [];
  if (plan.actions.some((a) => a.kind === 'set')) trailer.push(`o=$(sysctl${e} -w ${shQuote(`${normalizeKey(p.name)}=${value}`)} 2>&1) || { printf 'FAIL setting %s failed: %s' ${shQuote(p.name)} "$o"; exit 3; }`);
  if (plan.actions.some((a) => a.kind === 'reload')) trailer.push(`o=$(sysctl${e} -p ${shQuote(p.sysctl_file)} 2>&1) || { printf 'FAIL Failed to reload sysctl: %s' "$o"; exit 3; }`);
  const r = await ctx.run(writeScript(items, [], trailer.join('\n') || ':'), { stdin: Buffer.concat(items.map((i) => i.content)) });
  const w = parseWrite(r.rc, r.stdout, r.stderr);
  if (w.trailer.startsWith('FAIL ')) return { ...base, failed: true, msg: w.trailer.slice(5).trim() };
  if (!w.ok) return { ...base, failed: true, msg: w.msg ?? `exit code ${r.rc}` };
  return { ...base, changed: true };
}

export const sysctl: ModuleDefinition<SysctlParams, SysctlState, SysctlAction> = {
  name: 'sysctl',
  aliases: ['ansible.posix.sysctl', 'ansible.builtin.sysctl'],
  params: {
    name: { type: 'str', required: true, aliases: ['key'] },
    value: { type: 'str', aliases: ['val'] },
    state: { type: 'str', default: 'present', choices: ['present', 'absent'] },
    reload: { type: 'bool', default: true },
    sysctl_file: { type: 'path', default: '/etc/sysctl.conf' },
    sysctl_set: { type: 'bool', default: false },
    ignoreerrors: { type: 'bool', default: false },
  },
  probe,
  plan: planSysctl,
  apply,
};
