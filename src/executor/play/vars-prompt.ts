import type { Vars } from '../../inventory/model.js';
import type { Play, VarPrompt } from '../../playbook/model.js';
import { passwordHash } from '../../template/crypt.js';

/** Asks one question on the terminal; given by the CLI only when there is one. */
export type Prompter = (question: { name: string; prompt: string; private: boolean; default?: unknown }) => Promise<string>;

const NOT_INTERACTIVE = 'Not prompting as we are not in interactive mode';

async function ask(prompt: VarPrompt, prompter: Prompter, warn: (message: string) => void): Promise<unknown> {
  const question = { name: prompt.name, prompt: prompt.prompt, private: prompt.private, ...(prompt.default !== undefined ? { default: prompt.default } : {}) };
  for (;;) {
    const first = await prompter(question);
    const answer = first === '' && prompt.default !== undefined ? prompt.default : first;
    if (!prompt.confirm) return answer;
    const again = await prompter({ ...question, prompt: `confirm ${prompt.prompt}` });
    if ((again === '' && prompt.default !== undefined ? prompt.default : again) === answer) return answer;
    warn('***** VALUES ENTERED DO NOT MATCH ****');
  }
}

/**
 * The play's vars_prompt answers, as play variables (text, as in Ansible). A variable given with
 * -e is not asked for; without a terminal nothing is asked (Ansible's warning) and the default is
 * used, else the string "None" as Ansible has it.
 */
export async function promptedVars(play: Play, extraVars: Vars, prompter: Prompter | undefined, warn: (message: string) => void): Promise<Vars> {
  const out: Vars = {};
  let warned = false;
  for (const prompt of play.vars_prompt ?? []) {
    if (Object.hasOwn(extraVars, prompt.name)) continue;
    let value: unknown;
    if (prompter) value = await ask(prompt, prompter, warn);
    else {
      if (!warned) warn(NOT_INTERACTIVE);
      warned = true;
      value = prompt.default ?? null;
    }
    if (prompt.encrypt && value !== null && value !== undefined) value = passwordHash(String(value), prompt.encrypt, prompt.salt, undefined, prompt.salt_size);
    // As Ansible: the answer is always text, so no answer and no default is the string "None".
    out[prompt.name] = value === null || value === undefined ? 'None' : String(value);
  }
  return out;
}
