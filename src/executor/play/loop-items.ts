import { FleetError } from '../../errors.js';
import type { TaskNode } from '../../playbook/model.js';
import { TemplateError, loopTerms, type Templar } from '../../template/index.js';

/** The lookup's subdir for a with_first_found loop, as Ansible picks it from the action's name. */
function subdirFor(module: string | undefined): string {
  for (const word of ['template', 'var', 'file']) if (module?.includes(word)) return `${word}s`;
  return 'files';
}

function undefinedError(err: unknown): boolean {
  return err instanceof TemplateError && err.variable !== undefined;
}

/** A with_first_found value templated as Ansible does: a candidate naming an undefined variable is dropped. */
function lenientTerms(value: unknown, templar: Templar, vars: Record<string, unknown>): unknown {
  const one = (v: unknown): unknown => {
    try {
      return templar.template(v, vars);
    } catch (err) {
      if (undefinedError(err)) return undefined;
      throw err;
    }
  };
  if (typeof value === 'string') return one(value) ?? [];
  if (!Array.isArray(value)) return one(value);
  const out: unknown[] = [];
  for (const term of value) {
    if (term && typeof term === 'object' && !Array.isArray(term)) {
      // The lookup templates each file and path candidate itself and passes over undefined ones.
      out.push(Object.fromEntries(Object.entries(term as Record<string, unknown>).map(([k, v]) => [k, one(v) ?? v])));
    } else {
      const t = one(term);
      if (t !== undefined) out.push(t);
    }
  }
  return out;
}

/**
 * The items a task loops over, templated for this host: `loop:` as it is (it must be a list), and
 * `with_<lookup>:` as Ansible runs it: the value's terms (see loopTerms) given to the lookup, whose
 * list is the items; a failing lookup fails the task with the lookup's message.
 */
export function loopItems(task: Pick<TaskNode, 'loop' | 'loopWith'> & { module?: string }, templar: Templar, vars: Record<string, unknown>): unknown[] {
  if (task.loopWith === undefined) {
    const value = templar.template(task.loop, vars);
    if (!Array.isArray(value)) {
      throw new FleetError('LOOP', `loop expects a list, got ${value === null ? 'null' : typeof value}: ${JSON.stringify(value)?.slice(0, 80)}`, {
        hint: 'for a mapping use loop: "{{ x | dict2items }}"; for one string, wrap it in a list',
      });
    }
    return value;
  }
  const firstFound = task.loopWith.replace(/^ansible\.builtin\./, '') === 'first_found';
  const value = firstFound ? lenientTerms(task.loop, templar, vars) : templar.template(task.loop, vars);
  const terms = loopTerms(task.loopWith, value);
  return templar.query(task.loopWith, terms, vars, {}, firstFound ? { subdir: subdirFor(task.module) } : {});
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
