/**
 * Python's `shlex.split` (POSIX mode), which Ansible uses for the command module, free-form k=v
 * words, extra vars and (with `comments`) INI host lines: quotes group and are removed, a backslash
 * escapes outside single quotes (inside double quotes only `"` and `\\`), and with `comments` a `#`
 * outside quotes ends the line. Plus quoting words for a POSIX shell.
 */
export class ShlexError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShlexError';
  }
}

const WHITESPACE = new Set([' ', '\t', '\r', '\n']);

export function shlexSplit(line: string, options: { comments?: boolean } = {}): string[] {
  const tokens: string[] = [];
  let token = '';
  let inToken = false; // a word has started (possibly an empty quoted one)
  let i = 0;
  const n = line.length;
  while (i < n) {
    const c = line[i]!;
    if (WHITESPACE.has(c)) {
      if (inToken) {
        tokens.push(token);
        token = '';
        inToken = false;
      }
      i++;
      continue;
    }
    if (c === '#' && options.comments) break; // the rest of the line is a comment
    if (c === "'") {
      const close = line.indexOf("'", i + 1);
      if (close < 0) throw new ShlexError('No closing quotation');
      token += line.slice(i + 1, close);
      inToken = true;
      i = close + 1;
      continue;
    }
    if (c === '"') {
      i++;
      let closed = false;
      while (i < n) {
        const d = line[i]!;
        if (d === '"') {
          closed = true;
          i++;
          break;
        }
        if (d === '\\' && i + 1 < n && (line[i + 1] === '"' || line[i + 1] === '\\')) {
          token += line[i + 1];
          i += 2;
          continue;
        }
        if (d === '\\' && i + 1 >= n) throw new ShlexError('No closing quotation');
        token += d;
        i++;
      }
      if (!closed) throw new ShlexError('No closing quotation');
      inToken = true;
      continue;
    }
    if (c === '\\') {
      if (i + 1 >= n) throw new ShlexError('No escaped character');
      token += line[i + 1];
      inToken = true;
      i += 2;
      continue;
    }
    token += c;
    inToken = true;
    i++;
  }
  if (inToken) tokens.push(token);
  return tokens;
}

/** Quote one word for a POSIX shell so it reaches the program exactly as given. */
export function shQuote(word: string): string {
  if (word !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export function shJoin(words: readonly string[]): string {
  return words.map(shQuote).join(' ');
}
