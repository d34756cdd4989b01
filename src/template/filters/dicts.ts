/**
 * Dictionary filters: dict2items, items2dict, combine (recursive, list_merge).
 */
import { TemplateError } from '../errors.js';
import { isDict, pyEquals, pyStr, pyTypeName } from '../python.js';
import type { FilterDef } from '../types.js';
import { Undefined } from '../undefined.js';
import { flatten } from './lists.js';
import { includes } from './util.js';

type Dict = Record<string, unknown>;
const LIST_MERGE = ['replace', 'keep', 'append', 'prepend', 'append_rp', 'prepend_rp'];

/** Ansible's merge_hash: y's values win; recursive merges nested dicts; list_merge says what lists do. */
export function mergeHash(x: Dict, y: Dict, recursive: boolean, listMerge: string): Dict {
  if (Object.keys(x).length === 0 || pyEquals(x, y)) return { ...y };
  if (Object.keys(y).length === 0) return x;
  const out: Dict = { ...x };
  if (!recursive && listMerge === 'replace') return Object.assign(out, y);
  for (const [key, yValue] of Object.entries(y)) {
    if (!Object.prototype.hasOwnProperty.call(out, key)) {
      out[key] = yValue;
      continue;
    }
    const xValue = out[key];
    if (isDict(xValue) && isDict(yValue)) {
      out[key] = recursive ? mergeHash(xValue, yValue, recursive, listMerge) : yValue;
      continue;
    }
    if (Array.isArray(xValue) && Array.isArray(yValue)) {
      switch (listMerge) {
        case 'replace':
          out[key] = yValue;
          break;
        case 'append':
          out[key] = [...xValue, ...yValue];
          break;
        case 'prepend':
          out[key] = [...yValue, ...xValue];
          break;
        case 'append_rp':
          out[key] = [...xValue.filter((z) => !includes(yValue, z)), ...yValue];
          break;
        case 'prepend_rp':
          out[key] = [...yValue, ...xValue.filter((z) => !includes(yValue, z))];
          break;
        default:
          break;
      }
      continue;
    }
    out[key] = yValue;
  }
  return out;
}

function checkDefined(value: unknown): void {
  if (value instanceof Undefined) throw value.error();
  if (Array.isArray(value)) value.forEach(checkDefined);
  else if (isDict(value)) Object.values(value).forEach(checkDefined);
}

export const dictFilters: Record<string, FilterDef> = {
  dict2items: {
    fn: (v, a) => {
      if (!isDict(v)) throw new TemplateError(`dict2items requires a dictionary, got ${pyTypeName(v)} instead.`);
      const keyName = a.str(0, 'key_name', 'key')!;
      const valueName = a.str(1, 'value_name', 'value')!;
      return Object.keys(v).map((k) => ({ [keyName]: k, [valueName]: v[k] }));
    },
  },
  items2dict: {
    fn: (v, a) => {
      if (!Array.isArray(v)) throw new TemplateError(`items2dict requires a list, got ${pyTypeName(v)} instead.`);
      const keyName = a.str(0, 'key_name', 'key')!;
      const valueName = a.str(1, 'value_name', 'value')!;
      const out: Dict = {};
      for (const item of v) {
        if (!isDict(item)) throw new TemplateError(`items2dict requires a list of dictionaries, got ${pyTypeName(item)} instead.`);
        if (!(keyName in item) || !(valueName in item)) {
          throw new TemplateError(`items2dict requires each dictionary in the list to contain the keys '${keyName}' and '${valueName}', got ${pyStr(item)} instead.`);
        }
        out[pyStr(item[keyName])] = item[valueName];
      }
      return out;
    },
  },
  combine: {
    fn: (v, a) => {
      const recursive = a.bool(-1, 'recursive', false);
      const listMerge = a.str(-1, 'list_merge', 'replace')!;
      a.only('recursive', 'list_merge');
      if (!LIST_MERGE.includes(listMerge)) throw new TemplateError(`'${listMerge}' is not a valid list_merge value`);
      const dicts = flatten([v, ...a.positional], 1, true);
      checkDefined(dicts);
      for (const d of dicts) {
        if (!isDict(d)) throw new TemplateError(`failed to combine variables, expected dicts but got a '${pyTypeName(d)}'`);
      }
      if (!dicts.length) return {};
      if (dicts.length === 1) return dicts[0];
      const reversed = [...(dicts as Dict[])].reverse();
      let result = reversed[0]!;
      for (const d of reversed.slice(1)) result = mergeHash(d, result, recursive, listMerge);
      return result;
    },
  },
};
