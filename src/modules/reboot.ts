import { shQuote } from '../util/shlex.js';
import type { ModuleContext, ModuleDefinition, ModuleResult, Plan } from './types.js';
import { ModuleFailure } from './util/file-attrs.js';

/**
 * reboot (ansible.builtin.reboot): reboots the host and waits until it is back. The probe reads the
 * boot id (`boot_time_command`); apply starts the reboot in the background after
 * `pre_reboot_delay`, closes the Connection, then reconnects (Connection.close makes the next
 * command open a new connection) until the boot id differs and `test_command` succeeds, or fails
 * after `reboot_timeout`. Check mode reports changed without rebooting.
 */
export interface RebootParams {
  reboot_timeout: number;
  connect_timeout?: number;
  msg: string;
  pre_reboot_delay: number;
  post_reboot_delay: number;
  test_command: string;
  reboot_command?: string;
  boot_time_command: string;
  search_paths: string[];
}

export interface RebootState {
  bootId: string;
}

export interface RebootAction {
  kind: 'reboot';
  command: string;
}

/** The command that reboots: shutdown -r (as Ansible on Linux), in the background so it can return. */
export function rebootCommand(p: RebootParams): string {
  const cmd = p.reboot_command ?? `shutdown -r now ${shQuote(p.msg)} || reboot`;
  const delay = Math.max(0, Math.floor(p.pre_reboot_delay));
  // Detached: the shell returns at once; the reboot happens after the connection is closed.
  return `nohup sh -c ${shQuote(`sleep ${delay + 1}; PATH="$PATH:${p.search_paths.join(':')}"; ${cmd}`)} >/dev/null 2>&1 </dev/null &\necho started`;
}

export function planReboot(p: RebootParams, s: RebootState): Plan<RebootAction> {
  if (p.reboot_timeout <= 0) throw new ModuleFailure('reboot_timeout must be a positive number of seconds');
  if (!s.bootId) throw new ModuleFailure(`cannot read the boot id with: ${p.boot_time_command}`);
  return { actions: [{ kind: 'reboot', command: rebootCommand(p) }], result: { rebooted: true } };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function probe(ctx: ModuleContext, p: RebootParams): Promise<RebootState> {
  const r = await ctx.run(p.boot_time_command);
  if (r.rc !== 0) throw new ModuleFailure(`boot_time_command failed (rc ${r.rc}): ${r.stderr.toString('utf8').trim()}`);
  return { bootId: r.stdout.toString('utf8').trim() };
}

/** Waits for the host to come back with another boot id and a working test_command. */
export async function waitForReboot(ctx: ModuleContext, p: RebootParams, bootId: string, started: number, pollMs = 1000): Promise<ModuleResult> {
  const deadline = started + p.reboot_timeout * 1000;
  const attemptMs = Math.max(1000, (p.connect_timeout ?? 10) * 1000);
  let last = 'the host did not answer';
  let back = false;
  while (Date.now() < deadline) {
    await sleep(Math.min(pollMs, Math.max(0, deadline - Date.now())));
    try {
      if (!back) {
        const r = await ctx.connection.run(p.boot_time_command, { timeoutMs: attemptMs, ...(ctx.become ? { become: true, ...(ctx.becomeUser ? { becomeUser: ctx.becomeUser } : {}), ...(ctx.becomeMethod ? { becomeMethod: ctx.becomeMethod } : {}) } : {}) });
        const id = r.stdout.toString('utf8').trim();
        if (r.rc !== 0 || !id) last = `boot_time_command failed (rc ${r.rc})`;
        else if (id === bootId) last = 'the host has not rebooted yet (same boot id)';
        else back = true;
      }
      if (back) {
        const t = await ctx.connection.run(p.test_command, { timeoutMs: attemptMs, ...(ctx.become ? { become: true, ...(ctx.becomeUser ? { becomeUser: ctx.becomeUser } : {}), ...(ctx.becomeMethod ? { becomeMethod: ctx.becomeMethod } : {}) } : {}) });
        if (t.rc === 0) {
          if (p.post_reboot_delay > 0) await sleep(p.post_reboot_delay * 1000);
          return { changed: true, rebooted: true, elapsed: Math.round((Date.now() - started) / 1000) };
        }
        last = `test_command failed (rc ${t.rc}): ${t.stderr.toString('utf8').trim()}`;
      }
    } catch (e) {
      last = (e as Error).message;
      // A half-dead connection: drop it so the next attempt opens a new one.
      await ctx.connection.close().catch(() => undefined);
    }
  }
  return {
    changed: true,
    rebooted: false,
    failed: true,
    elapsed: Math.round((Date.now() - started) / 1000),
    msg: `Timed out waiting for ${ctx.host} to come back after the reboot (reboot_timeout=${p.reboot_timeout}s): ${last}`,
  };
}

async function apply(ctx: ModuleContext, p: RebootParams, plan: Plan<RebootAction>): Promise<ModuleResult> {
  const action = plan.actions[0];
  if (!action) return { changed: false, rebooted: false };
  const started = Date.now();
  const bootId = (await probe(ctx, p)).bootId;
  const r = await ctx.run(action.command);
  if (r.rc !== 0) return { changed: false, rebooted: false, failed: true, msg: `Reboot command failed (rc ${r.rc}): ${r.stderr.toString('utf8').trim()}` };
  // Close now: the old connection dies with the host; the next command opens a new one.
  await ctx.connection.close().catch(() => undefined);
  await sleep(Math.max(0, Math.floor(p.pre_reboot_delay)) * 1000);
  return waitForReboot(ctx, p, bootId, started);
}

export const reboot: ModuleDefinition<RebootParams, RebootState, RebootAction> = {
  name: 'reboot',
  aliases: ['ansible.builtin.reboot', 'ansible.legacy.reboot'],
  params: {
    reboot_timeout: { type: 'int', default: 600 },
    connect_timeout: { type: 'int' },
    msg: { type: 'str', default: 'Reboot initiated by Ansible' },
    pre_reboot_delay: { type: 'int', default: 0 },
    post_reboot_delay: { type: 'int', default: 0 },
    test_command: { type: 'str', default: 'whoami' },
    reboot_command: { type: 'str' },
    boot_time_command: { type: 'str', default: 'cat /proc/sys/kernel/random/boot_id' },
    search_paths: { type: 'list', elements: 'str', default: ['/sbin', '/bin', '/usr/sbin', '/usr/bin', '/usr/local/sbin'] },
  },
  probe,
  plan: planReboot,
  apply,
};
