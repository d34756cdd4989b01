import { shQuote } from '../../util/shlex.js';

/**
 * A remote path as one shell word that expands a leading `~` or `~user` the way Ansible's
 * expanduser does on the host, and quotes everything else.
 */
export function remotePathWord(path: string): string {
  const m = /^~([A-Za-z0-9._-]*)(\/.*)?$/s.exec(path);
  if (!m) return shQuote(path);
  const user = m[1] ?? '';
  const rest = m[2] ?? '';
  const head = user ? `~${user}` : '"$HOME"';
  return rest ? `${head}${shQuote(rest)}` : head;
}
