/** Shell globs as Python's fnmatch reads them (Ansible's host patterns and modules' filters). */
/** Python's fnmatch.translate (3.11): a shell glob to a regex over the whole name. */
export function fnmatchRegExp(glob: string): RegExp {
  let re = '';
  let i = 0;
  const n = glob.length;
  while (i < n) {
    const c = glob[i++]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      let j = i;
      if (j < n && glob[j] === '!') j++;
      if (j < n && glob[j] === ']') j++;
      while (j < n && glob[j] !== ']') j++;
      if (j >= n) {
        re += '\\[';
      } else {
        re += charClass(glob, i, j);
        i = j + 1;
      }
    } else re += c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  }
  return new RegExp(`^(?:${re})$`, 's');
}

/**
 * The regex of the glob class between `[` (before `start`) and `]` (at `end`), as Python builds
 * it: a `-` between two characters is a range, a range whose ends are reversed matches nothing and
 * is dropped, a leading `!` negates, an empty class never matches and `[!]` matches any character.
 */
function charClass(glob: string, start: number, end: number): string {
  // Cut the body at each '-' that makes a range; a '-' first (after any '!') or last is literal.
  const chunks: string[] = [];
  let from = start;
  let k = glob[start] === '!' ? start + 2 : start + 1;
  for (;;) {
    k = glob.indexOf('-', k);
    if (k < 0 || k >= end) break;
    chunks.push(glob.slice(from, k));
    from = k + 1;
    k += 3;
  }
  const last = glob.slice(from, end);
  if (last || !chunks.length) chunks.push(last);
  else chunks[chunks.length - 1] += '-';
  for (let c = chunks.length - 1; c > 0; c--) {
    const before = chunks[c - 1]!;
    if (before.length && chunks[c]!.length && before[before.length - 1]! > chunks[c]![0]!) {
      chunks[c - 1] = before.slice(0, -1) + chunks[c]!.slice(1);
      chunks.splice(c, 1);
    }
  }
  let body = chunks.map((s) => s.replace(/[\\\]\[-]/g, '\\$&')).join('-');
  if (!body) return '(?!)';
  if (body === '!') return '.';
  if (body.startsWith('!')) body = '^' + body.slice(1);
  else if (body.startsWith('^')) body = '\\' + body;
  return `[${body}]`;
}

/** Python's fnmatch.fnmatchcase: whether the whole name matches the glob, case-sensitively. */
export function fnmatch(name: string, glob: string): boolean {
  return fnmatchRegExp(glob).test(name);
}
