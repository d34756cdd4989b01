/**
 * Python's str.splitlines(): lines split at any of Python's line boundaries (`\r\n`, `\n`, `\r`,
 * `\v`, `\f`, `\x1c`-`\x1e`, `\x85`, `\u2028`, `\u2029`), without a last empty line after a final
 * boundary. Ansible makes `stdout_lines`/`stderr_lines` this way.
 */
const BOUNDARY = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;

export function splitlines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(BOUNDARY);
  if (BOUNDARY.test(text.slice(-2)) && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
