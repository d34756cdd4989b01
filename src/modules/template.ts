import { readFileSync, statSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { basename } from 'node:path';
import type { ModuleContext, ModuleDefinition } from './types.js';
import { copy, planCopy, probeSingle, type CopyAction, type CopyParams, type CopyState } from './copy.js';
import { findLocal } from './util/local-files.js';
import { ModuleFailure } from './util/file-attrs.js';

/**
 * template: renders a controller template (found in role templates/, playbook templates/, playbook
 * dir) with the task's variables — `.hbs` with Handlebars, anything else as Jinja, both through the
 * executor's ctx.renderTemplate — then puts the text in place exactly as copy does with `content`
 * (same probe: ONE round trip; same atomic write: ONE round trip).
 */
export interface TemplateParams {
  src: string;
  dest: string;
  mode?: string | number;
  owner?: string;
  group?: string;
  backup: boolean;
  validate?: string;
  force: boolean;
  follow: boolean;
  trim_blocks: boolean;
  lstrip_blocks: boolean;
  newline_sequence: '\n' | '\r' | '\r\n';
  output_encoding: string;
}

/** ansible-core's DEFAULT_MANAGED_STR. */
export const DEFAULT_MANAGED = 'Ansible managed';

/** Python's str(datetime.now()): `2024-05-01 12:34:56.789000`. */
function pyNow(d = new Date()): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}000`;
}

function asCopy(p: TemplateParams): CopyParams {
  return {
    dest: p.dest,
    remote_src: false,
    ...(p.mode !== undefined ? { mode: p.mode } : {}),
    ...(p.owner !== undefined ? { owner: p.owner } : {}),
    ...(p.group !== undefined ? { group: p.group } : {}),
    backup: p.backup,
    force: p.force,
    ...(p.validate !== undefined ? { validate: p.validate } : {}),
    follow: p.follow,
    local_follow: true,
    decrypt: true,
  };
}

/** The variables Ansible's template action adds for the template. */
export function templateVars(ctx: Pick<ModuleContext, 'host' | 'vars'>, p: TemplateParams, fullpath: string): Record<string, unknown> {
  let owner: number | undefined;
  let mtime: Date | undefined;
  try {
    const st = statSync(fullpath);
    owner = st.uid;
    mtime = st.mtime;
  } catch {
    // a template given by content only (tests); Ansible always has the file
  }
  const vars = ctx.vars ?? {};
  const managed = Object.hasOwn(vars, 'ansible_managed') ? vars.ansible_managed : DEFAULT_MANAGED;
  // As Ansible's template action, which runs on the controller: its host name, the file's owner and time.
  return {
    template_host: hostname(),
    template_path: p.src,
    template_fullpath: fullpath,
    template_destpath: p.dest,
    template_uid: owner === undefined ? currentUser() : userName(owner),
    ...(mtime ? { template_mtime: pyNow(mtime) } : {}),
    template_run_date: pyNow(),
    ansible_managed: managed,
  };
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return String(process.getuid?.() ?? '');
  }
}

/** The login name of a uid on this machine (pwd.getpwuid), else the number. */
function userName(uid: number): string {
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const [name, , id] = line.split(':');
      if (name && Number(id) === uid) return name;
    }
  } catch {
    // no passwd file: the number, as Ansible does when the uid has no name
  }
  return String(uid);
}

/** Renders the template on the controller (text), with newline_sequence applied. */
export function renderTemplateFile(ctx: ModuleContext, p: TemplateParams): { text: string; fullpath: string; mode: number } {
  const found = findLocal(ctx.searchPaths, 'templates', p.src);
  if (!found.path) throw new ModuleFailure(`Could not find or access '${p.src}'\nSearched in:\n${found.tried.map((t) => `\t${t}`).join('\n')}`);
  if (!ctx.renderTemplate) throw new ModuleFailure('template: no template renderer here (the template module runs in playbooks)');
  const source = readFileSync(found.path, 'utf8');
  let text = ctx.renderTemplate(source, {
    fileName: found.path,
    trimBlocks: p.trim_blocks,
    lstripBlocks: p.lstrip_blocks,
    extraVars: templateVars(ctx, p, found.path),
  });
  if (p.newline_sequence !== '\n') text = text.replace(/\r\n|\r|\n/g, p.newline_sequence);
  return { text, fullpath: found.path, mode: statSync(found.path).mode & 0o7777 };
}

async function probe(ctx: ModuleContext, p: TemplateParams): Promise<CopyState> {
  const { text, fullpath, mode } = renderTemplateFile(ctx, p);
  return probeSingle(ctx, asCopy(p), { src: fullpath, content: Buffer.from(text, 'utf8'), mode }, basename(p.src));
}

export const template: ModuleDefinition<TemplateParams, CopyState, CopyAction> = {
  name: 'template',
  aliases: ['ansible.builtin.template', 'ansible.legacy.template'],
  params: {
    src: { type: 'path', required: true },
    dest: { type: 'path', required: true },
    mode: { type: 'raw' },
    owner: { type: 'str' },
    group: { type: 'str' },
    backup: { type: 'bool', default: false },
    validate: { type: 'str' },
    force: { type: 'bool', default: true },
    follow: { type: 'bool', default: false },
    trim_blocks: { type: 'bool', default: true },
    lstrip_blocks: { type: 'bool', default: false },
    newline_sequence: { type: 'str', default: '\n', choices: ['\n', '\r', '\r\n'] },
    output_encoding: { type: 'str', default: 'utf-8', choices: ['utf-8', 'utf8'] },
    unsafe_writes: { type: 'bool', default: false },
    attributes: { type: 'str', aliases: ['attr'] },
    selevel: { type: 'str' },
    serole: { type: 'str' },
    setype: { type: 'str' },
    seuser: { type: 'str' },
  },
  probe,
  plan: (p, s) => planCopy(asCopy(p), s),
  apply: (ctx, p, plan) => copy.apply(ctx, asCopy(p), plan),
};
