import { ModuleArgsError } from './args.js';
import type { ModuleDefinition } from './types.js';
import { PyRegexError, replaceInText } from './util/text-edit.js';
import { applyTextEdit, FILE_COMMON_PARAMS, planTextEdit, probeTextFile, TextFileError, type TextAction, type TextFileParams, type TextFileState, type TextPlan } from './util/text-file.js';

/**
 * replace: every match of a regexp (Python re, MULTILINE) replaced, optionally only between `after`
 * and `before`; Ansible's main() as a pure function (util/text-edit.ts). ONE round trip to probe,
 * ONE to write atomically.
 */
export interface ReplaceParams extends TextFileParams {
  regexp: string;
  replace: string;
  after?: string;
  before?: string;
  encoding: string;
}

export function planReplace(p: ReplaceParams, s: TextFileState): TextPlan {
  if (p.validate !== undefined && !p.validate.includes('%s')) throw new ModuleArgsError(`replace: validate must contain %s: ${p.validate}`);
  if (!/^utf-?8$/i.test(p.encoding)) throw new ModuleArgsError(`replace: encoding ${p.encoding} is not supported (only utf-8)`);
  if (s.file.exists && s.file.type === 'directory') throw new TextFileError(`Path ${p.path} is a directory !`, 256);
  if (!s.file.exists) throw new TextFileError(`Path ${p.path} does not exist !`, 257);
  if (s.file.type !== 'file') throw new TextFileError(`Path ${p.path} is not a regular file`);
  try {
    const r = replaceInText(s.text ?? '', p);
    if (r.sectionMissing !== undefined) return { actions: [], msg: r.msg, result: { changed: false, msg: r.msg, rc: 0 }, backupKey: 'backup_file' };
    return planTextEdit(p, s, { ...r, extra: { rc: 0 } }, 'backup_file', p.path);
  } catch (e) {
    if (e instanceof PyRegexError) throw new ModuleArgsError(`replace: ${e.message}`);
    throw e;
  }
}

export const replace: ModuleDefinition<ReplaceParams, TextFileState, TextAction> = {
  name: 'replace',
  aliases: ['ansible.builtin.replace', 'ansible.legacy.replace'],
  params: {
    path: { type: 'path', required: true, aliases: ['dest', 'destfile', 'name'] },
    regexp: { type: 'str', required: true },
    replace: { type: 'str', default: '' },
    after: { type: 'str' },
    before: { type: 'str' },
    encoding: { type: 'str', default: 'utf-8' },
    ...FILE_COMMON_PARAMS,
  },
  probe: probeTextFile,
  plan: planReplace,
  apply: applyTextEdit,
};
