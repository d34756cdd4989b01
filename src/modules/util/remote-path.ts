import { shQuote } from '../../util/shlex.js';

const VAR = /\$(?:([A-Za-z_][A-Za-z0-9_]*)|\{([A-Za-z_][A-Za-z0-9_]*)\})/g;

/** Text with `$NAME` / `${NAME}` read from the host's environment, as Python's expandvars: an unset one stays as written. */
function expandVarsWord(text: string): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(VAR)) {
    const name = m[1] ?? m[2]!;
    if (m.index! > last) out += shQuote(text.slice(last, m.index));
    // Only a variable reference reaches the shell: its value is data, and unset it stays literal.
    out += `"\${${name}-${m[0].replace(/[$}]/g, '\\$&')}}"`;
    last = m.index! + m[0].length;
  }
  if (last < text.length || out === '') out += shQuote(text.slice(last));
  return out;
}

/**
 * A remote path as one shell word, as Ansible's `path` parameters are read on the host:
 * environment variables expanded (expandvars), then a leading `~` or `~user` (expanduser);
 * everything else quoted.
 */
export function remotePathWord(path: string): string {
  const m = /^~([A-Za-z0-9._-]*)(\/.*)?$/s.exec(path);
  if (!m) return expandVarsWord(path);
  const user = m[1] ?? '';
  const rest = m[2] ?? '';
  const head = user ? `~${user}` : '"$HOME"';
  return rest ? `${head}${expandVarsWord(rest)}` : head;
}
