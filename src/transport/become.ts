/**
 * Privilege escalation with sudo or su: the command line that starts a persistent shell as another
 * user, and the reading of their answers (prompt, wrong password, not allowed, missing).
 *
 * The password is written to the program's stdin only (sudo `-S`; su reads it there when it has no
 * terminal), never put on a command line, in a message or in an error.
 */
import { BecomeError, type ErrorContext } from '../errors.js';
import type { BecomeSpec } from './connection.js';
import { shellStartCommand, shQuote } from './framing.js';

export const DEFAULT_BECOME_FLAGS = '-H -S -n';

export interface BecomePlan {
  /** The command line to run through the host's shell. */
  commandLine: string;
  /** The unique prompt sudo prints on stderr when it wants the password (su: its own prompt). */
  prompt: string;
  user: string;
  method: 'sudo' | 'su';
}

/** su's password prompt, as util-linux and shadow's su print it (any language's "Password:" ends in a colon). */
const SU_PROMPT = /(^|\n)[^\n]*(password|passwort|mot de passe|contraseña|senha|パスワード|密码)[^\n]*[:：] ?$/i;

/** How many password prompts the become program has printed on stderr so far. */
export function promptsSeen(stderr: string, plan: Pick<BecomePlan, 'prompt' | 'method'>): number {
  if (plan.method === 'su') return SU_PROMPT.test(stderr) ? stderr.split(/\n/).filter((l) => SU_PROMPT.test(l)).length || 1 : 0;
  return stderr.split(plan.prompt).length - 1;
}

/**
 * The su command line that starts a persistent shell as `user` (Ansible's su become: `su user -c
 * CMD`, run by the user's login shell). util-linux su runs the command in a new session.
 */
function suCommand(spec: Partial<BecomeSpec>, user: string, token: string): BecomePlan {
  const exe = spec.exe && spec.exe.trim() ? spec.exe.trim() : 'su';
  const flags = splitFlags(spec.flags ?? '');
  const parts = [exe.split(/\s+/).map(shQuote).join(' '), ...flags.map(shQuote), shQuote(user), '-c', shQuote(shellStartCommand(token))];
  return { commandLine: `exec ${parts.join(' ')}`, prompt: 'Password:', user, method: 'su' };
}

/** Split a flags string the simple way (sudo flags have no quoting needs). */
function splitFlags(flags: string): string[] {
  return flags.split(/\s+/).filter(Boolean);
}

/**
 * The sudo command line that starts a persistent shell as `user`. As Ansible does, `-n` is dropped
 * when a password is given, and `-S` is always there so the prompt comes on stderr and the answer
 * is read from stdin.
 */
export function becomeCommand(spec: Partial<BecomeSpec>, user: string, token: string): BecomePlan {
  if (spec.method === 'su') return suCommand(spec, user, token);
  const exe = spec.exe && spec.exe.trim() ? spec.exe.trim() : 'sudo';
  let flags = splitFlags(spec.flags ?? DEFAULT_BECOME_FLAGS);
  if (spec.password !== undefined) flags = flags.filter((f) => f !== '-n' && f !== '--non-interactive');
  // Our own -p and -u win; drop any the user gave.
  const cleaned: string[] = [];
  for (let i = 0; i < flags.length; i++) {
    const f = flags[i];
    if (f === '-p' || f === '-u') {
      i++;
      continue;
    }
    if (/^-[pu]./.test(f) || /^--(prompt|user)=/.test(f)) continue;
    cleaned.push(f);
  }
  if (!cleaned.includes('-S') && !cleaned.includes('--stdin')) cleaned.push('-S');
  const prompt = `[fleet-sudo-${token}] `;
  const parts = [
    exe.split(/\s+/).map(shQuote).join(' '),
    ...cleaned.map(shQuote),
    '-p',
    shQuote(prompt),
    '-u',
    shQuote(user),
    shellStartCommand(token),
  ];
  return { commandLine: `exec ${parts.join(' ')}`, prompt, user, method: 'sudo' };
}

/** Remove our prompt marker from sudo's stderr before showing it. */
export function cleanSudoStderr(stderr: string, prompt: string): string {
  return stderr.split(prompt).join('').trim();
}

/** Turn what su said on its way out into a clear BecomeError. */
function classifySuFailure(stderr: string, plan: Pick<BecomePlan, 'user'>, context: ErrorContext & { loginUser?: string; exe?: string; passwordGiven: boolean }): BecomeError {
  const text = stderr.replace(SU_PROMPT, '').replace(/^\s*Password:\s*/gim, '').trim();
  const who = context.loginUser ? `user ${context.loginUser}` : 'the login user';
  const ctx: ErrorContext = { host: context.host, stderr: text || undefined };
  const exe = context.exe ?? 'su';
  if (/authentication failure|incorrect password/i.test(text)) {
    return context.passwordGiven
      ? new BecomeError(`incorrect su password for ${plan.user}`, { ...ctx, hint: 'su asks for the password of the become user; check ansible_become_password / --ask-become-pass' })
      : new BecomeError(`su to ${plan.user} requires a password but no become password was given`, { ...ctx, hint: 'set ansible_become_password or use --ask-become-pass' });
  }
  if (/does not exist|unknown (user|login)/i.test(text)) return new BecomeError(`become user ${plan.user} does not exist on this host`, ctx);
  if (/must be run from a terminal/i.test(text)) return new BecomeError(`su on this host needs a terminal to read a password, which fleet does not give it`, { ...ctx, hint: 'use become_method: sudo, or log in as root' });
  if (/(not found|No such file or directory)/i.test(text) && text.includes(exe.split(/\s+/)[0]!)) return new BecomeError(`${exe} is not installed on this host`, ctx);
  return new BecomeError(`su to ${plan.user} as ${who} failed${text ? `: ${text}` : ''}`, ctx);
}

/** Turn what sudo (or su) said on its way out into a clear BecomeError. */
export function classifySudoFailure(
  stderr: string,
  plan: Pick<BecomePlan, 'prompt' | 'user'> & { method?: 'sudo' | 'su' },
  context: ErrorContext & { loginUser?: string; exe?: string; passwordGiven: boolean },
): BecomeError {
  if (plan.method === 'su') return classifySuFailure(stderr, plan, context);
  const text = cleanSudoStderr(stderr, plan.prompt);
  const who = context.loginUser ? `user ${context.loginUser}` : 'the login user';
  const ctx: ErrorContext = { host: context.host, stderr: text || undefined };
  const exe = context.exe ?? 'sudo';
  if (/sorry, try again|incorrect password attempt/i.test(text)) {
    return new BecomeError('incorrect sudo password', { ...ctx, hint: 'check the become password (ansible_become_password / --ask-become-pass)' });
  }
  if (/is not in the sudoers file|is not allowed to run sudo|may not run sudo/i.test(text)) {
    return new BecomeError(`${who} is not allowed to use sudo on this host (not in the sudoers file)`, ctx);
  }
  if (/a (terminal|password) is required/i.test(text)) {
    return new BecomeError(
      context.passwordGiven
        ? `sudo refused to read the password for ${who}`
        : `sudo requires a password for ${who} but no become password was given`,
      { ...ctx, hint: 'set ansible_become_password or use --ask-become-pass' },
    );
  }
  if (/is not allowed to execute|not allowed to execute/i.test(text)) {
    return new BecomeError(`${who} is not allowed to run a shell as ${plan.user} with sudo`, ctx);
  }
  if (/unknown user|user .* does not exist|unknown login/i.test(text)) {
    return new BecomeError(`become user ${plan.user} does not exist on this host`, ctx);
  }
  if (/(not found|No such file or directory)/i.test(text) && text.includes(exe.split(/\s+/)[0])) {
    return new BecomeError(`${exe} is not installed on this host`, { ...ctx, hint: 'install sudo or choose another become_exe' });
  }
  return new BecomeError(`sudo to ${plan.user} failed${text ? `: ${text}` : ''}`, ctx);
}
