/**
 * Every filter, by name and by its `ansible.builtin.` name.
 */
import type { FilterDef } from '../types.js';
import { coreFilters } from './core.js';
import { dataFilters } from './data.js';
import { dictFilters } from './dicts.js';
import { hashFilters } from './hashing.js';
import { listFilters } from './lists.js';
import { mathFilters } from './math.js';
import { pathFilters } from './paths.js';
import { regexFilters } from './regex.js';
import { stringFilters } from './strings.js';

function build(): Map<string, FilterDef> {
  const all = new Map<string, FilterDef>();
  for (const group of [coreFilters, stringFilters, listFilters, dictFilters, dataFilters, regexFilters, pathFilters, hashFilters, mathFilters]) {
    for (const [name, def] of Object.entries(group)) {
      all.set(name, def);
      all.set(`ansible.builtin.${name}`, def);
    }
  }
  return all;
}

export const FILTERS: ReadonlyMap<string, FilterDef> = build();
