import { ModuleArgsError } from './args.js';
import type { ModuleDefinition } from './types.js';
import { lineInFileAbsent, lineInFilePresent, PyRegexError } from './util/text-edit.js';
import { applyTextEdit, FILE_COMMON_PARAMS, planTextEdit, probeTextFile, TextFileError, type TextAction, type TextFileParams, type TextFileState, type TextPlan } from './util/text-file.js';

/**
 * lineinfile: ensures one line is in a file (or replaces the line a regexp/search_string matches),
 * or that no such line is; Ansible's present()/absent() over the whole file as pure functions
 * (util/text-edit.ts). ONE round trip to probe (content, attributes), ONE to write atomically.
 */
export interface LineInFileParams extends TextFileParams {
  state: 'present' | 'absent';
  line?: string;
  regexp?: string;
  search_string?: string;
  insertafter?: string;
  insertbefore?: string;
  backrefs: boolean;
  create: boolean;
  firstmatch: boolean;
}

/** Cross-parameter rules (Ansible's mutually_exclusive and main()'s checks). */
export function checkLineInFileParams(p: LineInFileParams): void {
  const both = (a: keyof LineInFileParams, b: keyof LineInFileParams) => {
    if (p[a] !== undefined && p[b] !== undefined && p[a] !== false) throw new ModuleArgsError(`lineinfile: parameters are mutually exclusive: ${String(a)}|${String(b)}`);
  };
  both('insertbefore', 'insertafter');
  both('regexp', 'search_string');
  both('backrefs', 'search_string');
  if (p.validate !== undefined && !p.validate.includes('%s')) throw new ModuleArgsError(`lineinfile: validate must contain %s: ${p.validate}`);
  if (p.state === 'present') {
    if (p.backrefs && p.regexp === undefined) throw new ModuleArgsError('lineinfile: regexp is required with backrefs=true');
    if (p.line === undefined) throw new ModuleArgsError('lineinfile: line is required with state=present');
  } else if (p.regexp === undefined && p.search_string === undefined && p.line === undefined) {
    throw new ModuleArgsError('lineinfile: one of line, search_string, or regexp is required with state=absent');
  }
}

export function planLineInFile(p: LineInFileParams, s: TextFileState): TextPlan {
  checkLineInFileParams(p);
  if (s.file.exists && s.file.type === 'directory') throw new TextFileError(`Path ${p.path} is a directory !`, 256);
  if (s.file.exists && s.file.type !== 'file') throw new TextFileError(`Path ${p.path} is not a regular file`);
  const warnings: string[] = [];
  if (p.regexp === '' || p.search_string === '') {
    const name = p.regexp === '' ? 'regular expression' : 'search string';
    warnings.push(
      `The ${name} is an empty string, which will match every line in the file. This may have unintended consequences, such as replacing the last line in the file rather than appending.` +
        (p.regexp === '' ? " If this is desired, use '^' to match every line in the file and avoid this warning." : ''),
    );
  }
  const extra = warnings.length ? { warnings } : {};
  try {
    if (p.state === 'absent') {
      if (!s.file.exists) return { actions: [], msg: 'file not present', result: { changed: false, msg: 'file not present', ...extra }, backupKey: 'backup' };
      const r = lineInFileAbsent(s.text ?? '', p);
      return planTextEdit(p, s, { ...r, extra: { found: r.found, ...extra } }, 'backup');
    }
    if (!s.file.exists && !p.create) throw new TextFileError(`Destination ${p.path} does not exist !`, 257);
    const r = lineInFilePresent(s.text ?? '', p);
    return planTextEdit(p, s, { ...r, extra }, 'backup');
  } catch (e) {
    if (e instanceof PyRegexError) throw new ModuleArgsError(`lineinfile: ${e.message}`);
    throw e;
  }
}

export const lineinfile: ModuleDefinition<LineInFileParams, TextFileState, TextAction> = {
  name: 'lineinfile',
  aliases: ['ansible.builtin.lineinfile', 'ansible.legacy.lineinfile'],
  params: {
    path: { type: 'path', required: true, aliases: ['dest', 'destfile', 'name'] },
    state: { type: 'str', default: 'present', choices: ['absent', 'present'] },
    regexp: { type: 'str', aliases: ['regex'] },
    search_string: { type: 'str' },
    line: { type: 'str', aliases: ['value'] },
    insertafter: { type: 'str' },
    insertbefore: { type: 'str' },
    backrefs: { type: 'bool', default: false },
    create: { type: 'bool', default: false },
    firstmatch: { type: 'bool', default: false },
    ...FILE_COMMON_PARAMS,
  },
  probe: probeTextFile,
  plan: planLineInFile,
  apply: applyTextEdit,
};
