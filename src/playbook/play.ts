/** One play: its keywords, vars, roles, task sections and handlers. */
import { looksLikeModule } from './action.js';
import type { LoadCtx, PlayState } from './context.js';
import type { At, Collector } from './errors.js';
import { ORDERS, PLAY_KEYWORDS, Values, isIdentifier, isTemplated, listOf, readCommon, suggest } from './keywords.js';
import type { HandlerNode, Node, Play, Strategy, VarPrompt } from './model.js';
import { isHandlerNode } from './model.js';
import { expandRoleEntry } from './roles.js';
import { parseTaskList } from './task.js';
import { entries, isNull, isSeq, items, js, posOf, typeName, type SourceFile, type YNode } from './yaml-source.js';
import { withArticle } from '../util/article.js';

const SECTIONS = ['pre_tasks', 'roles', 'tasks', 'post_tasks', 'handlers'] as const;

/** serial: a number, a percentage, or a list of them (batch sizes). */
function readSerial(value: unknown, c: LoadCtx['c'], at: At): (number | string)[] | undefined {
  if (value === null || value === undefined) return undefined;
  const list = Array.isArray(value) ? value : [value];
  const out: (number | string)[] = [];
  for (const s of list) {
    if (typeof s === 'number' && Number.isInteger(s) && s >= 0) out.push(s);
    else if (typeof s === 'string' && /^\s*\d+(\.\d+)?%\s*$/.test(s)) out.push(s.trim());
    else if (typeof s === 'string' && /^\s*\d+\s*$/.test(s)) out.push(Number(s));
    else if (typeof s === 'string' && isTemplated(s)) out.push(s);
    else {
      c.error(`serial must be a number, a percentage ("30%") or a list of them, got ${typeName(s)} ${JSON.stringify(s)}`, { ...at, hint: 'e.g. serial: 1, serial: "25%", serial: [1, 5, "50%"]' });
      return undefined;
    }
  }
  return out;
}

const PROMPT_KEYS = ['name', 'prompt', 'default', 'private', 'confirm', 'encrypt', 'salt', 'salt_size', 'unsafe'];
const ENCRYPT_TYPES = ['sha512_crypt', 'sha256_crypt', 'md5_crypt'];

/** vars_prompt: a list of {name, prompt, default, private, confirm, encrypt, salt, salt_size}. */
function readVarsPrompt(value: unknown, v: Values, c: Collector, at: At): VarPrompt[] | undefined {
  if (value === null || value === undefined) return undefined;
  if (!Array.isArray(value)) {
    c.error(`vars_prompt must be a list of prompts, got ${typeName(value)}`, { ...at, hint: 'e.g. vars_prompt: [{name: username, prompt: "User name", private: false}]' });
    return undefined;
  }
  const out: VarPrompt[] = [];
  for (const entry of value) {
    if (!entry || typeof entry !== 'object' || Array.isArray(entry)) {
      c.error(`each vars_prompt entry must be a mapping with at least name, got ${typeName(entry)} ${JSON.stringify(entry)}`, at);
      continue;
    }
    const e = entry as Record<string, unknown>;
    for (const k of Object.keys(e)) if (!PROMPT_KEYS.includes(k)) c.error(`"${k}" is not a valid vars_prompt key${suggest(k, PROMPT_KEYS)}`, { ...at, hint: `valid keys: ${PROMPT_KEYS.join(', ')}` });
    const name = v.str('vars_prompt name', e.name);
    if (!name || !isIdentifier(name)) {
      c.error(`vars_prompt entry needs a name that is a valid variable name, got ${JSON.stringify(e.name)}`, at);
      continue;
    }
    const encrypt = e.encrypt === undefined || e.encrypt === null ? undefined : v.str('vars_prompt encrypt', e.encrypt);
    if (encrypt !== undefined && !ENCRYPT_TYPES.includes(encrypt)) c.error(`vars_prompt encrypt must be one of ${ENCRYPT_TYPES.join(', ')}, got "${encrypt}"`, at);
    const priv = v.bool('vars_prompt private', e.private);
    const confirm = v.bool('vars_prompt confirm', e.confirm);
    const saltSize = e.salt_size === undefined ? undefined : v.int('vars_prompt salt_size', e.salt_size);
    out.push({
      name,
      prompt: v.str('vars_prompt prompt', e.prompt) ?? name,
      ...(e.default !== undefined ? { default: e.default } : {}),
      private: priv === undefined ? true : priv === true || priv === 'true',
      confirm: confirm === true,
      ...(encrypt ? { encrypt } : {}),
      ...(typeof e.salt === 'string' ? { salt: e.salt } : {}),
      ...(typeof saltSize === 'number' ? { salt_size: saltSize } : {}),
    });
  }
  return out;
}

/** Parses one play mapping; `dir` is the absolute directory of its playbook file. */
export async function parsePlay(node: YNode, src: SourceFile, ctx: LoadCtx, dir: string): Promise<Play | undefined> {
  const c = ctx.c;
  const pos = posOf(src, node);
  const es = entries(src, node, c);
  const nameEntry = es.find((e) => e.key === 'name');
  const nameValue = nameEntry ? js(src, nameEntry.value) : undefined;
  const label = typeof nameValue === 'string' ? nameValue : undefined;
  const play: Play = {
    pos,
    name: '',
    hosts: '',
    gather_facts: true,
    vars_files: [],
    strategy: 'linear',
    pre_tasks: [],
    roles: [],
    tasks: [],
    post_tasks: [],
    handlers: [],
    dir,
  };
  const state: PlayState = { roleSeen: new Set(), importedRoleHandlers: [] };
  const pctx: LoadCtx = { ...ctx, play: state };
  const sectionNodes = new Map<(typeof SECTIONS)[number], { node: YNode | null; at: At }>();
  let hostsSeen = false;
  let userEntry: At | undefined;
  let remoteUserSeen = false;

  // A task written where a play should be: say so instead of listing every unknown keyword.
  if (!es.some((e) => e.key === 'hosts') && es.some((e) => !PLAY_KEYWORDS.has(e.key) && looksLikeModule(e.key))) {
    const mod = es.find((e) => !PLAY_KEYWORDS.has(e.key) && looksLikeModule(e.key))!;
    c.error(`this looks like a task (module "${mod.key}"), but a playbook is a list of plays`, {
      pos,
      task: label,
      hint: 'put tasks under a play: "- hosts: all\\n  tasks:\\n    - name: ..."',
    });
    return undefined;
  }

  for (const e of es) {
    const at: At = { pos: e.pos, task: label };
    const v = new Values(c, at);
    const value = js(src, e.value);
    if ((SECTIONS as readonly string[]).includes(e.key)) {
      sectionNodes.set(e.key as (typeof SECTIONS)[number], { node: e.value, at });
      continue;
    }
    switch (e.key) {
      case 'name': {
        const s = v.str('name', value);
        if (s !== undefined) play.name = s;
        continue;
      }
      case 'hosts': {
        hostsSeen = true;
        if (Array.isArray(value)) {
          const parts = value.map((h) => (typeof h === 'string' || typeof h === 'number' ? String(h).trim() : undefined));
          if (parts.some((h) => h === undefined)) c.error('hosts must be a host pattern or a list of them (strings)', at);
          else play.hosts = (parts as string[]).filter(Boolean).join(',');
        } else if (typeof value === 'string' || typeof value === 'number') play.hosts = String(value).trim();
        else if (value !== null) c.error(`hosts must be a host pattern (e.g. all, webservers, "web:&prod") or a list of them, got ${withArticle(typeName(value))}`, at);
        continue;
      }
      case 'gather_facts': {
        const b = v.bool('gather_facts', value);
        if (b !== undefined) play.gather_facts = b;
        play.gather_facts_set = true;
        continue;
      }
      case 'gather_subset': {
        const s = v.strings('gather_subset', typeof value === 'string' ? value.split(',').map((x) => x.trim()) : value);
        if (s) play.gather_subset = s;
        continue;
      }
      case 'gather_timeout': {
        const n = v.int('gather_timeout', value);
        if (n !== undefined) play.gather_timeout = n;
        continue;
      }
      case 'fact_path': {
        const s = v.str('fact_path', value);
        if (s !== undefined) play.fact_path = s;
        continue;
      }
      case 'vars_files': {
        if (value === null) continue;
        const list = Array.isArray(value) ? value : [value];
        for (const f of list) {
          if (typeof f === 'string') play.vars_files.push(f);
          else if (Array.isArray(f) && f.every((x) => typeof x === 'string')) play.vars_files.push(f as string[]);
          else c.error(`vars_files must be a list of file names (or of lists of them, the first found is used), got ${typeName(f)} ${JSON.stringify(f)}`, at);
        }
        continue;
      }
      case 'vars_prompt': {
        const prompts = readVarsPrompt(value, v, c, at);
        if (prompts) play.vars_prompt = prompts;
        continue;
      }
      case 'serial': {
        const s = readSerial(value, c, at);
        if (s) play.serial = s;
        continue;
      }
      case 'strategy': {
        const s = v.str('strategy', value);
        if (s === 'linear' || s === 'free') play.strategy = s as Strategy;
        else if (s !== undefined) c.error(`strategy "${s}" is not supported`, { ...at, hint: 'fleet has the linear (default) and free strategies' });
        continue;
      }
      case 'order': {
        const s = v.str('order', value);
        if (s !== undefined) {
          if ((ORDERS as readonly string[]).includes(s)) play.order = s as Play['order'];
          else c.error(`order must be one of ${ORDERS.join(', ')}, got "${s}"${suggest(s, ORDERS)}`, at);
        }
        continue;
      }
      case 'max_fail_percentage': {
        const n = v.int('max_fail_percentage', typeof value === 'string' ? value.replace(/%\s*$/, '') : value);
        if (n !== undefined) {
          if (typeof n === 'number' && (n < 0 || n > 100)) c.error(`max_fail_percentage must be between 0 and 100, got ${n}`, at);
          play.max_fail_percentage = n;
        }
        continue;
      }
      case 'force_handlers': {
        const b = v.bool('force_handlers', value);
        if (b !== undefined) play.force_handlers = b;
        continue;
      }
      case 'user': {
        userEntry = at;
        const s = v.str('user', value);
        if (s !== undefined && play.remote_user === undefined) play.remote_user = s;
        continue;
      }
      case 'remote_user': {
        remoteUserSeen = true;
        const s = v.str('remote_user', value);
        if (s !== undefined) play.remote_user = s;
        continue;
      }
    }
    if (PLAY_KEYWORDS.has(e.key)) {
      if (!readCommon(e.key, value, play, v, c, at)) c.error(`${e.key} is not supported by fleet on a play`, at);
      continue;
    }
    const hint = e.key === 'when' ? 'a play has no when:; put the condition on a block or on the tasks (or on an import_playbook)' : `valid play keywords: ${listOf(PLAY_KEYWORDS)}`;
    c.error(`"${e.key}" is not a valid keyword for a play${suggest(e.key, PLAY_KEYWORDS)}`, { ...at, hint });
  }
  if (userEntry && remoteUserSeen) c.error('both user and remote_user are set: user is the old name of remote_user, keep one', userEntry);
  if (!hostsSeen) {
    c.error('the play has no hosts: every play needs hosts (a host pattern such as all, webservers or "web:&prod")', {
      pos,
      task: label,
      hint: 'add "hosts: all" (or a group name) to the play',
    });
  } else if (!play.hosts) {
    c.error('hosts is empty: every play needs a host pattern', { pos: es.find((e) => e.key === 'hosts')!.pos, task: label, hint: 'e.g. hosts: all' });
  }
  if (!play.name) play.name = play.hosts;

  const scopeBase = { src, dir, handlers: false, chain: [] as string[] };
  const roleHandlers: HandlerNode[] = [];
  const rolesSection = sectionNodes.get('roles');
  if (rolesSection && !isNull(rolesSection.node)) {
    if (!isSeq(rolesSection.node)) {
      c.error(`roles must be a list of roles, got ${withArticle(typeName(js(src, rolesSection.node)))}`, rolesSection.at);
    } else {
      for (const item of items(src, rolesSection.node)) {
        const r = await expandRoleEntry(item, src, pctx);
        if (r.block) play.roles.push(r.block);
        roleHandlers.push(...r.handlers);
      }
    }
  }
  for (const section of ['pre_tasks', 'tasks', 'post_tasks'] as const) {
    const s = sectionNodes.get(section);
    if (s) play[section] = await parseTaskList(s.node, scopeBase, pctx, section, s.at);
  }
  const h = sectionNodes.get('handlers');
  const own = h ? ((await parseTaskList(h.node, { ...scopeBase, handlers: true }, pctx, 'handlers', h.at)) as Node[]) : [];
  // Ansible: handlers of roles: first, then the play's own, then those of imported roles.
  play.handlers = [...roleHandlers, ...own.filter(isHandlerNode), ...state.importedRoleHandlers];
  return play;
}
