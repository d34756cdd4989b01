import { ModuleArgsError } from './args.js';
import type { ModuleDefinition } from './types.js';
import { blockInFile, PyRegexError } from './util/text-edit.js';
import { applyTextEdit, FILE_COMMON_PARAMS, planTextEdit, probeTextFile, TextFileError, type TextAction, type TextFileParams, type TextFileState, type TextPlan } from './util/text-file.js';

/**
 * blockinfile: inserts, updates or removes a block of lines between marker lines; Ansible's main()
 * as a pure function (util/text-edit.ts). ONE round trip to probe, ONE to write atomically.
 */
export interface BlockInFileParams extends TextFileParams {
  state: 'present' | 'absent';
  block: string;
  marker: string;
  marker_begin: string;
  marker_end: string;
  insertafter?: string;
  insertbefore?: string;
  create: boolean;
  append_newline: boolean;
  prepend_newline: boolean;
}

export function planBlockInFile(p: BlockInFileParams, s: TextFileState): TextPlan {
  if (p.insertafter !== undefined && p.insertbefore !== undefined) throw new ModuleArgsError('blockinfile: parameters are mutually exclusive: insertbefore|insertafter');
  if (p.validate !== undefined && !p.validate.includes('%s')) throw new ModuleArgsError(`blockinfile: validate must contain %s: ${p.validate}`);
  if (s.file.exists && s.file.type === 'directory') throw new TextFileError(`Path ${p.path} is a directory !`, 256);
  if (s.file.exists && s.file.type !== 'file') throw new TextFileError(`Path ${p.path} is not a regular file`);
  if (!s.file.exists) {
    if (!p.create) throw new TextFileError(`Path ${p.path} does not exist !`, 257);
    if (p.state === 'absent') return { actions: [], msg: `File ${p.path} not present`, result: { changed: false, msg: `File ${p.path} not present` }, backupKey: 'backup_file' };
  }
  try {
    const r = blockInFile(s.text, p);
    return planTextEdit(p, s, r, 'backup_file');
  } catch (e) {
    if (e instanceof PyRegexError) throw new ModuleArgsError(`blockinfile: ${e.message}`);
    throw e;
  }
}

export const blockinfile: ModuleDefinition<BlockInFileParams, TextFileState, TextAction> = {
  name: 'blockinfile',
  aliases: ['ansible.builtin.blockinfile', 'ansible.legacy.blockinfile'],
  params: {
    path: { type: 'path', required: true, aliases: ['dest', 'destfile', 'name'] },
    state: { type: 'str', default: 'present', choices: ['absent', 'present'] },
    marker: { type: 'str', default: '# {mark} ANSIBLE MANAGED BLOCK' },
    block: { type: 'str', default: '', aliases: ['content'] },
    insertafter: { type: 'str' },
    insertbefore: { type: 'str' },
    create: { type: 'bool', default: false },
    marker_begin: { type: 'str', default: 'BEGIN' },
    marker_end: { type: 'str', default: 'END' },
    append_newline: { type: 'bool', default: false },
    prepend_newline: { type: 'bool', default: false },
    ...FILE_COMMON_PARAMS,
  },
  probe: probeTextFile,
  plan: planBlockInFile,
  apply: applyTextEdit,
};
