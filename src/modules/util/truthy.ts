/**
 * Truth as Ansible's conditionals see it (`when:`, `assert: that:`, `failed_when:`): Python/Jinja
 * truthiness, plus the strings Ansible's templating turns back into booleans ("False", "no", "0",
 * ...), since a variable holding the text "false" is false in a conditional.
 */
const FALSE_WORDS = new Set(['', 'false', 'no', 'off', '0', 'none', 'null']);

export function ansibleTruthy(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0 && !Number.isNaN(value);
  if (typeof value === 'bigint') return value !== 0n;
  if (typeof value === 'string') return !FALSE_WORDS.has(value.trim().toLowerCase());
  if (Array.isArray(value)) return value.length > 0;
  if (value instanceof Map || value instanceof Set) return value.size > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

/** `{{ expr }}` written where a bare expression is expected (assert's that:, debug's var:) → `expr`. */
export function bareExpression(text: string): string {
  const m = /^\s*\{\{(.*)\}\}\s*$/s.exec(text);
  return m && !m[1]!.includes('}}') && !m[1]!.includes('{{') ? m[1]!.trim() : text.trim();
}
