/** The `word k=v ...` terms of lookups such as password: shell-like words, `name=value` taken as options. */
import { shlexSplit } from '../util/shlex.js';

export function kvWords(text: string): { words: string[]; params: Record<string, unknown> } {
  const words: string[] = [];
  const params: Record<string, unknown> = {};
  for (const word of shlexSplit(text)) {
    const eq = word.indexOf('=');
    if (eq > 0 && /^\w+$/.test(word.slice(0, eq))) params[word.slice(0, eq)] = word.slice(eq + 1);
    else words.push(word);
  }
  return { words, params };
}
