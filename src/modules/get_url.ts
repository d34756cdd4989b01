import { posix } from 'node:path';
import { shQuote } from '../util/shlex.js';
import { ModuleArgsError } from './args.js';
import type { FileDiff, ModuleContext, ModuleDefinition, ModuleResult, Plan } from './types.js';
import { attrChanges, attrCommands, attrDiff, defaultMode, formatMode, idsToResolve, parseMode, probeFiles, type AttrChange, type ProbeResult, type RemoteFile } from './util/file-attrs.js';
import { remotePathWord } from './util/remote-path.js';

/**
 * get_url: downloads a URL ON THE HOST (as Ansible's does) with curl, else wget, else python3.
 * ONE round trip to probe (the destination, its checksum, which downloader exists), ONE to download
 * to a temporary file beside the destination, check the checksum, and rename it into place (or drop
 * it when the content is the same). Without `force`, an existing destination is not downloaded
 * again unless `checksum` says it is wrong.
 */
export interface GetUrlParams {
  url: string;
  dest: string;
  checksum?: string;
  force: boolean;
  timeout: number;
  headers?: Record<string, unknown>;
  validate_certs: boolean;
  mode?: string | number;
  owner?: string;
  group?: string;
  backup: boolean;
}

export type Downloader = 'curl' | 'wget' | 'python3';

export interface GetUrlState {
  probe: ProbeResult;
  /** dest as given is a directory: the file name comes from the URL. */
  destIsDir: boolean;
  /** The file to write (dest, or dest/<name from the URL>). */
  target: RemoteFile;
  targetPath: string;
  /** The target's checksum with the algorithm of `checksum` (when given and the file exists). */
  targetSum?: string;
  tools: Downloader[];
}

export interface DownloadAction {
  kind: 'download';
  url: string;
  dest: string;
  tool: Downloader;
  algo?: string;
  expected?: string;
  mode?: number;
  owner?: string;
  group?: string;
  backup: boolean;
  /** The existing file's owner/group/mode differ from those asked for. */
  attrsChange?: boolean;
}

export interface GetUrlPlan extends Plan<DownloadAction | { kind: 'attrs'; path: string; change: AttrChange }> {
  result: ModuleResult;
}

const ALGOS = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'] as const;

/** `algo:hex` → [algo, hex] (lower case); throws on anything else. */
export function parseChecksum(checksum: string): [string, string] {
  const i = checksum.indexOf(':');
  if (i < 0) throw new ModuleArgsError(`get_url: the checksum parameter has to be in format <algorithm>:<checksum>, got ${JSON.stringify(checksum)}`);
  const algo = checksum.slice(0, i).trim().toLowerCase();
  const value = checksum.slice(i + 1).trim().toLowerCase();
  if (!(ALGOS as readonly string[]).includes(algo)) throw new ModuleArgsError(`get_url: unsupported checksum algorithm ${algo} (one of ${ALGOS.join(', ')})`);
  if (/^[a-z]+:\/\//.test(value)) throw new ModuleArgsError('get_url: a checksum given as a URL of a checksum file is not supported; give <algorithm>:<hex digest>');
  if (!/^[0-9a-f]+$/.test(value)) throw new ModuleArgsError(`get_url: the checksum ${JSON.stringify(value)} is not a hexadecimal digest`);
  return [algo, value];
}

/** The file name a URL gives (its path's last part), as Ansible's url_filename. */
export function urlFilename(url: string): string {
  let path = url;
  try {
    path = new URL(url).pathname;
  } catch {
    // not a URL the WHATWG parser takes: use the text as it is
  }
  const name = decodeURIComponent(posix.basename(path.replace(/[?#].*$/, '')));
  return name || 'index.html';
}

function checkParams(p: GetUrlParams): void {
  if (!/^(https?|ftp|file):\/\//i.test(p.url)) throw new ModuleArgsError(`get_url: url must be http://, https://, ftp:// or file://, got ${JSON.stringify(p.url)}`);
  if (p.checksum) parseChecksum(p.checksum);
  if (!Number.isFinite(p.timeout) || p.timeout <= 0) throw new ModuleArgsError('get_url: timeout must be a positive number of seconds');
  headerLines(p.headers);
}

async function probe(ctx: ModuleContext, p: GetUrlParams): Promise<GetUrlState> {
  checkParams(p);
  const inDir = posix.join(p.dest, urlFilename(p.url));
  const algo = p.checksum ? parseChecksum(p.checksum)[0] : undefined;
  const sum = (w: string) => (algo ? `if [ -f ${w} ] && [ -r ${w} ]; then c=$(${algo}sum < ${w} 2>/dev/null) && n "\${c%% *}" || n ''; else n ''; fi` : `n ''`);
  const extra = [
    `for t in curl wget python3; do command -v $t >/dev/null 2>&1 && n "$t"; done`,
    `n --`,
    sum(remotePathWord(p.dest)),
    sum(remotePathWord(inDir)),
  ].join('\n');
  const probe = await probeFiles(ctx, [p.dest, inDir], { follow: true, ...idsToResolve(p) }, extra);
  const parts = probe.extra.split('\0');
  const sep = parts.indexOf('--');
  const tools = parts.slice(0, sep) as Downloader[];
  const [sumDest, sumInDir] = [parts[sep + 1] ?? '', parts[sep + 2] ?? ''];
  const destIsDir = probe.files[0]!.type === 'directory';
  const target = destIsDir ? probe.files[1]! : probe.files[0]!;
  const targetSum = destIsDir ? sumInDir : sumDest;
  return { probe, destIsDir, target, targetPath: destIsDir ? inDir : p.dest, tools, ...(targetSum ? { targetSum } : {}) };
}

export function planGetUrl(p: GetUrlParams, s: GetUrlState): GetUrlPlan {
  checkParams(p);
  const [algo, expected] = p.checksum ? parseChecksum(p.checksum) : [undefined, undefined];
  const t = s.target;
  if (t.exists && t.type === 'directory') throw new Error(`get_url: ${s.targetPath} is a directory`);
  const base: ModuleResult = { changed: false, url: p.url, dest: s.targetPath };
  // Already there: without force, an existing file is kept unless the checksum says otherwise.
  const upToDate = t.exists && !p.force && (!expected || s.targetSum === expected);
  if (upToDate) {
    const change = attrChanges(p, t, s.probe);
    if (change.error) throw new Error(change.error);
    const msg = expected ? 'file already exists and its checksum matches' : 'file already exists';
    if (!change.changed) return { actions: [], msg, result: { ...base, msg } };
    const diff: FileDiff[] = attrDiff(s.targetPath, change.before, change.after);
    return { actions: [{ kind: 'attrs', path: s.targetPath, change }], diff, result: { ...base, changed: true, msg: `${msg}; ownership, perms or SE linux context changed` } };
  }
  const tool = s.tools[0];
  if (!tool) throw new Error('get_url: neither curl, wget nor python3 is available on the host (apt-get install curl)');
  const mode = p.mode !== undefined && p.mode !== '' ? parseMode(p.mode, t.exists ? t.mode : defaultMode(s.probe.umask, false), false) : undefined;
  const action: DownloadAction = {
    kind: 'download',
    url: p.url,
    dest: s.targetPath,
    tool,
    ...(algo && expected ? { algo, expected } : {}),
    ...(mode !== undefined ? { mode } : {}),
    ...(p.owner ? { owner: p.owner } : {}),
    ...(p.group ? { group: p.group } : {}),
    backup: p.backup,
  };
  if (t.exists) {
    const change = attrChanges(p, t, s.probe);
    if (change.error) throw new Error(change.error);
    action.attrsChange = change.changed;
  }
  return { actions: [action], result: { ...base, changed: true, msg: 'OK' } };
}

/**
 * The request headers as `Name: value` lines. They often carry tokens, so they never go on the
 * node's command line (every local user can read it through /proc): the apply script gets them on
 * stdin and keeps them in a 0600 temporary file that the downloader reads. A line break would start
 * another header (or another config line), so it is refused.
 */
export function headerLines(headers: Record<string, unknown> | undefined): string[] {
  return Object.entries(headers ?? {}).map(([k, v]) => {
    const value = String(v);
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(k)) throw new ModuleArgsError(`get_url: the header name ${JSON.stringify(k)} is not a valid HTTP header name (letters, digits and !#$%&'*+.^_\`|~- only)`);
    if (/[\r\n\0]/.test(value)) throw new ModuleArgsError(`get_url: the value of header ${k} contains a line break or NUL, which would add another header: give a one-line value`);
    return `${k}: ${value}`;
  });
}

/** What the downloader reads from the header file: curl's `-H @file` and python3 take the lines, wget a wgetrc. */
export function headerFileText(tool: Downloader, lines: readonly string[]): string {
  return lines.map((l) => (tool === 'wget' ? `header = ${l}\n` : `${l}\n`)).join('');
}

/** The download command for a tool, writing to "$t"; with headers, they are in the file "$h". */
export function downloadCommand(tool: Downloader, url: string, p: Pick<GetUrlParams, 'timeout' | 'validate_certs'>, withHeaders: boolean): string {
  if (tool === 'curl') {
    return ['curl', '-fsSL', '--max-time', String(p.timeout), ...(p.validate_certs ? [] : ['-k']), ...(withHeaders ? ['-H', '@"$h"'] : []), '-o', '"$t"', '--', shQuote(url)].join(' ');
  }
  if (tool === 'wget') {
    return ['wget', '-q', '-T', String(p.timeout), ...(p.validate_certs ? [] : ['--no-check-certificate']), ...(withHeaders ? ['--config="$h"'] : []), '-O', '"$t"', '--', shQuote(url)].join(' ');
  }
  const py = [
    'import sys, ssl, urllib.request',
    'url, out, timeout, verify = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4] == "1"',
    'req = urllib.request.Request(url)',
    'if len(sys.argv) > 5:',
    '    with open(sys.argv[5], encoding="utf-8") as hf:',
    '        for h in hf.read().splitlines():',
    '            k, _, v = h.partition(": ")',
    '            req.add_header(k, v)',
    'ctx = None if verify else ssl._create_unverified_context()',
    'with urllib.request.urlopen(req, timeout=timeout, context=ctx) as r, open(out, "wb") as f:',
    '    while True:',
    '        b = r.read(65536)',
    '        if not b: break',
    '        f.write(b)',
  ].join('\n');
  return ['python3', '-c', shQuote(py), shQuote(url), '"$t"', String(p.timeout), p.validate_certs ? '1' : '0', ...(withHeaders ? ['"$h"'] : [])].join(' ');
}

/**
 * The apply script: download to a temporary file, check, keep or rename into place. With headers,
 * it first copies its stdin (the header file's text) into a mktemp file (mode 0600), removed on exit.
 */
export function downloadScript(a: DownloadAction, p: Pick<GetUrlParams, 'timeout' | 'validate_certs'>, withHeaders = false): string {
  const owner = `${a.owner ?? ''}${a.group ? `:${a.group}` : ''}`;
  return [
    `n() { printf '%s\\0' "$@"; }`,
    `f=${remotePathWord(a.dest)}`,
    withHeaders ? `h=$(mktemp "\${TMPDIR:-/tmp}/fleet-headers.XXXXXXXX") || { n fail "cannot create a temporary file for the request headers"; exit 1; }` : ':',
    withHeaders ? `trap 'rm -f -- "$h"' EXIT; cat > "$h" || { n fail "cannot write the request headers"; exit 1; }` : ':',
    `t=$(mktemp "$(dirname -- "$f")/.$(basename -- "$f").fleet-dl-XXXXXXXX") || { n fail "cannot create a temporary file beside $f"; exit 1; }`,
    withHeaders ? `trap 'rm -f -- "$t" "$h"' EXIT` : `trap 'rm -f -- "$t"' EXIT`,
    `e=$( (${downloadCommand(a.tool, a.url, p, withHeaders)}) 2>&1 </dev/null) || { n fail "Request failed: ${a.tool} exit $?: $e"; exit 1; }`,
    a.algo
      ? `c=$(${a.algo}sum < "$t") && c=\${c%% *}; [ "$c" = ${shQuote(a.expected!)} ] || { n fail "The checksum for $f did not match ${a.expected}; it was $c."; exit 1; }`
      : ':',
    `s=$(sha1sum < "$t") && s=\${s%% *}; n size "$(wc -c < "$t")" checksum_src "$s"`,
    // The same content already in place: nothing to move; only the attributes may change.
    `if [ -f "$f" ] && cmp -s -- "$t" "$f"; then n same 1; rm -f -- "$t"; g="$f"; else`,
    `  n same 0`,
    `  if [ -e "$f" ]; then chmod "$(stat -L -c %a -- "$f")" -- "$t"; chown "$(stat -L -c %u:%g -- "$f")" -- "$t" 2>/dev/null; else chmod "$(printf '%o' $((0666 & ~0$(umask))))" -- "$t"; fi`,
    a.backup ? `  if [ -f "$f" ]; then b="$f.$$.$(date +%Y-%m-%d@%H:%M:%S)~"; cp -p -- "$f" "$b" && n backup_file "$b"; fi` : '  :',
    `  g="$t"`,
    `fi`,
    owner ? `chown ${shQuote(owner)} -- "$g" || { n fail "chown failed"; exit 1; }` : ':',
    a.mode !== undefined ? `[ "$(stat -c %a -- "$g")" = ${Number(a.mode).toString(8)} ] || { chmod ${formatMode(a.mode)} -- "$g" && n attrs 1; } || { n fail "chmod failed"; exit 1; }` : ':',
    `[ "$g" = "$t" ] && { mv -f -- "$t" "$f" || { n fail "cannot rename the download over $f"; exit 1; }; }`,
    `exit 0`,
  ].join('\n');
}

function parseOut(out: string): Record<string, string> {
  const parts = out.split('\0');
  const r: Record<string, string> = {};
  for (let i = 0; i + 1 < parts.length; i += 2) r[parts[i]!] = parts[i + 1]!;
  return r;
}

async function apply(ctx: ModuleContext, p: GetUrlParams, plan: Plan<DownloadAction | { kind: 'attrs'; path: string; change: AttrChange }>): Promise<ModuleResult> {
  const gp = plan as GetUrlPlan;
  const result: ModuleResult = { ...gp.result };
  for (const a of plan.actions) {
    if (a.kind === 'attrs') {
      const r = await ctx.run(attrCommands(remotePathWord(a.path), a.change));
      if (r.rc !== 0) return { ...result, changed: false, failed: true, msg: `cannot set the attributes of ${a.path}: ${r.stderr.toString('utf8').trim()}` };
      continue;
    }
    const lines = headerLines(p.headers);
    const r = await ctx.run(downloadScript(a, p, lines.length > 0), lines.length ? { stdin: headerFileText(a.tool, lines) } : undefined);
    const out = parseOut(r.stdout.toString('utf8'));
    if (r.rc !== 0 || out.fail !== undefined) return { ...result, changed: false, failed: true, msg: out.fail ?? (r.stderr.toString('utf8').trim() || `exit code ${r.rc}`) };
    result.size = Number(out.size);
    result.checksum_src = out.checksum_src;
    result.checksum_dest = out.checksum_src;
    if (out.backup_file) result.backup_file = out.backup_file;
    // The same bytes as before (force): changed only when the attributes were.
    result.changed = out.same !== '1' || !!a.attrsChange;
    result.msg = `OK (${out.size} bytes)`;
  }
  return result;
}

export const get_url: ModuleDefinition<GetUrlParams, GetUrlState, DownloadAction | { kind: 'attrs'; path: string; change: AttrChange }> = {
  name: 'get_url',
  aliases: ['ansible.builtin.get_url', 'ansible.legacy.get_url'],
  params: {
    url: { type: 'str', required: true },
    dest: { type: 'path', required: true },
    checksum: { type: 'str' },
    force: { type: 'bool', default: false, aliases: ['thirsty'] },
    timeout: { type: 'int', default: 10 },
    headers: { type: 'dict' },
    validate_certs: { type: 'bool', default: true },
    mode: { type: 'raw' },
    owner: { type: 'str' },
    group: { type: 'str' },
    backup: { type: 'bool', default: false },
  },
  probe,
  plan: planGetUrl,
  apply,
};
