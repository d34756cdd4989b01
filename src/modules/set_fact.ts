import type { ModuleDefinition } from './types.js';
import { applyResult, resultPlan, type ResultPlan } from './util/result-plan.js';

/**
 * set_fact: every argument but `cacheable` becomes a host fact, returned under `ansible_facts` (the
 * executor sets them on the host). As Ansible, a k=v string value "true"/"false"/"yes"/"no" becomes
 * a boolean. `_ansible_facts_cacheable` carries `cacheable`.
 */
export type SetFactParams = { cacheable: boolean } & Record<string, unknown>;

const PY_KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(' '),
);

/** Python's str.isidentifier() and not a keyword, as Ansible's isidentifier. */
export function isValidVarName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !PY_KEYWORDS.has(name);
}

const BOOL_WORDS: Record<string, boolean> = { true: true, false: false, yes: true, no: false };

export function planSetFact(p: SetFactParams): ResultPlan {
  const facts: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(p)) {
    if (key === 'cacheable') continue;
    if (!isValidVarName(key)) {
      return resultPlan({
        changed: false,
        failed: true,
        msg: `The variable name '${key}' is not valid. Variables must start with a letter or underscore character, and contain only letters, numbers and underscores.`,
      });
    }
    facts[key] = typeof value === 'string' && value.toLowerCase() in BOOL_WORDS ? BOOL_WORDS[value.toLowerCase()] : value;
  }
  if (!Object.keys(facts).length) {
    return resultPlan({ changed: false, failed: true, msg: 'No key/value pairs provided, at least one is required for this action to succeed' });
  }
  return resultPlan({ changed: false, ansible_facts: facts, _ansible_facts_cacheable: p.cacheable });
}

export const set_fact: ModuleDefinition<SetFactParams, null, never> = {
  name: 'set_fact',
  aliases: ['ansible.builtin.set_fact', 'ansible.legacy.set_fact'],
  readOnly: true,
  params: { cacheable: { type: 'bool', default: false } },
  additionalParams: true,
  probe: async () => null,
  plan: (p) => planSetFact(p),
  apply: applyResult,
};
