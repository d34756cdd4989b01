/**
 * Pure text editing for lineinfile, blockinfile and replace, following Ansible's modules line by
 * line (ansible.builtin.lineinfile's present()/absent(), blockinfile's main(), replace's main()),
 * and Python `re` semantics translated to JavaScript RegExp: `(?P<name>...)`, `(?P=name)`, `$`
 * matching before a final newline, `.` not matching only `\n`, `\A`/`\Z`, leading inline flags
 * `(?imsx)`, and Python replacement templates (`\1`, `\g<1>`, `\g<name>`, `\n`).
 */

export class PyRegexError extends Error {}

export interface PyRegexOptions {
  /** re.MULTILINE: `^`/`$` at every line. */
  multiline?: boolean;
  /** re.DOTALL: `.` matches `\n` too. */
  dotall?: boolean;
  ignoreCase?: boolean;
  /** JavaScript's `g` flag, for replacing every match. */
  global?: boolean;
  /** JavaScript's `d` flag: match.indices. */
  indices?: boolean;
}

/** A Python pattern compiled to JavaScript, and the flags it ended up with. */
export interface PyRegex {
  re: RegExp;
  multiline: boolean;
  dotall: boolean;
}

const ESCAPE_MAP: Record<string, string> = {
  A: '(?<![\\s\\S])',
  Z: '(?![\\s\\S])',
};

/** Translates a Python `re` pattern into a JavaScript RegExp with the same meaning. */
export function pyRegex(pattern: string, options: PyRegexOptions = {}): PyRegex {
  let multiline = !!options.multiline;
  let dotall = !!options.dotall;
  let ignoreCase = !!options.ignoreCase;
  let verbose = false;
  let i = 0;
  // Global inline flags at the start: (?aiLmsux)
  for (;;) {
    const m = /^\(\?([aiLmsux]+)\)/.exec(pattern.slice(i));
    if (!m) break;
    for (const f of m[1]!) {
      if (f === 'm') multiline = true;
      else if (f === 's') dotall = true;
      else if (f === 'i') ignoreCase = true;
      else if (f === 'x') verbose = true;
    }
    i += m[0].length;
  }
  let out = '';
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === '\\') {
      const n = pattern[i + 1];
      if (n === undefined) throw new PyRegexError(`bad escape (end of pattern) in ${JSON.stringify(pattern)}`);
      if (ESCAPE_MAP[n]) out += ESCAPE_MAP[n];
      else out += c + n;
      i += 2;
      continue;
    }
    if (c === '[') {
      // A character class: copied with its escapes; a `]` first in it is literal in Python.
      let j = i + 1;
      let cls = '[';
      if (pattern[j] === '^') {
        cls += '^';
        j++;
      }
      if (pattern[j] === ']') {
        cls += '\\]';
        j++;
      }
      while (j < pattern.length && pattern[j] !== ']') {
        if (pattern[j] === '\\' && j + 1 < pattern.length) {
          cls += pattern[j]! + pattern[j + 1]!;
          j += 2;
        } else if (pattern[j] === '[') {
          cls += '\\[';
          j++;
        } else {
          cls += pattern[j]!;
          j++;
        }
      }
      if (j >= pattern.length) throw new PyRegexError(`unterminated character set at position ${i} in ${JSON.stringify(pattern)}`);
      out += cls + ']';
      i = j + 1;
      continue;
    }
    if (c === '(' && pattern[i + 1] === '?') {
      const rest = pattern.slice(i);
      let m: RegExpExecArray | null;
      if ((m = /^\(\?P<([A-Za-z_][A-Za-z0-9_]*)>/.exec(rest))) {
        out += `(?<${m[1]}>`;
        i += m[0].length;
        continue;
      }
      if ((m = /^\(\?P=([A-Za-z_][A-Za-z0-9_]*)\)/.exec(rest))) {
        out += `\\k<${m[1]}>`;
        i += m[0].length;
        continue;
      }
      if ((m = /^\(\?#[^)]*\)/.exec(rest))) {
        i += m[0].length;
        continue;
      }
      if (/^\(\?[aiLmsux-]+[:)]/.test(rest)) {
        throw new PyRegexError(`inline flags are supported only at the start of the pattern: ${JSON.stringify(pattern)}`);
      }
      if (/^\(\?\(/.test(rest)) throw new PyRegexError(`conditional groups (?(...)...) are not supported: ${JSON.stringify(pattern)}`);
      out += '(?';
      i += 2;
      continue;
    }
    if (verbose && /\s/.test(c)) {
      i++;
      continue;
    }
    if (verbose && c === '#') {
      while (i < pattern.length && pattern[i] !== '\n') i++;
      continue;
    }
    if (c === '.') out += dotall ? '[\\s\\S]' : '[^\\n]';
    else if (c === '^') out += multiline ? '(?<![^\\n])' : '(?<![\\s\\S])';
    else if (c === '$') out += multiline ? '(?=\\n|(?![\\s\\S]))' : '(?=\\n?(?![\\s\\S]))';
    else out += c;
    i++;
  }
  try {
    return { re: new RegExp(out, `${ignoreCase ? 'i' : ''}${options.global ? 'g' : ''}${options.indices ? 'd' : ''}`), multiline, dotall };
  } catch (e) {
    throw new PyRegexError(`invalid regular expression ${JSON.stringify(pattern)}: ${e instanceof Error ? e.message.replace(/^Invalid regular expression: /, '') : String(e)}`);
  }
}

const TEMPLATE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', '\\': '\\' };

/** Python's match.expand(template): `\1`..`\99`, `\g<n>`, `\g<name>`, octal and character escapes. */
export function pyExpand(template: string, match: RegExpExecArray | RegExpMatchArray): string {
  const group = (ref: string): string => {
    if (/^\d+$/.test(ref)) {
      const n = Number(ref);
      if (n >= match.length) throw new PyRegexError(`invalid group reference ${ref} in ${JSON.stringify(template)}`);
      return match[n] ?? '';
    }
    if (!match.groups || !(ref in match.groups)) throw new PyRegexError(`unknown group name '${ref}' in ${JSON.stringify(template)}`);
    return match.groups[ref] ?? '';
  };
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = template[i + 1];
    if (n === undefined) throw new PyRegexError(`bad escape (end of template) in ${JSON.stringify(template)}`);
    if (n === 'g') {
      const m = /^<([^>]*)>/.exec(template.slice(i + 2));
      if (!m) throw new PyRegexError(`missing group name in \\g<...> in ${JSON.stringify(template)}`);
      out += group(m[1]!);
      i += 1 + m[0].length;
      continue;
    }
    if (n === '0') {
      const m = /^[0-7]{1,3}/.exec(template.slice(i + 1))!;
      out += String.fromCharCode(parseInt(m[0], 8));
      i += m[0].length;
      continue;
    }
    if (/[1-9]/.test(n)) {
      const oct = /^[0-7]{3}/.exec(template.slice(i + 1));
      if (oct && /[0-3]/.test(n)) {
        out += String.fromCharCode(parseInt(oct[0], 8));
        i += 3;
        continue;
      }
      const m = /^\d\d?/.exec(template.slice(i + 1))!;
      out += group(m[0]);
      i += m[0].length;
      continue;
    }
    if (TEMPLATE_ESCAPES[n] !== undefined) {
      out += TEMPLATE_ESCAPES[n];
      i++;
      continue;
    }
    if (/[A-Za-z]/.test(n)) throw new PyRegexError(`bad escape \\${n} in ${JSON.stringify(template)}`);
    out += c + n;
    i++;
  }
  return out;
}

/** Python's bytes.readlines(): lines split after each `\n`, ends kept. */
export function readLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(/(?<=\n)/);
  return lines;
}

/** Python's bytes.splitlines(True): split after `\r\n`, `\r` or `\n`, ends kept. */
export function splitLinesKeepEnds(text: string): string[] {
  if (text === '') return [];
  return text.match(/[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$/g) ?? [];
}

const stripEol = (s: string): string => s.replace(/[\r\n]+$/, '');

// ---------------------------------------------------------------------------------------------
// lineinfile

export interface LineInFileOptions {
  line?: string;
  regexp?: string;
  search_string?: string;
  insertafter?: string;
  insertbefore?: string;
  backrefs?: boolean;
  firstmatch?: boolean;
}

export interface EditResult {
  text: string;
  changed: boolean;
  msg: string;
  /** lineinfile absent: lines removed. */
  found?: number;
}

/** lineinfile state=present over the file's text (`''` for a missing file being created). */
export function lineInFilePresent(text: string, o: LineInFileOptions): EditResult {
  const lines = readLines(text);
  const line = o.line ?? '';
  let insertafter = o.insertafter;
  const insertbefore = o.insertbefore;
  if (insertafter === undefined && insertbefore === undefined) insertafter = 'EOF';
  const bre = o.regexp !== undefined ? pyRegex(o.regexp).re : undefined;
  let ins: RegExp | undefined;
  if (insertafter !== undefined && insertafter !== 'BOF' && insertafter !== 'EOF') ins = pyRegex(insertafter).re;
  else if (insertbefore !== undefined && insertbefore !== 'BOF') ins = pyRegex(insertbefore).re;

  const index = [-1, -1];
  let match: RegExpExecArray | boolean | null = null;
  let exactLineMatch = false;
  if (bre) {
    for (let n = 0; n < lines.length; n++) {
      const found = bre.exec(lines[n]!);
      if (found) {
        index[0] = n;
        match = found;
        if (o.firstmatch) break;
      }
    }
  }
  if (o.search_string !== undefined) {
    for (let n = 0; n < lines.length; n++) {
      if (lines[n]!.includes(o.search_string)) {
        index[0] = n;
        match = true;
        if (o.firstmatch) break;
      }
    }
  }
  if (!match) {
    for (let n = 0; n < lines.length; n++) {
      const cur = lines[n]!;
      if (line === stripEol(cur)) {
        index[0] = n;
        exactLineMatch = true;
      } else if (ins && ins.test(cur)) {
        if (insertafter !== undefined) {
          index[1] = n + 1;
          if (o.firstmatch) break;
        }
        if (insertbefore !== undefined) {
          index[1] = n;
          if (o.firstmatch) break;
        }
      }
    }
  }

  let msg = '';
  let changed = false;
  const added = (): void => {
    msg = 'line added';
    changed = true;
  };
  if (index[0] !== -1) {
    let newLine = o.backrefs && match && typeof match === 'object' ? pyExpand(line, match) : line;
    if (!newLine.endsWith('\n')) newLine += '\n';
    if (o.regexp === undefined && o.search_string === undefined && !match && !exactLineMatch) {
      // Unreachable in Ansible's code too (index[0] is only set by a match); kept for fidelity.
    } else if (lines[index[0]] !== newLine) {
      lines[index[0]] = newLine;
      msg = 'line replaced';
      changed = true;
    }
  } else if (o.backrefs) {
    // No match: nothing to fill the backreferences with, so nothing is done.
  } else if (insertbefore === 'BOF' || insertafter === 'BOF') {
    lines.unshift(line + '\n');
    added();
  } else if (insertafter === 'EOF' || index[1] === -1) {
    if (lines.length && !/[\n\r]$/.test(lines[lines.length - 1]!)) lines.push('\n');
    lines.push(line + '\n');
    added();
  } else if (insertafter !== undefined && index[1] !== -1) {
    if (lines.length === index[1]) {
      if (stripEol(lines[index[1] - 1]!) !== line) {
        // The matched line was the last one: make sure it ends before the new one.
        if (!/[\n\r]$/.test(lines[lines.length - 1]!)) lines[lines.length - 1] += '\n';
        lines.push(line + '\n');
        added();
      }
    } else if (line !== stripEol(lines[index[1]]!)) {
      lines.splice(index[1], 0, line + '\n');
      added();
    }
  } else {
    lines.splice(index[1], 0, line + '\n');
    added();
  }
  return { text: lines.join(''), changed, msg };
}

/** lineinfile state=absent: removes every line matching regexp, search_string, or equal to line. */
export function lineInFileAbsent(text: string, o: Pick<LineInFileOptions, 'line' | 'regexp' | 'search_string'>): EditResult {
  const bre = o.regexp !== undefined ? pyRegex(o.regexp).re : undefined;
  let found = 0;
  const kept = readLines(text).filter((cur) => {
    const hit = bre ? bre.test(cur) : o.search_string !== undefined ? cur.includes(o.search_string) : (o.line ?? '') === stripEol(cur);
    if (hit) found++;
    return !hit;
  });
  return { text: kept.join(''), changed: found > 0, msg: found > 0 ? `${found} line(s) removed` : '', found };
}

// ---------------------------------------------------------------------------------------------
// blockinfile

export interface BlockInFileOptions {
  block: string;
  marker: string;
  marker_begin: string;
  marker_end: string;
  insertafter?: string;
  insertbefore?: string;
  state: 'present' | 'absent';
  append_newline?: boolean;
  prepend_newline?: boolean;
}

/** The begin and end marker lines (without their newline). */
export function blockMarkers(o: Pick<BlockInFileOptions, 'marker' | 'marker_begin' | 'marker_end'>): [string, string] {
  return [o.marker.split('{mark}').join(o.marker_begin), o.marker.split('{mark}').join(o.marker_end)];
}

/** blockinfile over the file's text; `original` undefined for a missing file (being created). */
export function blockInFile(original: string | undefined, o: BlockInFileOptions): EditResult {
  const lines = splitLinesKeepEnds(original ?? '');
  const present = o.state === 'present';
  let insertafter = o.insertafter;
  const insertbefore = o.insertbefore;
  if (insertbefore === undefined && insertafter === undefined) insertafter = 'EOF';
  let insre: PyRegex | undefined;
  if (insertafter !== undefined && insertafter !== 'EOF') insre = pyRegex(insertafter);
  else if (insertbefore !== undefined && insertbefore !== 'BOF') insre = pyRegex(insertbefore);

  const [m0, m1] = blockMarkers(o);
  const marker0 = m0 + '\n';
  const marker1 = m1 + '\n';
  let blocklines: string[] = [];
  if (present && o.block) {
    const block = o.block.endsWith('\n') ? o.block : o.block + '\n';
    blocklines = [marker0, ...splitLinesKeepEnds(block), marker1];
  }

  let n0: number | undefined;
  let n1: number | undefined;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] === marker0) n0 = i;
    if (lines[i] === marker1) n1 = i;
  }

  if (n0 === undefined || n1 === undefined) {
    n0 = undefined;
    if (insre) {
      let at: number | undefined;
      if (insre.multiline) {
        // A (?m) pattern is searched in the whole text; n0 counts the newlines before the match.
        const text = original ?? '';
        const m = insre.re.exec(text);
        const count = (end: number) => (text.slice(0, end).match(/\n/g) ?? []).length;
        if (m) at = insertafter !== undefined ? count(m.index + m[0].length) : count(m.index);
      } else {
        for (let i = 0; i < lines.length; i++) if (insre.re.test(lines[i]!)) at = i;
      }
      n0 = at === undefined ? lines.length : insertafter !== undefined ? at + 1 : at;
    } else if (insertbefore !== undefined) n0 = 0;
    else n0 = lines.length;
  } else if (n0 < n1) {
    lines.splice(n0, n1 - n0 + 1);
  } else {
    lines.splice(n1, n0 - n1 + 1);
    n0 = n1;
  }

  if (n0 > 0 && n0 - 1 < lines.length && !lines[n0 - 1]!.endsWith('\n')) lines[n0 - 1] += '\n';
  if (o.prepend_newline && present) {
    if (n0 !== 0 && lines[n0 - 1] !== '\n') {
      lines.splice(n0, 0, '\n');
      n0 += 1;
    }
  }
  lines.splice(n0, 0, ...blocklines);
  if (o.append_newline && present) {
    const after = n0 + blocklines.length;
    if (after < lines.length && lines[after] !== '\n') lines.splice(after, 0, '\n');
  }
  const result = lines.join('');
  if (original === result) return { text: result, changed: false, msg: '' };
  if (original === undefined) return { text: result, changed: true, msg: 'File created' };
  if (!blocklines.length) return { text: result, changed: true, msg: 'Block removed' };
  return { text: result, changed: true, msg: 'Block inserted' };
}

// ---------------------------------------------------------------------------------------------
// replace

export interface ReplaceOptions {
  regexp: string;
  replace: string;
  after?: string;
  before?: string;
}

export interface ReplaceResult extends EditResult {
  /** Matches replaced. */
  count: number;
  /** after/before given but did not match (Ansible: no change, a message). */
  sectionMissing?: string;
}

/** Python's re.subn(pattern, template, text) with a translated pattern. */
export function pySubn(re: RegExp, template: string, text: string): [string, number] {
  let count = 0;
  const out = text.replace(re, (...args: unknown[]) => {
    count++;
    const hasGroups = typeof args[args.length - 1] === 'object' && args[args.length - 1] !== null;
    const groups = hasGroups ? (args[args.length - 1] as Record<string, string | undefined>) : undefined;
    const tail = hasGroups ? 3 : 2;
    const arr = args.slice(0, args.length - tail) as (string | undefined)[];
    const m = Object.assign([...arr], { index: args[args.length - tail] as number, input: text, groups }) as unknown as RegExpExecArray;
    return pyExpand(template, m);
  });
  return [out, count];
}

/** replace over the file's text: re.subn with MULTILINE, inside the after/before section if given. */
export function replaceInText(contents: string, o: ReplaceOptions): ReplaceResult {
  let pattern = '';
  if (o.after && o.before) pattern = `${o.after}(?P<subsection>.*?)${o.before}`;
  else if (o.after) pattern = `${o.after}(?P<subsection>.*)`;
  else if (o.before) pattern = `(?P<subsection>.*)${o.before}`;
  let section = contents;
  let start = 0;
  let end = contents.length;
  if (pattern) {
    const sre = pyRegex(pattern, { dotall: true, indices: true }).re;
    const m = sre.exec(contents);
    if (!m) return { text: contents, changed: false, count: 0, msg: `Pattern for before/after params did not match the given file: ${pattern}`, sectionMissing: pattern };
    section = m.groups!.subsection!;
    [start, end] = m.indices!.groups!.subsection!;
  }
  const mre = pyRegex(o.regexp, { multiline: true, global: true }).re;
  const [replaced, count] = pySubn(mre, o.replace, section);
  if (count > 0 && replaced !== section) {
    const text = pattern ? contents.slice(0, start) + replaced + contents.slice(end) : replaced;
    return { text, changed: true, count, msg: `${count} replacements made` };
  }
  return { text: contents, changed: false, count: 0, msg: '' };
}
