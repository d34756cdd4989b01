/**
 * Ansible's lookup plugins, run on the controller: file, env, template, pipe, lines, fileglob,
 * password, items, list, dict, sequence, first_found, vars, nested, together, indexed_items,
 * subelements, random_choice. Each returns a list; lookup() joins it, query() returns it.
 */
import { createHash, randomInt } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { shlexSplit } from '../util/shlex.js';
import { passwordHash, randomSalt } from './crypt.js';
import { TemplateError } from './errors.js';
import { expandUser, pyBasename, pyDirname } from './filters/paths.js';
import { percentFormat } from './pyformat.js';
import { isDict, pyRepr, pyStr, toInt, truthy } from './python.js';
import type { CallContext, LookupDef } from './types.js';
import { Undefined } from './undefined.js';

type Kwargs = Record<string, unknown>;

/** Ansible's search for a lookup's relative path: role dirs, then the playbook's `files/` (or `templates/`) and the playbook dir. */
export function findFile(ctx: CallContext, subdir: string, term: string): string | undefined {
  const name = expandUser(term);
  if (isAbsolute(name)) return existsSync(name) ? name : undefined;
  const candidates: string[] = [];
  for (const dir of ctx.searchPaths) candidates.push(join(dir, name), join(dir, subdir, name));
  candidates.push(join(ctx.baseDir, subdir, name), join(ctx.baseDir, name));
  return candidates.map((c) => resolve(c)).find((c) => existsSync(c));
}

function kv(text: string): { words: string[]; params: Kwargs } {
  const words: string[] = [];
  const params: Kwargs = {};
  for (const word of shlexSplit(text)) {
    const eq = word.indexOf('=');
    if (eq > 0 && /^\w+$/.test(word.slice(0, eq))) params[word.slice(0, eq)] = word.slice(eq + 1);
    else words.push(word);
  }
  return { words, params };
}

function run(command: string, cwd: string): { code: number; stdout: string } {
  const r = spawnSync('/bin/sh', ['-c', command], { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new TemplateError(`could not run '${command}': ${r.error.message}`);
  return { code: r.status ?? 1, stdout: r.stdout };
}

function strings(terms: unknown[], lookup: string): string[] {
  return terms.map((t) => {
    if (t instanceof Undefined) throw t.error();
    if (typeof t !== 'string') throw new TemplateError(`lookup '${lookup}' expects strings, got ${pyRepr(t)}`);
    return t;
  });
}

/** Python's fnmatch as glob uses it: *, ?, [seq], [!seq]; `*` does not match a leading dot. */
function globRegex(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        let body = pattern.slice(i + 1, end);
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        re += `[${body.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's');
}

function glob(dir: string, pattern: string): string[] {
  if (!/[*?[]/.test(pattern)) {
    const p = join(dir, pattern);
    return existsSync(p) && statSync(p).isFile() ? [p] : [];
  }
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  const re = globRegex(pattern);
  return entries
    .filter((e) => re.test(e) && (pattern.startsWith('.') || !e.startsWith('.')))
    .map((e) => join(dir, e))
    .filter((p) => {
      try {
        return statSync(p).isFile();
      } catch {
        return false;
      }
    })
    .sort();
}

const CHARSETS: Record<string, string> = {
  ascii_letters: 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ',
  ascii_lowercase: 'abcdefghijklmnopqrstuvwxyz',
  ascii_uppercase: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  digits: '0123456789',
  hexdigits: '0123456789abcdefABCDEF',
  octdigits: '01234567',
  punctuation: '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~',
  whitespace: ' \t\n\r\x0b\x0c',
};
CHARSETS.printable = CHARSETS.digits! + CHARSETS.ascii_letters! + CHARSETS.punctuation! + CHARSETS.whitespace!;

function candidateChars(spec: unknown): string {
  let parts: string[];
  if (Array.isArray(spec)) parts = spec.map(String);
  else {
    const s = String(spec);
    parts = s.includes(',,') ? [','] : [];
    parts.push(...s.replace(/,,/g, ',').split(',').filter((c) => c));
  }
  const chars = parts.map((p) => CHARSETS[p] ?? p).join('').replace(/["']/g, '');
  if (!chars) throw new TemplateError('password lookup: no characters to choose from');
  return chars;
}

function randomPassword(length: number, chars: string, seed?: string): string {
  let out = '';
  if (seed === undefined) {
    for (let i = 0; i < length; i++) out += chars[randomInt(chars.length)];
    return out;
  }
  let counter = 0;
  while (out.length < length) {
    const block = createHash('sha256').update(`${seed}\0${counter++}`).digest();
    for (let i = 0; i + 1 < block.length && out.length < length; i += 2) {
      out += chars[block.readUInt16BE(i) % chars.length];
    }
  }
  return out;
}

const PASSWORD_PARAMS = ['length', 'encrypt', 'chars', 'ident', 'seed'];

function passwordLookup(terms: unknown[], kwargs: Kwargs, ctx: CallContext): unknown[] {
  return strings(terms, 'password').map((term) => {
    const space = term.indexOf(' ');
    const pathPart = space < 0 ? term : term.slice(0, space);
    const { words, params } = space < 0 ? { words: [], params: {} as Kwargs } : kv(term.slice(space + 1));
    const relpath = [pathPart, ...words].join(' ');
    const options: Kwargs = { ...kwargs, ...params };
    for (const key of Object.keys(params)) {
      if (!PASSWORD_PARAMS.includes(key)) throw new TemplateError(`Unrecognized parameter(s) given to password lookup: ${key}`);
    }
    const length = toInt(options.length ?? 20) ?? 20;
    const chars = candidateChars(options.chars ?? ['ascii_letters', 'digits', '.,:-_']);
    const encrypt = options.encrypt === undefined || options.encrypt === null ? undefined : String(options.encrypt);
    const seed = options.seed === undefined || options.seed === null ? undefined : pyStr(options.seed);
    const file = resolve(ctx.baseDir, expandUser(relpath));
    const devNull = file === '/dev/null';
    let content: string | undefined;
    if (!devNull && existsSync(file)) content = readFileSync(file, 'utf8').trimEnd();
    let password: string;
    let salt: string | undefined;
    let changed = false;
    if (content === undefined || devNull) {
      password = randomPassword(length, chars, seed);
      changed = true;
    } else {
      const at = content.lastIndexOf(' salt=');
      if (at >= 0) {
        password = content.slice(0, at);
        salt = content.slice(at + 6).replace(/ ident=.*$/, '');
      } else {
        password = content;
      }
    }
    if (encrypt && !salt) {
      salt = randomSalt(encrypt.startsWith('md5') ? 8 : 16);
      changed = true;
    }
    if (changed && !devNull) {
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      writeFileSync(file, `${encrypt ? `${password} salt=${salt}` : password}\n`, { mode: 0o600 });
      chmodSync(file, 0o600);
    }
    return encrypt ? passwordHash(password, encrypt, salt) : password;
  });
}

function sequenceRun(start: number, end: number, stride: number, format: string): string[] {
  const out: string[] = [];
  if (stride === 0) return out;
  const adjust = stride > 0 ? 1 : -1;
  for (let i = start; stride > 0 ? i < end + adjust : i > end + adjust; i += stride) out.push(percentFormat(format, i));
  return out;
}

function sequenceOne(spec: Kwargs | string): string[] {
  let start = 1;
  let end: number | undefined;
  let count: number | undefined;
  let stride = 1;
  let format = '%d';
  const int = (name: string, value: unknown): number => {
    const n = toInt(value, 0);
    if (n === undefined) throw new TemplateError(`can't parse ${name}=${pyStr(value)} as integer`);
    return n;
  };
  const short = typeof spec === 'string' ? /^((0?x?[0-9a-f]+)-)?(0?x?[0-9a-f]+)(\/(0?x?[0-9a-f]+))?(:(.+))?$/i.exec(spec) : null;
  if (short) {
    if (short[2] !== undefined) start = int('start', short[2]);
    end = int('end', short[3]);
    if (short[5] !== undefined) stride = int('stride', short[5]);
    if (short[7] !== undefined) format = short[7];
  } else {
    const params: Kwargs = typeof spec === 'string' ? kv(spec).params : { ...spec };
    for (const key of ['start', 'end', 'count', 'stride']) {
      if (params[key] === undefined || params[key] === null) continue;
      const n = int(key, params[key]);
      if (key === 'start') start = n;
      else if (key === 'end') end = n;
      else if (key === 'count') count = n;
      else stride = n;
      delete params[key];
    }
    if (params.format !== undefined) {
      format = String(params.format);
      delete params.format;
    }
    const extra = Object.keys(params);
    if (extra.length) throw new TemplateError(`unrecognized arguments to with_sequence: ${pyRepr(extra)}`);
  }
  if (count === undefined && end === undefined) throw new TemplateError('must specify count or end in with_sequence');
  if (count !== undefined && end !== undefined) throw new TemplateError("can't specify both count and end in with_sequence");
  if (count !== undefined) {
    if (count !== 0) end = start + count * stride - 1;
    else {
      start = 0;
      end = 0;
      stride = 0;
    }
  }
  if (stride > 0 && end! < start) throw new TemplateError('to count backwards make stride negative');
  if (stride < 0 && end! > start) throw new TemplateError("to count forward don't make stride negative");
  if ((format.match(/%/g) ?? []).length !== 1) throw new TemplateError(`bad formatting string: ${format}`);
  return sequenceRun(start, end!, stride, format);
}

function splitList(value: unknown, separators: RegExp): string[] {
  if (Array.isArray(value)) return value.flatMap((v) => splitList(v, separators));
  if (value === null || value === undefined) return [];
  return pyStr(value)
    .split(separators)
    .map((s) => s.trim())
    .filter((s) => s);
}

function firstFound(terms: unknown[], kwargs: Kwargs, ctx: CallContext): unknown[] {
  let files: string[] = [];
  let paths: string[] = [];
  let skip = truthy(kwargs.skip ?? false);
  const add = (spec: unknown): void => {
    if (isDict(spec)) {
      files.push(...splitList(spec.files ?? spec.file, /[,;]/));
      paths.push(...splitList(spec.paths ?? spec.path, /[,;:]/));
      if ('skip' in spec) skip = truthy(spec.skip);
    } else if (Array.isArray(spec)) spec.forEach(add);
    else if (typeof spec === 'string') files.push(spec);
    else if (spec instanceof Undefined) throw spec.error();
  };
  terms.forEach(add);
  if (kwargs.files !== undefined) files = [...splitList(kwargs.files, /[,;]/), ...files];
  if (kwargs.paths !== undefined) paths = [...splitList(kwargs.paths, /[,;:]/), ...paths];
  const candidates = paths.length ? paths.flatMap((p) => files.map((f) => join(p, f))) : files;
  for (const candidate of candidates) {
    const found = findFile(ctx, 'files', candidate);
    if (found) return [found];
  }
  if (skip) return [];
  throw new TemplateError('No file was found when using first_found.');
}

function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

const LOOKUPS: Record<string, LookupDef> = {
  file: {
    fn: (terms, kwargs, ctx) =>
      strings(terms, 'file').map((term) => {
        const found = findFile(ctx, 'files', term);
        if (!found || !statSync(found).isFile()) throw new TemplateError(`could not locate file in lookup: ${term}`);
        let text = readFileSync(found, 'utf8');
        if (truthy(kwargs.lstrip ?? false)) text = text.trimStart();
        if (truthy(kwargs.rstrip ?? true)) text = text.trimEnd();
        return text;
      }),
  },
  env: {
    fn: (terms, kwargs) =>
      strings(terms, 'env').map((name) => {
        const value = process.env[name];
        if (value !== undefined) return value;
        if (kwargs.default instanceof Undefined) throw kwargs.default.error();
        return kwargs.default ?? '';
      }),
  },
  template: {
    fn: (terms, kwargs, ctx) =>
      strings(terms, 'template').map((term) => {
        const found = findFile(ctx, 'templates', term);
        if (!found) throw new TemplateError(`the template file ${term} could not be found for the lookup`);
        const extra = kwargs.template_vars;
        return ctx.renderFile(found, isDict(extra) ? extra : undefined);
      }),
  },
  pipe: {
    fn: (terms, _kwargs, ctx) =>
      strings(terms, 'pipe').map((term) => {
        const { code, stdout } = run(term, ctx.baseDir);
        if (code !== 0) throw new TemplateError(`lookup_plugin.pipe(${term}) returned ${code}`);
        return stdout.trimEnd();
      }),
  },
  lines: {
    fn: (terms, _kwargs, ctx) =>
      strings(terms, 'lines').flatMap((term) => {
        const { code, stdout } = run(term, ctx.baseDir);
        if (code !== 0) throw new TemplateError(`lookup_plugin.lines(${term}) returned ${code}`);
        const lines = stdout.split(/\r\n|\r|\n/);
        if (lines[lines.length - 1] === '') lines.pop();
        return lines;
      }),
  },
  fileglob: {
    fn: (terms, _kwargs, ctx) =>
      strings(terms, 'fileglob').flatMap((term) => {
        const pattern = pyBasename(term);
        const dirs: string[] = [];
        if (pattern !== term) {
          const found = findFile(ctx, 'files', pyDirname(term) || '.');
          if (found) dirs.push(found);
        } else {
          for (const dir of [...ctx.searchPaths, ctx.baseDir]) dirs.push(join(dir, 'files'), dir);
        }
        for (const dir of dirs) {
          const matches = glob(dir, pattern);
          if (matches.length) return matches;
        }
        return [];
      }),
  },
  password: { fn: passwordLookup },
  items: { fn: (terms) => terms.flatMap(listOf) },
  list: { fn: (terms) => terms },
  flattened: {
    fn: (terms) => {
      const out: unknown[] = [];
      const walk = (v: unknown): void => (Array.isArray(v) ? v.forEach(walk) : void out.push(v));
      walk(terms);
      return out;
    },
  },
  dict: {
    fn: (terms) =>
      terms.flatMap((term) => {
        if (!isDict(term)) throw new TemplateError(`with_dict expects a dict, got ${pyRepr(term)}`);
        return Object.keys(term).map((key) => ({ key, value: term[key] }));
      }),
  },
  sequence: {
    fn: (terms, kwargs) => {
      if (!terms.length) return sequenceOne(kwargs);
      return terms.flatMap((term) => sequenceOne(isDict(term) ? term : pyStr(term)));
    },
  },
  first_found: { fn: firstFound },
  vars: {
    fn: (terms, kwargs, ctx) =>
      strings(terms, 'vars').map((name) => {
        const value = ctx.variable(name);
        if (!(value instanceof Undefined)) return value;
        if ('default' in kwargs) return kwargs.default;
        throw new TemplateError(`No variable found with this name: ${name}`, { variable: name });
      }),
  },
  nested: {
    fn: (terms) => {
      const lists = (terms.length === 1 && Array.isArray(terms[0]) && (terms[0] as unknown[]).every(Array.isArray) ? (terms[0] as unknown[]) : terms).map(listOf);
      if (!lists.length) throw new TemplateError('with_nested requires at least one element in the nested list');
      let out: unknown[][] = [[]];
      for (const list of lists) out = out.flatMap((prefix) => list.map((x) => [...prefix, x]));
      return out;
    },
  },
  together: {
    fn: (terms) => {
      const lists = terms.map(listOf);
      if (!lists.length) throw new TemplateError('with_together requires at least one element in each list');
      const n = Math.max(...lists.map((l) => l.length));
      return Array.from({ length: n }, (_, i) => lists.map((l) => (i < l.length ? l[i] : null)));
    },
  },
  indexed_items: { fn: (terms) => terms.flatMap(listOf).map((item, i) => [i, item]) },
  subelements: {
    fn: (terms, kwargs, ctx) => {
      const [obj, key, flags] = terms;
      const skip = truthy((isDict(flags) ? flags.skip_missing : undefined) ?? kwargs.skip_missing ?? false);
      return ctx.filter('subelements', obj, [key], { skip_missing: skip }) as unknown[];
    },
  },
  random_choice: { fn: (terms) => (terms.length ? [terms[randomInt(terms.length)]] : []) },
};

function build(): Map<string, LookupDef> {
  const all = new Map<string, LookupDef>();
  for (const [name, def] of Object.entries(LOOKUPS)) {
    all.set(name, def);
    all.set(`ansible.builtin.${name}`, def);
  }
  return all;
}

export const LOOKUP_REGISTRY: ReadonlyMap<string, LookupDef> = build();

/**
 * Run a lookup as Ansible's templar does: `wantlist` (query) returns the list; otherwise a list
 * of strings is joined with commas, a single other value returned alone, anything else as the list.
 * `errors='ignore'|'warn'` turns a failure into None (or []).
 */
export function runLookup(name: string, terms: unknown[], kwargs: Kwargs, ctx: CallContext, wantlist: boolean): unknown {
  const def = LOOKUP_REGISTRY.get(name);
  if (!def) throw new TemplateError(`lookup plugin (${name}) not found`);
  const options = { ...kwargs };
  const errors = options.errors === undefined ? 'strict' : pyStr(options.errors);
  delete options.errors;
  if ('wantlist' in options) {
    wantlist = truthy(options.wantlist);
    delete options.wantlist;
  }
  for (const term of terms) if (term instanceof Undefined) throw term.error();
  let ran: unknown[];
  try {
    ran = def.fn(terms, options, ctx);
  } catch (err) {
    if (errors === 'ignore' || errors === 'warn') return wantlist ? [] : null;
    if (err instanceof TemplateError) throw err;
    throw new TemplateError(`An unhandled exception occurred while running the lookup plugin '${name}'. Error was: ${(err as Error).message}`);
  }
  if (wantlist || !ran.length) return ran;
  if (ran.every((r) => typeof r === 'string')) return ran.join(',');
  return ran.length === 1 ? ran[0] : ran;
}
