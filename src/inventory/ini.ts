/**
 * INI inventories with the semantics of Ansible's ini plugin:
 *  - lines before any section are hosts of `ungrouped`;
 *  - `[g]` lists hosts (`name[:port] [key=value ...]`, ranges allowed), `[g:children]` child groups,
 *    `[g:vars]` one `key=value` a line;
 *  - `#` and `;` start a comment line; on a host line `#` outside quotes ends the line;
 *  - values go through Python's literal_eval (`5` → 5, `True` → true, `'05'` → "05", `[1,2]` → a
 *    list), on host lines after shell-like unquoting, in [g:vars] on the raw text after the `=`;
 *  - a [g:children] entry or a [g:vars] section may name a group declared further down, but one
 *    never declared ([g] or [g:children]) is an error.
 */
import { InventoryError } from '../errors.js';
import type { InventoryBuilder, Where } from './builder.js';
import { literalEval } from './pyliteral.js';
import { HostPatternError, expandHostPattern } from './ranges.js';
import { ShlexError, shlexSplit } from '../util/shlex.js';

const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$/;
const GROUP_NAME = /^([^:\]\s]+)\s*(?:#.*)?$/;

interface Pending {
  line: number;
  state: 'vars' | 'children';
  name: string;
  parents: string[];
}

export function parseIni(text: string, file: string, b: InventoryBuilder): void {
  const lines = text.split(/\r\n|\r|\n/);
  const pending = new Map<string, Pending>();
  let group = 'ungrouped';
  let state: 'hosts' | 'vars' | 'children' = 'hosts';
  let sectionLine = 0;

  const addPendingChildren = (name: string) => {
    const decl = pending.get(name)!;
    pending.delete(name);
    for (const parent of decl.parents) {
      b.addChild(parent, name, { file, line: decl.line });
      const p = pending.get(parent);
      if (p && p.state === 'children') addPendingChildren(parent);
    }
  };

  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const where: Where = { file, line: lineNo };
    const line = lines[i]!.trim();
    if (!line || line[0] === '#' || line[0] === ';') continue;

    const m = SECTION.exec(line);
    if (m) {
      const name = m[1]!;
      const kind = m[2] ?? 'hosts';
      if (kind !== 'hosts' && kind !== 'children' && kind !== 'vars') {
        throw new InventoryError(`section [${name}:${kind}] has an unknown type "${kind}"`, {
          ...where,
          hint: `use [${name}] for hosts, [${name}:children] for child groups or [${name}:vars] for variables`,
        });
      }
      group = name;
      state = kind;
      sectionLine = lineNo;
      if (!b.hasGroup(name)) {
        if (kind === 'vars' && !pending.has(name)) pending.set(name, { line: lineNo, state: 'vars', name, parents: [] });
        b.addGroup(name, where);
      }
      const p = pending.get(name);
      if (p && kind !== 'vars') {
        if (p.state === 'children') addPendingChildren(name);
        else pending.delete(name);
      }
      continue;
    }
    if (line.startsWith('[')) {
      if (line.endsWith(']')) {
        throw new InventoryError(`invalid section header ${line}`, {
          ...where,
          hint: 'a section is [name], [name:children] or [name:vars], with no spaces and no other ":" in the name',
        });
      }
      if (!line.includes(']')) {
        throw new InventoryError(`unterminated group header ${line}: expected a closing "]"`, {
          ...where,
          hint: 'write the section as [name], [name:children] or [name:vars]',
        });
      }
      // otherwise it may be a host such as [fe80::1]:22, handled below
    }

    if (state === 'hosts') {
      parseHostLine(line, group, where, b);
    } else if (state === 'vars') {
      const eq = line.indexOf('=');
      if (eq < 0) {
        throw new InventoryError(`expected key=value in section [${group}:vars] (line ${sectionLine}), got: ${line}`, {
          ...where,
          hint: `each line of a [${group}:vars] section sets one variable, as name=value`,
        });
      }
      const key = line.slice(0, eq).trim();
      const value = line.slice(eq + 1).trim();
      b.setGroupVar(group, key, literalEval(value), where);
    } else {
      const gm = GROUP_NAME.exec(line);
      if (!gm) {
        throw new InventoryError(`expected a group name in section [${group}:children], got: ${line}`, {
          ...where,
          hint: 'list one group name a line (hosts go in a [group] section, variables in [group:vars])',
        });
      }
      const child = gm[1]!;
      if (!b.hasGroup(child)) {
        const p = pending.get(child);
        if (p) p.parents.push(group);
        else pending.set(child, { line: lineNo, state: 'children', name: child, parents: [group] });
      } else {
        b.addChild(group, child, where);
      }
    }
  }

  for (const decl of pending.values()) {
    if (decl.state === 'vars') {
      throw new InventoryError(`section [${decl.name}:vars] is for group ${decl.name}, which is not defined`, {
        file,
        line: decl.line,
        hint: `declare the group with a [${decl.name}] or [${decl.name}:children] section (or fix the group name)`,
      });
    }
    throw new InventoryError(
      `section [${decl.parents[decl.parents.length - 1]}:children] names group ${decl.name}, which is not defined`,
      {
        file,
        line: decl.line,
        hint: `declare it with a [${decl.name}] section (even an empty one) or fix the name`,
      },
    );
  }
}

function parseHostLine(line: string, group: string, where: Where, b: InventoryBuilder): void {
  let tokens: string[];
  try {
    tokens = shlexSplit(line, { comments: true });
  } catch (e) {
    if (e instanceof ShlexError) {
      throw new InventoryError(`cannot parse host line "${line}": ${e.message}`, {
        ...where,
        hint: 'check the quotes: each opening " or \' needs its closing one',
      });
    }
    throw e;
  }
  if (tokens.length === 0) return; // only a comment after unquoting
  const pattern = tokens[0]!;
  if (pattern.trim() === '---') {
    throw new InventoryError(`"---" is not a host name; it is normally a sign this is a YAML file`, {
      ...where,
      hint: 'give a YAML inventory a .yml or .yaml extension',
    });
  }
  let expanded: { hosts: string[]; port?: number };
  try {
    expanded = expandHostPattern(pattern);
  } catch (e) {
    if (e instanceof HostPatternError) throw new InventoryError(e.message, { ...where, hint: e.hint });
    throw e;
  }
  if (pattern.trim().endsWith(':') && expanded.port === undefined) {
    throw new InventoryError(`invalid host "${pattern}": a trailing ":" must be followed by a port number`, {
      ...where,
      hint: 'write host:port (e.g. web1:2222), or remove the ":"',
    });
  }
  const vars: Array<[string, unknown]> = [];
  for (const t of tokens.slice(1)) {
    const eq = t.indexOf('=');
    if (eq < 0) {
      throw new InventoryError(`expected key=value after the host name, got: ${t}`, {
        ...where,
        hint: 'host variables are written name=value; quote values with spaces: name="a b"',
      });
    }
    vars.push([t.slice(0, eq), literalEval(t.slice(eq + 1))]);
  }
  for (const host of expanded.hosts) {
    b.addHost(host, group, expanded.port, where);
    for (const [k, v] of vars) b.setHostVar(host, k, v, where);
  }
}
