/**
 * The password lookup: `path [length=N] [chars=...] [encrypt=...] [seed=...]` reads the password
 * kept in PATH on the controller, or makes a random one and keeps it there (directories 0700, the
 * file 0600, written to a temporary file beside it and renamed into place, so a reader never sees
 * half a file). `/dev/null` gives a new password each time and keeps nothing. With `encrypt`, the
 * file holds `password salt=SALT` and the lookup returns the crypt hash.
 */
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { chmodSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { passwordHash, randomSalt } from './crypt.js';
import { TemplateError } from './errors.js';
import { expandUser } from './filters/paths.js';
import { kvWords } from './lookup-kv.js';
import { pyStr, toInt } from './python.js';
import type { CallContext, LookupDef } from './types.js';
import { Undefined } from './undefined.js';

type Kwargs = Record<string, unknown>;

/** Writes the file whole or not at all: a temporary file in the same directory, then rename. */
function writePasswordFile(file: string, content: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(fd);
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

function strings(terms: unknown[]): string[] {
  return terms.map((t) => {
    if (t instanceof Undefined) throw t.error();
    if (typeof t !== 'string') throw new TemplateError(`lookup 'password' expects strings, got ${pyStr(t)}`);
    return t;
  });
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
  return strings(terms).map((term) => {
    const space = term.indexOf(' ');
    const pathPart = space < 0 ? term : term.slice(0, space);
    const { words, params } = space < 0 ? { words: [], params: {} as Kwargs } : kvWords(term.slice(space + 1));
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
    if (changed && !devNull) writePasswordFile(file, `${encrypt ? `${password} salt=${salt}` : password}\n`);
    return encrypt ? passwordHash(password, encrypt, salt) : password;
  });
}


export const PASSWORD_LOOKUP: LookupDef = { fn: passwordLookup };
