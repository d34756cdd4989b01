/**
 * User authentication in OpenSSH's order: ssh-agent keys, then private key files, then password
 * (and keyboard-interactive answered with the password). Records what was tried so a failure can
 * say so; never records a secret.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { AnyAuthMethod, AuthenticationType, AuthHandlerMiddleware, NextAuthHandler, ParsedKey } from 'ssh2';
import type { SshTarget } from './resolve.js';
import { ssh2 } from './ssh2-lib.js';

export interface AuthLog {
  /** Methods tried, in order, e.g. "agent", "publickey /root/.ssh/id_ed25519", "password". */
  tried: string[];
  /** Why a method could not be used (wrong passphrase, unreadable key, agent down). */
  problems: string[];
  /** What the server said it accepts, once known. */
  serverMethods?: string[];
  /** A key was encrypted and its passphrase was wrong. */
  wrongPassphrase?: string;
}

type Step = { needs: AuthenticationType; label: string; make: () => Promise<AnyAuthMethod | undefined> };

async function loadKey(file: string, passphrase: SshTarget['passphrase'], log: AuthLog): Promise<ParsedKey | undefined> {
  let data: Buffer;
  try {
    data = await readFile(file);
  } catch (e) {
    log.problems.push(`key ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    return undefined;
  }
  const first = (k: ParsedKey | ParsedKey[] | Error): ParsedKey | Error => (Array.isArray(k) ? k[0] : k);
  let key = first(ssh2().utils.parseKey(data));
  if (key instanceof Error && /no passphrase given/i.test(key.message)) {
    let pass: string | undefined;
    try {
      pass = typeof passphrase === 'function' ? await passphrase(file) : passphrase;
    } catch {
      pass = undefined;
    }
    if (pass === undefined || pass === '') {
      log.problems.push(`key ${file}: encrypted, and no passphrase was given`);
      return undefined;
    }
    key = first(ssh2().utils.parseKey(data, pass));
    if (key instanceof Error) {
      if (/passphrase|integrity|decrypt/i.test(key.message)) {
        log.wrongPassphrase = file;
        log.problems.push(`key ${file}: wrong passphrase`);
      } else log.problems.push(`key ${file}: ${key.message}`);
      return undefined;
    }
  }
  if (key instanceof Error) {
    log.problems.push(`key ${file}: ${key.message}`);
    return undefined;
  }
  if (!key.isPrivateKey()) {
    log.problems.push(`key ${file}: not a private key`);
    return undefined;
  }
  return key;
}

/** An ssh2 authHandler trying agent, key files, password, keyboard-interactive in turn. */
export function makeAuthHandler(t: SshTarget, log: AuthLog): AuthHandlerMiddleware {
  const username = t.user;
  const steps: Step[] = [];
  if (t.agent) {
    const agent = t.agent;
    steps.push({
      needs: 'publickey',
      label: 'agent',
      make: async () => {
        if (!existsSync(agent)) {
          log.problems.push(`ssh-agent socket ${agent} does not exist`);
          return undefined;
        }
        return { type: 'agent', username, agent };
      },
    });
  }
  for (const file of t.keyFiles) {
    steps.push({
      needs: 'publickey',
      label: `publickey ${file}`,
      make: async () => {
        const key = await loadKey(file, t.passphrase, log);
        return key ? { type: 'publickey', username, key } : undefined;
      },
    });
  }
  if (t.password !== undefined) {
    const password = t.password;
    steps.push({ needs: 'password', label: 'password', make: async () => ({ type: 'password', username, password }) });
    steps.push({
      needs: 'keyboard-interactive',
      label: 'keyboard-interactive',
      make: async () => ({
        type: 'keyboard-interactive',
        username,
        prompt: (_name, _instructions, _lang, prompts, finish) => finish(prompts.map(() => password)),
      }),
    });
  }
  let i = -1;
  return (methodsLeft, _partial, next: NextAuthHandler) => {
    if (methodsLeft && methodsLeft.length) log.serverMethods = [...methodsLeft];
    if (i === -1) {
      i = 0;
      // Like OpenSSH: ask with "none" first, which tells what the server accepts.
      next({ type: 'none', username });
      return;
    }
    const advance = async (): Promise<void> => {
      while (i < steps.length) {
        const step = steps[i++];
        if (methodsLeft && !methodsLeft.includes(step.needs)) continue;
        const method = await step.make();
        if (!method) continue;
        log.tried.push(step.label);
        next(method);
        return;
      }
      (next as unknown as (m: false) => void)(false);
    };
    advance().catch(() => (next as unknown as (m: false) => void)(false));
  };
}

/** The message for "All configured authentication methods failed". */
export function describeAuthFailure(t: SshTarget, log: AuthLog): { message: string; hint: string } {
  const server = log.serverMethods?.length ? `; the server accepts ${log.serverMethods.join(',')}` : '';
  const others = log.problems.filter((p) => !p.endsWith('wrong passphrase'));
  const problems = others.length ? `; ${others.join('; ')}` : '';
  let message: string;
  if (log.wrongPassphrase) {
    const also = log.tried.length ? `; also tried ${log.tried.join(', ')}` : '';
    message = `authentication failed as ${t.user}@${t.address}: wrong passphrase for key ${log.wrongPassphrase}${also}${server}${problems}`;
  } else {
    const tried = log.tried.length
      ? log.tried.join(', ')
      : `nothing usable (no ssh-agent, private key or password${log.problems.length ? ' that could be used' : ''})`;
    message = `authentication failed as ${t.user}@${t.address}: tried ${tried}${server}${problems}`;
  }
  const hint = log.wrongPassphrase
    ? 'give the right passphrase for the key, or add the key to ssh-agent'
    : 'check the user, the private key (ansible_ssh_private_key_file), the ssh-agent or the password';
  return { message, hint };
}

/** Whether a private key file is encrypted, so its passphrase can be asked for before connecting. */
export async function keyIsEncrypted(file: string): Promise<boolean> {
  let data: Buffer;
  try {
    data = await readFile(file);
  } catch {
    return false;
  }
  const key = ssh2().utils.parseKey(data);
  const first = Array.isArray(key) ? key[0] : key;
  return first instanceof Error && /no passphrase given/i.test(first.message);
}
