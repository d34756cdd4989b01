/**
 * Data format filters: to_json, to_nice_json, from_json, to_yaml, to_nice_yaml, from_yaml,
 * from_yaml_all (YAML 1.1 as PyYAML reads it), tojson.
 */
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { TemplateError } from '../errors.js';
import { pyJsonDumps } from '../pyjson.js';
import { pyYamlDump } from '../pyyaml.js';
import { pyTypeName, truthy } from '../python.js';
import type { FilterDef } from '../types.js';

const YAML_OPTIONS = { version: '1.1' as const, merge: true, uniqueKeys: false };

function separators(value: unknown): [string, string] | undefined {
  if (Array.isArray(value) && value.length === 2) return [String(value[0]), String(value[1])];
  return undefined;
}

function yamlError(err: unknown): TemplateError {
  return new TemplateError(`from_yaml: ${err instanceof Error ? err.message : String(err)}`);
}

export const dataFilters: Record<string, FilterDef> = {
  to_json: {
    fn: (v, a) =>
      pyJsonDumps(v, {
        indent: a.value(-1, 'indent', null) as number | null,
        sortKeys: truthy(a.value(-1, 'sort_keys', false)),
        separators: separators(a.value(-1, 'separators', null)),
        ensureAscii: truthy(a.value(-1, 'ensure_ascii', true)),
      }),
  },
  to_nice_json: {
    fn: (v, a) =>
      pyJsonDumps(v, {
        indent: a.num(0, 'indent', 4)!,
        sortKeys: a.bool(1, 'sort_keys', true),
        separators: [',', ': '],
        ensureAscii: truthy(a.value(-1, 'ensure_ascii', true)),
      }),
  },
  tojson: {
    fn: (v, a) =>
      pyJsonDumps(v, { indent: a.value(0, 'indent', null) as number | null, sortKeys: true })
        .replace(/</g, '\\u003c')
        .replace(/>/g, '\\u003e')
        .replace(/&/g, '\\u0026')
        .replace(/'/g, '\\u0027'),
  },
  from_json: {
    fn: (v) => {
      if (typeof v !== 'string') throw new TemplateError(`from_json expects a string, got ${pyTypeName(v)}`);
      try {
        return JSON.parse(v) as unknown;
      } catch (err) {
        throw new TemplateError(`from_json: ${(err as Error).message}`);
      }
    },
  },
  to_yaml: {
    fn: (v, a) =>
      pyYamlDump(v, {
        indent: a.num(-1, 'indent', 2),
        flowStyle: a.has(-1, 'default_flow_style') ? (a.value(-1, 'default_flow_style') as boolean | null) : null,
        sortKeys: truthy(a.value(-1, 'sort_keys', true)),
        width: a.num(-1, 'width', 80),
      }),
  },
  to_nice_yaml: {
    fn: (v, a) =>
      pyYamlDump(v, {
        indent: a.num(0, 'indent', 4),
        flowStyle: false,
        sortKeys: truthy(a.value(-1, 'sort_keys', true)),
        width: a.num(-1, 'width', 80),
      }),
  },
  from_yaml: {
    fn: (v) => {
      if (typeof v !== 'string') return v;
      try {
        return parseYaml(v, YAML_OPTIONS) as unknown;
      } catch (err) {
        throw yamlError(err);
      }
    },
  },
  from_yaml_all: {
    fn: (v) => {
      if (typeof v !== 'string') return v;
      const docs = parseAllDocuments(v, YAML_OPTIONS);
      const list = Array.isArray(docs) ? docs : [docs];
      return list.map((doc) => {
        if (doc.errors.length) throw yamlError(doc.errors[0]);
        return doc.toJS() as unknown;
      });
    },
  },
};
