/**
 * POSIX shell-like word splitting and quoting, as Python's shlex (posix mode) which Ansible uses
 * for the command module and free-form k=v arguments.
 */
export class ShlexError extends Error {}

export function shlexSplit(input: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  while (i < input.length) {
    const c = input[i]!;
    if (c === "'") {
      const end = input.indexOf("'", i + 1);
      if (end < 0) throw new ShlexError('No closing quotation');
      word += input.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      i++;
      let closed = false;
      while (i < input.length) {
        const d = input[i]!;
        if (d === '"') {
          closed = true;
          i++;
          break;
        }
        if (d === '\\' && i + 1 < input.length && '\\"$`\n'.includes(input[i + 1]!)) {
          word += input[i + 1];
          i += 2;
        } else {
          word += d;
          i++;
        }
      }
      if (!closed) throw new ShlexError('No closing quotation');
      inWord = true;
    } else if (c === '\\') {
      if (i + 1 >= input.length) throw new ShlexError('No escaped character');
      word += input[i + 1];
      inWord = true;
      i += 2;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i++;
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** Quote one word for a POSIX shell so it reaches the program exactly as given. */
export function shQuote(word: string): string {
  if (word !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'"'"'`)}'`;
}

export function shJoin(words: readonly string[]): string {
  return words.map(shQuote).join(' ');
}
