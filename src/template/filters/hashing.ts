/**
 * Hashing filters: hash, checksum, md5, sha1, password_hash (crypt.ts).
 */
import { createHash, getHashes } from 'node:crypto';
import { TemplateError } from '../errors.js';
import { passwordHash } from '../crypt.js';
import { pyStr } from '../python.js';
import type { FilterDef } from '../types.js';

function digest(algorithm: string, value: unknown): string {
  const name = algorithm.toLowerCase().replace(/^sha-?/, 'sha');
  if (!getHashes().includes(name)) throw new TemplateError(`hash: unsupported hash type '${algorithm}'`);
  return createHash(name).update(Buffer.from(pyStr(value), 'utf8')).digest('hex');
}

export const hashFilters: Record<string, FilterDef> = {
  hash: { fn: (v, a) => digest(a.str(0, 'hashtype', 'sha1')!, v) },
  checksum: { fn: (v) => digest('sha1', v) },
  sha1: { fn: (v) => digest('sha1', v) },
  md5: { fn: (v) => digest('md5', v) },
  password_hash: {
    fn: (v, a) => {
      const salt = a.value(1, 'salt', null);
      const rounds = a.value(-1, 'rounds', null);
      const saltSize = a.value(-1, 'salt_size', null);
      return passwordHash(
        pyStr(v),
        a.str(0, 'hashtype', 'sha512')!,
        salt === null ? undefined : pyStr(salt),
        rounds === null ? undefined : Number(rounds),
        saltSize === null ? undefined : Number(saltSize),
      );
    },
  },
};
