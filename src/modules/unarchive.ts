import { readFile } from 'node:fs/promises';
import { shQuote } from '../util/shlex.js';
import { ModuleArgsError } from './args.js';
import type { ModuleContext, ModuleDefinition, ModuleResult, Plan } from './types.js';
import { fnmatch } from '../util/fnmatch.js';
import { findLocal } from './util/local-files.js';
import { formatMode, parseMode } from './util/file-attrs.js';
import { remotePathWord } from './util/remote-path.js';

/**
 * unarchive: unpacks a tar (.tar, .tar.gz, .tar.xz, .tar.bz2: GNU tar detects the compression) or
 * zip archive into an existing directory on the host. The archive is the controller's file (found
 * through the search paths and sent on stdin) or, with `remote_src`, a file on the host.
 *
 * ONE round trip to probe: the archive is listed on the host (in a private temporary directory,
 * removed at once) and every member is looked up under dest; the plan extracts when `creates` does
 * not exist and some member is missing or differs in size (Ansible also compares mtimes and owners:
 * fleet's check is "every member exists with the same size", directories and links by existence).
 * ONE round trip to extract.
 */
export interface UnarchiveParams {
  src: string;
  dest: string;
  remote_src: boolean;
  creates?: string;
  extra_opts: string[];
  list_files: boolean;
  exclude: string[];
  include: string[];
  mode?: string | number;
  owner?: string;
  group?: string;
  keep_newer: boolean;
}

export interface Member {
  name: string;
  type: 'file' | 'dir' | 'link' | 'other';
  size: number;
}

export interface UnarchiveState {
  status: 'ok' | 'nodest' | 'nosrc' | 'created' | 'nounzip' | 'badarchive';
  kind?: 'tar' | 'zip';
  members: Member[];
  /** Per member: `size type` of dest/member, or '-' when missing. */
  present: string[];
  /** The controller file (remote_src: false). */
  local?: string;
  error?: string;
}

export interface ExtractAction {
  kind: 'extract';
  format: 'tar' | 'zip';
  local?: string;
}

export interface UnarchivePlan extends Plan<ExtractAction> {
  result: ModuleResult;
}

/** Parses `tar -tv` lines (GNU): perms owner/group size date time name [-> target]. */
export function parseTarVerbose(lines: string[], names: string[]): Member[] {
  return names.map((name, i) => {
    const line = lines[i] ?? '';
    const m = /^(\S)\S*\s+\S+\s+(\d+)\s/.exec(line);
    const t = m?.[1];
    return { name, type: t === 'd' ? 'dir' : t === 'l' || t === 'h' ? 'link' : t === '-' ? 'file' : 'other', size: m ? Number(m[2]) : 0 };
  });
}

/** Parses `unzip -Z` (zipinfo) lines: perms version os size ... name; `names` from `unzip -Z1`. */
export function parseZipVerbose(lines: string[], names: string[]): Member[] {
  const entries = lines.filter((l) => /^[-dl?][-rwxsStT?]{9}\s/.test(l) || /^[-dl?]\S{9}\s+\d/.test(l));
  return names.map((name, i) => {
    const m = /^(\S)\S*\s+\S+\s+\S+\s+(\d+)\s/.exec(entries[i] ?? '');
    const t = name.endsWith('/') ? 'd' : m?.[1];
    return { name, type: t === 'd' ? 'dir' : t === 'l' ? 'link' : 'file', size: m ? Number(m[2]) : 0 };
  });
}

function selected(p: Pick<UnarchiveParams, 'include' | 'exclude'>, name: string): boolean {
  const n = name.replace(/\/$/, '');
  if (p.include.length && !p.include.some((pat) => fnmatch(n, pat) || fnmatch(name, pat))) return false;
  return !p.exclude.some((pat) => fnmatch(n, pat) || fnmatch(name, pat));
}

/** The probe script: stdin is the archive when it comes from the controller. */
export function probeScript(p: UnarchiveParams): string {
  return [
    `n() { printf '%s\\0' "$@"; }`,
    `d=${remotePathWord(p.dest)}`,
    `[ -d "$d" ] || { n nodest; exit 0; }`,
    p.creates ? `if [ -e ${remotePathWord(p.creates)} ]; then n created; exit 0; fi` : ':',
    `w=$(mktemp -d "\${TMPDIR:-/tmp}/fleet-unarchive-XXXXXXXX") || exit 3`,
    `trap 'rm -rf -- "$w"' EXIT`,
    p.remote_src ? `a=${remotePathWord(p.src)}; [ -f "$a" ] && [ -r "$a" ] || { n nosrc; exit 0; }` : `a="$w/archive"; cat > "$a" || exit 3`,
    `if [ "$(head -c 2 -- "$a")" = PK ]; then`,
    `  command -v unzip >/dev/null 2>&1 || { n nounzip; exit 0; }`,
    `  unzip -Z1 "$a" > "$w/names" 2>"$w/err" && unzip -Z "$a" > "$w/long" 2>>"$w/err" || { n badarchive "$(cat "$w/err")"; exit 0; }`,
    `  n ok zip`,
    `else`,
    `  tar -tf "$a" > "$w/names" 2>"$w/err" && tar --numeric-owner -tvf "$a" > "$w/long" 2>>"$w/err" || { n badarchive "$(cat "$w/err")"; exit 0; }`,
    `  n ok tar`,
    `fi`,
    `n "$(cat "$w/names")" "$(cat "$w/long")"`,
    `: > "$w/present"`,
    `while IFS= read -r m; do`,
    `  f="$d/$m"`,
    `  if [ -L "$f" ]; then echo "0 link"; elif [ -d "$f" ]; then echo "0 dir"; elif [ -f "$f" ]; then echo "$(stat -c %s -- "$f") file"; elif [ -e "$f" ]; then echo "0 other"; else echo "-"; fi >> "$w/present"`,
    `done < "$w/names"`,
    `n "$(cat "$w/present")"`,
    `exit 0`,
  ].join('\n');
}

const lines = (s: string | undefined) => (s ? s.split('\n').filter((l) => l !== '') : []);

async function probe(ctx: ModuleContext, p: UnarchiveParams): Promise<UnarchiveState> {
  let local: string | undefined;
  let stdin: Buffer | undefined;
  if (!p.remote_src) {
    const found = findLocal(ctx.searchPaths, 'files', p.src);
    if (!found.path) throw new Error(`Could not find or access '${p.src}' on the controller\nSearched in:\n${found.tried.map((t) => `\t${t}`).join('\n')}`);
    local = found.path;
    stdin = await readFile(local);
  }
  const r = await ctx.run(probeScript(p), stdin ? { stdin } : {});
  if (r.rc !== 0) throw new Error(`unarchive: cannot inspect the archive on the host: ${r.stderr.toString('utf8').trim() || `exit code ${r.rc}`}`);
  const parts = r.stdout.toString('utf8').split('\0');
  const status = parts[0] as UnarchiveState['status'];
  const base = { members: [], present: [], ...(local ? { local } : {}) };
  if (status !== 'ok') return { ...base, status, ...(status === 'badarchive' ? { error: parts[1] ?? '' } : {}) };
  const kind = parts[1] as 'tar' | 'zip';
  const names = lines(parts[2]);
  const long = lines(parts[3]);
  const members = kind === 'zip' ? parseZipVerbose(long, names) : parseTarVerbose(long, names);
  return { ...base, status, kind, members, present: lines(parts[4]) };
}

export function planUnarchive(p: UnarchiveParams, s: UnarchiveState): UnarchivePlan {
  if (p.include.length && p.exclude.length) throw new ModuleArgsError('unarchive: parameters are mutually exclusive: include|exclude');
  if (p.mode !== undefined && p.mode !== '') parseMode(p.mode, 0o644, false);
  const base: ModuleResult = { changed: false, dest: p.dest, src: p.src };
  if (s.status === 'nodest') throw new Error(`dest '${p.dest}' must be an existing dir`);
  if (s.status === 'created') return { actions: [], skipped: true, msg: `skipped, since ${p.creates} exists`, result: { ...base, skipped: true, msg: `skipped, since ${p.creates} exists` } };
  if (s.status === 'nosrc') throw new Error(`Source '${p.src}' does not exist or is not readable on the host`);
  if (s.status === 'nounzip') throw new Error('Unable to find required unzip binary on the host to extract a zip archive (apt-get install unzip)');
  if (s.status === 'badarchive') throw new Error(`Failed to find handler for "${p.src}". Make sure the required command to extract the file is installed.\n${s.error ?? ''}`.trim());
  const handler = s.kind === 'zip' ? 'ZipArchive' : 'TgzArchive';
  const files = s.members.filter((m) => selected(p, m.name)).map((m) => m.name);
  const stale = s.members.filter((m, i) => {
    if (!selected(p, m.name)) return false;
    const have = s.present[i] ?? '-';
    if (have === '-') return true;
    const [size, type] = have.split(' ');
    if (m.type === 'file') return type !== 'file' || Number(size) !== m.size;
    if (m.type === 'dir') return type !== 'dir';
    return false;
  });
  const result: ModuleResult = { ...base, handler, ...(p.list_files ? { files } : {}) };
  if (!stale.length) return { actions: [], result };
  return { actions: [{ kind: 'extract', format: s.kind!, ...(s.local ? { local: s.local } : {}) }], result: { ...result, changed: true } };
}

/** The extract command for the archive at "$a" into "$d". */
export function extractCommand(p: UnarchiveParams, format: 'tar' | 'zip'): string {
  const extra = p.extra_opts.map(shQuote);
  if (format === 'zip') {
    return ['unzip', '-o', ...extra, '"$a"', ...p.include.map(shQuote), ...(p.exclude.length ? ['-x', ...p.exclude.map(shQuote)] : []), '-d', '"$d"'].join(' ');
  }
  return [
    'tar',
    '--extract',
    '-C',
    '"$d"',
    ...(p.keep_newer ? ['--keep-newer-files'] : []),
    ...extra,
    ...p.exclude.map((e) => shQuote(`--exclude=${e}`)),
    ...(p.include.length ? ['--wildcards'] : []),
    '-f',
    '"$a"',
    ...p.include.map(shQuote),
  ].join(' ');
}

export function extractScript(p: UnarchiveParams, a: ExtractAction): string {
  const owner = `${p.owner ?? ''}${p.group ? `:${p.group}` : ''}`;
  const attrs: string[] = [];
  if (owner || (p.mode !== undefined && p.mode !== '')) {
    const mode = p.mode !== undefined && p.mode !== '' ? (typeof p.mode === 'number' || /^0?[0-7]{3,4}$/.test(String(p.mode)) ? formatMode(parseMode(p.mode, 0, false)) : String(p.mode)) : '';
    attrs.push(
      `while IFS= read -r m; do`,
      `  f="$d/$m"; [ -e "$f" ] || [ -L "$f" ] || continue`,
      owner ? `  chown -h ${shQuote(owner)} -- "$f" || exit 4` : '  :',
      mode ? `  [ -L "$f" ] || chmod ${shQuote(mode)} -- "$f" || exit 4` : '  :',
      `done < "$w/names"`,
    );
  }
  return [
    `d=${remotePathWord(p.dest)}`,
    `w=$(mktemp -d "\${TMPDIR:-/tmp}/fleet-unarchive-XXXXXXXX") || exit 3`,
    `trap 'rm -rf -- "$w"' EXIT`,
    p.remote_src ? `a=${remotePathWord(p.src)}` : `a="$w/archive"; cat > "$a" || exit 3`,
    a.format === 'zip' ? `unzip -Z1 "$a" > "$w/names" || exit 3` : `tar -tf "$a" > "$w/names" || exit 3`,
    `${extractCommand(p, a.format)} || exit $?`,
    ...attrs,
    `exit 0`,
  ].join('\n');
}

async function apply(ctx: ModuleContext, p: UnarchiveParams, plan: Plan<ExtractAction>): Promise<ModuleResult> {
  const up = plan as UnarchivePlan;
  const result: ModuleResult = { ...up.result };
  for (const a of plan.actions) {
    const stdin = a.local ? await readFile(a.local) : undefined;
    const script = extractScript(p, a);
    const r = await ctx.run(script, stdin ? { stdin } : {});
    const out = r.stdout.toString('utf8');
    const err = r.stderr.toString('utf8');
    result.extract_results = { cmd: extractCommand(p, a.format), rc: r.rc, out, err };
    if (r.rc !== 0) return { ...result, changed: false, failed: true, msg: r.rc === 4 ? `failed to set owner/mode on the extracted files: ${err.trim()}` : `failed to unpack ${p.src} to ${p.dest}: ${err.trim() || `exit code ${r.rc}`}` };
  }
  return result;
}

export const unarchive: ModuleDefinition<UnarchiveParams, UnarchiveState, ExtractAction> = {
  name: 'unarchive',
  aliases: ['ansible.builtin.unarchive', 'ansible.legacy.unarchive'],
  params: {
    src: { type: 'path', required: true },
    dest: { type: 'path', required: true },
    remote_src: { type: 'bool', default: false },
    creates: { type: 'path' },
    extra_opts: { type: 'list', elements: 'str', default: [] },
    list_files: { type: 'bool', default: false },
    exclude: { type: 'list', elements: 'str', default: [] },
    include: { type: 'list', elements: 'str', default: [] },
    keep_newer: { type: 'bool', default: false },
    mode: { type: 'raw' },
    owner: { type: 'str' },
    group: { type: 'str' },
  },
  probe,
  plan: planUnarchive,
  apply,
};
