import type { FileDiff, ModuleContext, ModuleResult, ParamSchema, Plan } from '../types.js';
import { attrChanges, attrCommands, attrDiff, defaultMode, idsToResolve, parseMode, probeFiles, type AttrChange, type AttrParams, type ProbeResult, type RemoteFile } from './file-attrs.js';
import { writeFiles, type WriteDirs } from './file-write.js';
import { shQuote } from '../../util/shlex.js';
import { remotePathWord } from './remote-path.js';

/**
 * The shared skeleton of modules that edit one remote text file in place (lineinfile, blockinfile,
 * replace): ONE round trip to probe (the file's type, attributes and whole content, its real path,
 * owner/group ids), a pure plan from an editing function, ONE round trip to apply (an atomic write
 * through file-write.ts with backup and validate, or only chown/chmod).
 */
export interface TextFileParams extends AttrParams {
  path: string;
  backup?: boolean;
  validate?: string;
}

/** Parameters of the modules that write one file: mode/owner/group, backup, validate. */
export const FILE_COMMON_PARAMS: ParamSchema = {
  mode: { type: 'raw' },
  owner: { type: 'str' },
  group: { type: 'str' },
  backup: { type: 'bool', default: false },
  validate: { type: 'str' },
  /** Accepted for compatibility; writes are always atomic. */
  unsafe_writes: { type: 'bool', default: false },
};

export interface TextFileState {
  probe: ProbeResult;
  file: RemoteFile;
  /** realpath of the path (symlinks followed), where the write goes, as Ansible's. */
  realPath: string;
  /** The parent directory exists. */
  dirExists: boolean;
  /** The file's text (undefined when it is missing). */
  text?: string;
}

/** The file's content is read whole, up to this size. */
export const MAX_EDIT_SIZE = 64 * 1024 * 1024;

export class TextFileError extends Error {
  constructor(
    message: string,
    readonly rc?: number,
  ) {
    super(message);
  }
}

/** An absolute path without `.`, `..`, empty components or a trailing slash. */
function isCleanAbsolute(path: string): boolean {
  return path.startsWith('/') && path.length > 1 && path.slice(1).split('/').every((c) => c !== '' && c !== '.' && c !== '..');
}

/** `/a/b/c` → `/a`, `/a/b`, `/a/b/c`. */
function prefixes(path: string): string[] {
  const parts = path.slice(1).split('/');
  return parts.map((_, i) => `/${parts.slice(0, i + 1).join('/')}`);
}

export async function probeTextFile(ctx: ModuleContext, p: TextFileParams): Promise<TextFileState> {
  const w = remotePathWord(p.path);
  const realpath = `r=$(readlink -f -- ${w} 2>/dev/null) || r=`;
  const extra = [
    // A clean absolute path none of whose components is a symlink is its own realpath: readlink
    // runs only when one is (each test is a shell builtin, a process is not).
    isCleanAbsolute(p.path) ? `r=; for q in ${prefixes(p.path).map(shQuote).join(' ')}; do [ -L "$q" ] && { ${realpath}; break; }; done` : realpath,
    `[ -n "$r" ] || r=${w}`,
    `case $r in */|*//*) d=$(dirname -- "$r");; /*) d=\${r%/*}; d=\${d:-/};; *) d=$(dirname -- "$r");; esac`,
    `n "$r"`,
    `[ -d "$d" ] && n 1 || n 0`,
  ].join('\n');
  const probe = await probeFiles(ctx, [p.path], { follow: true, content: MAX_EDIT_SIZE, ...idsToResolve(p) }, extra);
  const file = probe.files[0]!;
  const [realPath, dirExists] = probe.extra.split('\0');
  const state: TextFileState = { probe, file, realPath: realPath || p.path, dirExists: dirExists === '1' };
  if (file.exists && file.type === 'file') {
    if (!file.content) throw new TextFileError(file.contentSkipped ? `${p.path} is larger than ${MAX_EDIT_SIZE} bytes or not readable` : `cannot read ${p.path}`);
    const text = file.content.toString('utf8');
    if (!Buffer.from(text, 'utf8').equals(file.content)) throw new TextFileError(`${p.path} is not valid UTF-8 text`);
    state.text = text;
  }
  return state;
}

export type TextAction =
  | { kind: 'write'; dest: string; content: string; mode?: number; owner?: string; group?: string; backup: boolean; validate?: string; mkdir?: string }
  | { kind: 'attrs'; path: string; change: AttrChange };

export interface TextPlan extends Plan<TextAction> {
  /** The module's result when applied (changed, msg, and extra keys such as `found`). */
  result: ModuleResult;
  /** The result key naming the backup file (`backup` for lineinfile, `backup_file` otherwise). */
  backupKey: string;
}

/** Ansible's check_file_attrs message. */
function attrsMessage(msg: string, changed: boolean): string {
  return changed && msg ? `${msg} and ownership, perms or SE linux context changed` : 'ownership, perms or SE linux context changed';
}

/**
 * The plan for a text edit: `edited` is the new text (undefined when the content does not change),
 * `msg` the module's message for a content change; attributes (mode/owner/group) are compared too.
 */
export function planTextEdit(
  p: TextFileParams,
  s: TextFileState,
  edit: { text?: string; changed: boolean; msg: string; extra?: Record<string, unknown> },
  backupKey = 'backup_file',
  header = `${p.path} (content)`,
): TextPlan {
  const actions: TextAction[] = [];
  const diff: FileDiff[] = [];
  let changed = edit.changed;
  let msg = edit.msg;
  const exists = s.file.exists;
  if (edit.changed) {
    diff.push({ before: s.text ?? '', after: edit.text ?? '', before_header: header, after_header: header });
    const isNew = !exists;
    const mode = p.mode !== undefined && p.mode !== null && p.mode !== '' ? parseMode(p.mode, isNew ? defaultMode(s.probe.umask, false) : s.file.mode, false) : undefined;
    actions.push({
      kind: 'write',
      dest: s.realPath,
      content: edit.text ?? '',
      ...(mode !== undefined ? { mode } : {}),
      ...(p.owner ? { owner: p.owner } : {}),
      ...(p.group ? { group: p.group } : {}),
      backup: !!p.backup && exists,
      ...(p.validate ? { validate: p.validate } : {}),
      ...(isNew && !s.dirExists ? { mkdir: s.realPath.replace(/\/[^/]*$/, '') || '/' } : {}),
    });
    if (exists) {
      const change = attrChanges(p, s.file, s.probe);
      if (change.error) throw new TextFileError(change.error);
      if (change.changed) {
        msg = attrsMessage(msg, true);
        diff.push(...attrDiff(p.path, change.before, change.after));
      }
    } else {
      const missing = attrChanges(p, { ...s.file, exists: true, type: 'file', mode: defaultMode(s.probe.umask, false) }, s.probe);
      if (missing.error) throw new TextFileError(missing.error);
    }
  } else if (exists) {
    const change = attrChanges(p, s.file, s.probe);
    if (change.error) throw new TextFileError(change.error);
    if (change.changed) {
      changed = true;
      msg = attrsMessage(msg, false);
      actions.push({ kind: 'attrs', path: s.realPath, change });
      diff.push(...attrDiff(p.path, change.before, change.after));
    }
  }
  return { actions, diff, ...(msg ? { msg } : {}), result: { changed, msg, ...(edit.extra ?? {}) }, backupKey };
}

export async function applyTextEdit(ctx: ModuleContext, _p: TextFileParams, plan: Plan<TextAction>): Promise<ModuleResult> {
  const tp = plan as TextPlan;
  const result: ModuleResult = { ...tp.result };
  for (const a of plan.actions) {
    if (a.kind === 'write') {
      const dirs: WriteDirs[] = a.mkdir ? [{ path: a.mkdir }] : [];
      const out = await writeFiles(
        ctx,
        [
          {
            dest: a.dest,
            content: Buffer.from(a.content, 'utf8'),
            ...(a.mode !== undefined ? { mode: a.mode } : {}),
            ...(a.owner ? { owner: a.owner } : {}),
            ...(a.group ? { group: a.group } : {}),
            backup: a.backup,
            ...(a.validate ? { validate: a.validate } : {}),
          },
        ],
        dirs,
      );
      if (!out.ok) {
        return { changed: false, failed: true, msg: out.msg ?? `cannot write ${a.dest}`, ...(out.validateRc !== undefined ? { rc: out.validateRc, stdout: out.validateOutput ?? '' } : {}) };
      }
      const backup = out.backups[a.dest];
      if (backup) result[tp.backupKey] = backup;
    } else {
      const r = await ctx.run(attrCommands(remotePathWord(a.path), a.change));
      if (r.rc !== 0) return { changed: false, failed: true, msg: `cannot set the attributes of ${a.path}: ${r.stderr.toString('utf8').trim()}` };
    }
  }
  return result;
}
