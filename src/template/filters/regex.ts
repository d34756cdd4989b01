/**
 * Ansible's regular expression filters, with Python's regex syntax (pyregex.ts).
 */
import { TemplateError } from '../errors.js';
import { expandReplacement, groupCount, parseReplacement, pyEscape, pyRegex } from '../pyregex.js';
import { pyStr } from '../python.js';
import type { FilterDef } from '../types.js';

function text(value: unknown): string {
  return value === null || value === undefined ? '' : pyStr(value);
}

export const regexFilters: Record<string, FilterDef> = {
  regex_replace: {
    fn: (v, a) => {
      const value = text(v);
      const pattern = text(a.value(0, 'pattern', ''));
      const parts = parseReplacement(text(a.value(1, 'replacement', '')));
      const re = pyRegex(pattern, { ignorecase: a.bool(2, 'ignorecase'), multiline: a.bool(3, 'multiline') }, 'g');
      const count = a.num(4, 'count', 0)!;
      const mandatory = a.num(5, 'mandatory_count', 0)!;
      let subs = 0;
      const out = value.replace(re, (...args: unknown[]) => {
        if (count > 0 && subs >= count) return args[0] as string;
        subs++;
        const hasGroups = typeof args[args.length - 1] === 'object' && args[args.length - 1] !== null;
        const end = hasGroups ? args.length - 3 : args.length - 2;
        const match = args.slice(0, end) as string[] & { groups?: Record<string, string> };
        if (hasGroups) match.groups = args[args.length - 1] as Record<string, string>;
        return expandReplacement(parts, match as unknown as RegExpExecArray);
      });
      if (mandatory && mandatory !== subs) {
        throw new TemplateError(`'${pattern}' should match ${mandatory} times, but matches ${subs} times in '${value}'`);
      }
      return out;
    },
  },
  regex_search: {
    fn: (v, a) => {
      const value = text(v);
      const pattern = text(a.value(0, 'regex'));
      const groups: (number | string)[] = [];
      for (const arg of a.rest(1)) {
        const s = text(arg);
        let m: RegExpExecArray | null;
        if ((m = /^\\g<(\S+)>/.exec(s))) groups.push(/^\d+$/.test(m[1]!) ? Number(m[1]) : m[1]!);
        else if ((m = /^\\(\d+)/.exec(s))) groups.push(Number(m[1]));
        else throw new TemplateError(`regex_search: unknown argument '${s}'`);
      }
      const re = pyRegex(pattern, { ignorecase: a.bool(-1, 'ignorecase'), multiline: a.bool(-1, 'multiline') });
      const match = re.exec(value);
      if (!match) return null;
      if (!groups.length) return match[0];
      return groups.map((g) => {
        if (typeof g === 'number') {
          if (g >= match.length) throw new TemplateError(`regex_search: no such group ${g}`);
          return match[g] ?? null;
        }
        if (!match.groups || !(g in match.groups)) throw new TemplateError(`regex_search: no such group '${g}'`);
        return match.groups[g] ?? null;
      });
    },
  },
  regex_findall: {
    fn: (v, a) => {
      const re = pyRegex(text(a.value(0, 'regex')), { multiline: a.bool(1, 'multiline'), ignorecase: a.bool(2, 'ignorecase') }, 'g');
      const groups = groupCount(re);
      return [...text(v).matchAll(re)].map((m) => {
        if (groups === 0) return m[0];
        if (groups === 1) return m[1] ?? '';
        return m.slice(1).map((g) => g ?? '');
      });
    },
  },
  regex_escape: {
    fn: (v, a) => {
      const type = a.str(0, 're_type', 'python');
      if (type === 'python') return pyEscape(text(v));
      if (type === 'posix_basic') return text(v).replace(/[.[\]\\*^$]/g, (c) => `\\${c}`);
      throw new TemplateError(`Regex type (${type}) not yet implemented`);
    },
  },
};
