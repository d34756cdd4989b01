import { FleetError } from '../../errors.js';
import type { TaskNode } from '../../playbook/model.js';
import type { Templar } from '../../template/index.js';

function dictItems(value: unknown): { key: string; value: unknown }[] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new FleetError('LOOP', 'with_dict expects a mapping');
  return Object.entries(value as Record<string, unknown>).map(([key, v]) => ({ key, value: v }));
}

/**
 * The items a task loops over, templated for this host: `loop:` as it is (it must be a list), and
 * the `with_*` forms as Ansible's lookups produce them.
 */
export function loopItems(task: Pick<TaskNode, 'loop' | 'loopWith'>, templar: Templar, vars: Record<string, unknown>): unknown[] {
  const value = templar.template(task.loop, vars);
  switch (task.loopWith) {
    case undefined:
    case 'list':
      if (!Array.isArray(value)) {
        throw new FleetError('LOOP', `loop expects a list, got ${value === null ? 'null' : typeof value}: ${JSON.stringify(value)?.slice(0, 80)}`, {
          hint: 'for a mapping use loop: "{{ x | dict2items }}"; for one string, wrap it in a list',
        });
      }
      return value;
    case 'items':
      return (Array.isArray(value) ? value : [value]).flatMap((v) => (Array.isArray(v) ? v : [v]));
    case 'dict':
      return dictItems(value);
    case 'fileglob':
    case 'sequence': {
      const terms = Array.isArray(value) ? value : [value];
      return templar.query(task.loopWith, terms, vars);
    }
    default:
      throw new FleetError('LOOP', `with_${task.loopWith} is not supported`, { hint: 'use loop: with a filter instead' });
  }
}

/** The `ansible_loop` variable for item `index` of `items`. */
export function ansibleLoop(items: unknown[], index: number): Record<string, unknown> {
  const n = items.length;
  return {
    index: index + 1,
    index0: index,
    revindex: n - index,
    revindex0: n - index - 1,
    first: index === 0,
    last: index === n - 1,
    length: n,
    allitems: items,
    previtem: index > 0 ? items[index - 1] : undefined,
    nextitem: index < n - 1 ? items[index + 1] : undefined,
  };
}
