import { pyYamlDump } from '../template/pyyaml.js';
import { cleanValue } from './ansible-format.js';

/**
 * A result as community.general.yaml (stdout_callback = yaml) prints it after `=> `: `changed=`
 * and `skipped=` on the first line, then the rest as block YAML with multi-line strings as `|-`
 * blocks and `stdout_lines`/`stderr_lines` omitted beside their strings, indented by two spaces.
 */
export function yamlResult(shown: Record<string, unknown>): string {
  const r = cleanValue(shown) as Record<string, unknown>;
  let dumped = '';
  for (const key of ['changed', 'skipped']) {
    if (key in r) {
      dumped += `${key}=${String(r[key]).toLowerCase()} `;
      delete r[key];
    }
  }
  if ('stdout' in r && 'stdout_lines' in r) r.stdout_lines = '<omitted>';
  if ('stderr' in r && 'stderr_lines' in r) r.stderr_lines = '<omitted>';
  if (Object.keys(r).length) dumped += '\n' + pyYamlDump(r, { flowStyle: false, width: 1000, literalMultiline: true });
  return dumped.split('\n').join('\n  ').trimEnd();
}
