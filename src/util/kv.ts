/**
 * Ansible's argument-string splitter (ansible.parsing.splitter: split_args, parse_kv, join_args),
 * used for a task's `module: k=v ...` and free-form strings. It differs from a shell split as
 * Ansible's does: quotes are kept on free-form text, `{{ ... }}`, `{% %}` and `{# #}` blocks stay one
 * token even with spaces inside, and newlines in the text are kept (a `shell: |` script stays a
 * multi-line script).
 */

export class SplitError extends Error {}

function quoteState(token: string, quoteChar: string | undefined): string | undefined {
  let prev = '';
  for (let i = 0; i < token.length; i++) {
    const c = token[i]!;
    if ((c === '"' || c === "'") && prev !== '\\') {
      if (quoteChar === undefined) quoteChar = c;
      else if (c === quoteChar) quoteChar = undefined;
    }
    prev = c;
  }
  return quoteChar;
}

function countBlocks(token: string, depth: number, open: string, close: string): number {
  const opens = token.split(open).length - 1;
  const closes = token.split(close).length - 1;
  depth += opens - closes;
  return depth < 0 ? 0 : depth;
}

/** split_args: whitespace-separated tokens, keeping quoted text and Jinja blocks together. */
export function splitArgs(args: string): string[] {
  const params: string[] = [];
  const lines = args.split('\n');
  let quoteChar: string | undefined;
  let inside = false;
  let printDepth = 0;
  let blockDepth = 0;
  let commentDepth = 0;
  lines.forEach((line, lineIdx) => {
    const tokens = line.split(' ');
    let continuation = false;
    tokens.forEach((token, idx) => {
      if (token.length === 0 && idx !== 0) {
        if (params.length) params[params.length - 1] += ' ';
        return;
      }
      if (token === '\\' && !inside) {
        continuation = true;
        return;
      }
      const wasInside = inside;
      quoteChar = quoteState(token, quoteChar);
      inside = quoteChar !== undefined;
      let appended = false;
      if (inside && !wasInside && !(printDepth || blockDepth || commentDepth)) {
        params.push(token);
        appended = true;
      } else if (printDepth || blockDepth || commentDepth || inside || wasInside) {
        if (!params.length) params.push('');
        const last = params.length - 1;
        if (idx === 0 && wasInside) params[last] = `${params[last]}${token}`;
        else if (tokens.length > 1) params[last] = `${params[last]}${idx > 0 ? ' ' : ''}${token}`;
        else params[last] = `${params[last]}\n${token}`;
        appended = true;
      }
      const before = [printDepth, blockDepth, commentDepth];
      printDepth = countBlocks(token, printDepth, '{{', '}}');
      if (printDepth !== before[0] && !appended) {
        params.push(token);
        appended = true;
      }
      blockDepth = countBlocks(token, blockDepth, '{%', '%}');
      if (blockDepth !== before[1] && !appended) {
        params.push(token);
        appended = true;
      }
      commentDepth = countBlocks(token, commentDepth, '{#', '#}');
      if (commentDepth !== before[2] && !appended) {
        params.push(token);
        appended = true;
      }
      if (!(printDepth || blockDepth || commentDepth) && !inside && !appended && token !== '') params.push(token);
    });
    if (lines.length > 1 && lineIdx !== lines.length - 1 && !continuation && params.length) {
      const last = params.length - 1;
      if (!params[last]!.endsWith('\n') || line === '') params[last] += '\n';
    }
  });
  if (printDepth || blockDepth || commentDepth || inside) {
    throw new SplitError(`failed at splitting arguments, either an unbalanced jinja2 block or quotes: ${args}`);
  }
  return params;
}

/** join_args: tokens back into one string, keeping the newlines split_args kept. */
export function joinArgs(tokens: readonly string[]): string {
  let out = '';
  for (const t of tokens) out = out.length === 0 || out.endsWith('\n') ? out + t : `${out} ${t}`;
  return out;
}

function isQuoted(s: string): boolean {
  return s.length > 1 && s[0] === s[s.length - 1] && (s[0] === '"' || s[0] === "'") && s[s.length - 2] !== '\\';
}

function unquote(s: string): string {
  return isQuoted(s) ? s.slice(1, -1) : s;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'", a: '\x07', b: '\b', f: '\f', v: '\v' };

/** Python's unicode-escape decoding of the escapes Ansible decodes in k=v values. */
function decodeEscapes(s: string): string {
  return s.replace(/\\(U[0-9a-fA-F]{8}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[\\'"abfnrtv])/g, (_m, e: string) => {
    if (e.length > 1) return String.fromCodePoint(Number.parseInt(e.slice(1), 16));
    return ESCAPES[e] ?? e;
  });
}

/**
 * parse_kv: `k=v` tokens become parameters (a key is a name, or a template whose value names the
 * parameter at run time: set_fact's `{{ item.key }}={{ item.value }}`); anything else is free-form
 * text, joined into `rawKey`. With `freeFormKeys`, only those keys are taken as parameters and any other `k=v` stays
 * in the free-form text (command/shell: `FOO=1 make` runs with FOO set).
 */
export function parseKv(args: string, options: { freeFormKeys?: readonly string[] } = {}): { params: Record<string, string>; raw: string | undefined } {
  const params: Record<string, string> = {};
  const raw: string[] = [];
  for (const orig of splitArgs(args)) {
    const x = decodeEscapes(orig);
    let pos = -1;
    for (let i = 1; i < x.length; i++) {
      if (x[i] === '=' && x[i - 1] !== '\\') {
        pos = i;
        break;
      }
    }
    if (!x.includes('=')) {
      raw.push(orig);
      continue;
    }
    if (pos < 0) {
      raw.push(x.replace(/\\=/g, '='));
      continue;
    }
    const k = x.slice(0, pos).trim();
    const v = x.slice(pos + 1);
    if (options.freeFormKeys && !options.freeFormKeys.includes(k)) raw.push(orig);
    else if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) && !/\{\{|\{%/.test(k)) raw.push(orig);
    else params[k] = unquote(v.trim());
  }
  return { params, raw: raw.length ? joinArgs(raw) : undefined };
}
