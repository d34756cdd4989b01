/**
 * ansible.cfg as Ansible reads it: Python's configparser with `inline_comment_prefixes=(';',)`,
 * strict (a section or key given twice is an error), values read raw (no `%(x)s` interpolation),
 * keys lower-cased, `key = value` or `key: value`, whole-line `#`/`;` comments, indented lines
 * continuing the value above, and `[DEFAULT]` supplying keys to every section.
 */
import { ConfigError } from './errors.js';

export interface IniValue {
  value: string;
  line: number;
}

export interface IniFile {
  file: string;
  sections: Map<string, Map<string, IniValue>>;
}

/** `;` starts a comment only after whitespace, as configparser's inline prefixes do. */
function stripInlineComment(line: string): string {
  const m = /(^|\s);/.exec(line);
  return m ? line.slice(0, m.index) : line;
}

export function parseIni(text: string, file: string): IniFile {
  const sections = new Map<string, Map<string, IniValue>>();
  let current: Map<string, IniValue> | undefined;
  let sectionName = '';
  let last: { key: string; indent: number; parts: string[]; line: number } | undefined;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);

  const flush = () => {
    if (last && current) {
      // configparser drops the trailing empty lines a continued value picked up.
      while (last.parts.length > 1 && last.parts[last.parts.length - 1] === '') last.parts.pop();
      current.set(last.key, { value: last.parts.join('\n'), line: last.line });
    }
    last = undefined;
  };
  const fail = (n: number, msg: string): never => {
    throw new ConfigError(msg, { file, line: n });
  };

  lines.forEach((raw, i) => {
    const n = i + 1;
    const trimmed = raw.trim();
    if (trimmed.startsWith('#') || trimmed.startsWith(';')) return;
    const content = stripInlineComment(raw);
    const value = content.trim();
    const indent = raw.length - raw.trimStart().length;
    if (!value) {
      if (last) last.parts.push('');
      return;
    }
    if (last && indent > last.indent) {
      last.parts.push(value);
      return;
    }
    const header = /^\[(.+)\]$/.exec(value);
    if (header) {
      flush();
      sectionName = header[1]!;
      if (sections.has(sectionName)) fail(n, `section [${sectionName}] appears twice`);
      current = new Map();
      sections.set(sectionName, current);
      return;
    }
    if (!current) fail(n, `"${value}" comes before any [section] header; settings go under [defaults], [privilege_escalation], [ssh_connection], ...`);
    const m = /^([^=:]*?)\s*[=:]\s*(.*)$/.exec(value);
    if (!m || !m[1]) fail(n, `cannot read "${value}": expected key = value`);
    flush();
    const key = m![1]!.toLowerCase();
    if (current!.has(key)) fail(n, `key "${key}" appears twice in [${sectionName}]`);
    last = { key, indent, parts: [m![2]!], line: n };
  });
  flush();
  return { file, sections };
}

/** A key's value in a section, falling back to [DEFAULT] as configparser does. */
export function iniGet(ini: IniFile, section: string, key: string): IniValue | undefined {
  return ini.sections.get(section)?.get(key) ?? ini.sections.get('DEFAULT')?.get(key);
}
