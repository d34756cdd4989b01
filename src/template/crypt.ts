/**
 * crypt(3) password hashes as Ansible's password_hash writes them: SHA-512 (`$6$`) and SHA-256
 * (`$5$`) crypt per Ulrich Drepper's specification, and MD5 crypt (`$1$`), on node:crypto.
 */
import { createHash, randomInt } from 'node:crypto';
import { TemplateError } from './errors.js';

const ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function b64From24(b2: number, b1: number, b0: number, n: number): string {
  let w = (b2 << 16) | (b1 << 8) | b0;
  let out = '';
  while (n-- > 0) {
    out += ITOA64[w & 0x3f];
    w >>= 6;
  }
  return out;
}

/** A random salt of crypt's alphabet. */
export function randomSalt(length = 16): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ITOA64[randomInt(ITOA64.length)];
  return out;
}

export function checkSalt(salt: string): void {
  if (!/^[./0-9A-Za-z]*$/.test(salt)) {
    throw new TemplateError(`invalid characters in salt '${salt}': use only [./0-9A-Za-z]`);
  }
}

const SHA512_ORDER = [
  [0, 21, 42], [22, 43, 1], [44, 2, 23], [3, 24, 45], [25, 46, 4], [47, 5, 26], [6, 27, 48],
  [28, 49, 7], [50, 8, 29], [9, 30, 51], [31, 52, 10], [53, 11, 32], [12, 33, 54], [34, 55, 13],
  [56, 14, 35], [15, 36, 57], [37, 58, 16], [59, 17, 38], [18, 39, 60], [40, 61, 19], [62, 20, 41],
];
const SHA256_ORDER = [
  [0, 10, 20], [21, 1, 11], [12, 22, 2], [3, 13, 23], [24, 4, 14], [15, 25, 5], [6, 16, 26],
  [27, 7, 17], [18, 28, 8], [9, 19, 29],
];

/** SHA-crypt: `$6$[rounds=N$]salt$hash` (sha512) or `$5$...` (sha256). */
export function shaCrypt(password: string, salt: string, rounds: number | undefined, algorithm: 'sha512' | 'sha256'): string {
  checkSalt(salt);
  const P = Buffer.from(password, 'utf8');
  const S = Buffer.from(salt.slice(0, 16), 'utf8');
  const size = algorithm === 'sha512' ? 64 : 32;
  const r = rounds === undefined ? 5000 : Math.min(999_999_999, Math.max(1000, Math.floor(rounds)));
  const H = () => createHash(algorithm);

  const B = H().update(P).update(S).update(P).digest();
  const a = H().update(P).update(S);
  let i: number;
  for (i = P.length; i > size; i -= size) a.update(B);
  a.update(B.subarray(0, i));
  for (i = P.length; i > 0; i >>= 1) a.update(i & 1 ? B : P);
  const A = a.digest();

  const dp = H();
  for (i = 0; i < P.length; i++) dp.update(P);
  const DP = dp.digest();
  const Pbytes = Buffer.alloc(P.length);
  for (i = 0; i < P.length; i++) Pbytes[i] = DP[i % size]!;

  const ds = H();
  for (i = 0; i < 16 + A[0]!; i++) ds.update(S);
  const DS = ds.digest();
  const Sbytes = Buffer.alloc(S.length);
  for (i = 0; i < S.length; i++) Sbytes[i] = DS[i % size]!;

  let C = A;
  for (i = 0; i < r; i++) {
    const c = H();
    c.update(i & 1 ? Pbytes : C);
    if (i % 3) c.update(Sbytes);
    if (i % 7) c.update(Pbytes);
    c.update(i & 1 ? C : Pbytes);
    C = c.digest();
  }

  let encoded = '';
  if (algorithm === 'sha512') {
    for (const [x, y, z] of SHA512_ORDER) encoded += b64From24(C[x!]!, C[y!]!, C[z!]!, 4);
    encoded += b64From24(0, 0, C[63]!, 2);
  } else {
    for (const [x, y, z] of SHA256_ORDER) encoded += b64From24(C[x!]!, C[y!]!, C[z!]!, 4);
    encoded += b64From24(0, C[31]!, C[30]!, 3);
  }
  const id = algorithm === 'sha512' ? '6' : '5';
  const roundsPart = rounds === undefined ? '' : `rounds=${r}$`;
  return `$${id}$${roundsPart}${S.toString('utf8')}$${encoded}`;
}

/** MD5-crypt: `$1$salt$hash`. */
export function md5Crypt(password: string, salt: string): string {
  checkSalt(salt);
  const P = Buffer.from(password, 'utf8');
  const S = Buffer.from(salt.slice(0, 8), 'utf8');
  const magic = Buffer.from('$1$');
  const ctx = createHash('md5').update(P).update(magic).update(S);
  const alt = createHash('md5').update(P).update(S).update(P).digest();
  for (let pl = P.length; pl > 0; pl -= 16) ctx.update(alt.subarray(0, Math.min(16, pl)));
  for (let i = P.length; i; i >>= 1) ctx.update(i & 1 ? Buffer.from([0]) : P.subarray(0, 1));
  let final = ctx.digest();
  for (let i = 0; i < 1000; i++) {
    const c = createHash('md5');
    c.update(i & 1 ? P : final);
    if (i % 3) c.update(S);
    if (i % 7) c.update(P);
    c.update(i & 1 ? final : P);
    final = c.digest();
  }
  const f = final;
  const encoded =
    b64From24(f[0]!, f[6]!, f[12]!, 4) +
    b64From24(f[1]!, f[7]!, f[13]!, 4) +
    b64From24(f[2]!, f[8]!, f[14]!, 4) +
    b64From24(f[3]!, f[9]!, f[15]!, 4) +
    b64From24(f[4]!, f[10]!, f[5]!, 4) +
    b64From24(0, 0, f[11]!, 2);
  return `$1$${S.toString('utf8')}$${encoded}`;
}

/** Ansible's password_hash: hashtype sha512 (default), sha256 or md5, optional salt and rounds. */
export function passwordHash(password: string, hashtype = 'sha512', salt?: string, rounds?: number, saltSize?: number): string {
  const type = hashtype.replace(/_crypt$/, '');
  switch (type) {
    case 'sha512':
    case 'sha256':
      return shaCrypt(password, salt ?? randomSalt(saltSize ?? 16), rounds, type);
    case 'md5':
      return md5Crypt(password, salt ?? randomSalt(saltSize ?? 8));
    default:
      throw new TemplateError(`password_hash: unsupported hash type '${hashtype}' (fleet supports sha512, sha256 and md5)`);
  }
}
