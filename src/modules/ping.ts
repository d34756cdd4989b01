import type { ModuleDefinition } from './types.js';

/** ping: proves fleet can log in and run a command; changes nothing. */
export const ping: ModuleDefinition<{ data: string }, { ok: boolean }, never> = {
  name: 'ping',
  aliases: ['ansible.builtin.ping', 'ansible.legacy.ping'],
  params: { data: { type: 'str', default: 'pong' } },
  readOnly: true,
  probe: async (ctx) => ({ ok: (await ctx.run('echo pong')).stdout.toString().trim() === 'pong' }),
  plan: () => ({ actions: [] }),
  apply: async (_ctx, p) => {
    // Ansible's documented `data: crash`: the module raises, and the result is a module failure.
    if (p.data === 'crash') {
      return {
        changed: false,
        failed: true,
        msg: 'MODULE FAILURE\nSee stdout/stderr for the exact error',
        module_stdout: '',
        module_stderr: 'Traceback (most recent call last):\n  File "ping", in main\nException: boom\n',
        rc: 1,
      };
    }
    return { changed: false, ping: p.data };
  },
};
