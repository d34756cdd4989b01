/**
 * Opening one authenticated ssh2 Client to one target (directly or over a tunnelled socket), with
 * host key checking, keepalive and a hard time limit, and turning every failure into an
 * UnreachableError (or HostKeyError) that says why.
 */
import type { Duplex } from 'node:stream';
import type Ssh2 from 'ssh2';
import type { ClientChannel } from 'ssh2';
import { HostKeyError, UnreachableError } from '../errors.js';
import { describeAuthFailure, makeAuthHandler, type AuthLog } from './auth.js';
import { ssh2 } from './ssh2-lib.js';
import { checkHostKey, preferredHostKeyAlgorithms } from './known-hosts.js';
import type { SshTarget } from './resolve.js';

type Client = InstanceType<typeof Ssh2.Client>;
type SshError = Error & { level?: string; code?: string; description?: string };

export interface OpenedClient {
  client: Client;
  /** Set when the connection goes down after it was up. */
  onDown(listener: (reason: string) => void): void;
  readonly alive: boolean;
  readonly downReason: string | undefined;
}

function where(t: SshTarget): string {
  return `${t.address}:${t.port}`;
}

function mapConnectError(t: SshTarget, err: SshError | undefined, log: AuthLog, host: string): UnreachableError {
  const ctx = { host };
  const prefix = t.jumps.length === 0 && t.label.startsWith('jump host') ? `${t.label}: ` : '';
  const mk = (message: string, hint?: string): UnreachableError => new UnreachableError(prefix + message, hint ? { ...ctx, hint } : ctx);
  if (!err) return mk(`connection to ${where(t)} closed during the ssh handshake`);
  const code = err.code ?? '';
  if (err.level === 'client-authentication') {
    const d = describeAuthFailure(t, log);
    return mk(d.message, d.hint);
  }
  if (err.level === 'client-timeout' && log.tried.length) {
    return mk(
      `timed out after ${t.timeoutSec}s authenticating as ${t.user}@${where(t)} (tried ${log.tried.join(', ')})`,
      'the server may delay failed attempts; check the credentials or raise the timeout',
    );
  }
  if (err.level === 'client-timeout') {
    return mk(`timed out after ${t.timeoutSec}s connecting to ${where(t)}`, 'is the host up and reachable? raise the timeout with -T / ansible_timeout');
  }
  switch (code) {
    case 'ECONNREFUSED':
      return mk(`connection refused by ${where(t)} (ECONNREFUSED)`, 'is sshd running and listening on that port?');
    case 'EHOSTUNREACH':
      return mk(`no route to host ${where(t)} (EHOSTUNREACH)`);
    case 'ENETUNREACH':
      return mk(`network unreachable for ${where(t)} (ENETUNREACH)`);
    case 'ETIMEDOUT':
      return mk(`timed out connecting to ${where(t)} (ETIMEDOUT)`);
    case 'ECONNRESET':
      return mk(`connection reset by ${where(t)} (ECONNRESET)`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return mk(`cannot resolve host name ${t.address} (${code})`);
    default:
      break;
  }
  if (err.level === 'client-dns') return mk(`cannot resolve host name ${t.address}: ${err.message}`);
  if (/before handshake/i.test(err.message)) {
    return mk(`connection to ${where(t)} closed before the ssh handshake`, 'is sshd overloaded (MaxStartups) or going down?');
  }
  return mk(`cannot connect to ${where(t)}: ${err.message}${err.description ? ` (${err.description})` : ''}`);
}

/** Connect and authenticate one client; rejects with UnreachableError / HostKeyError. */
export async function openClient(t: SshTarget, host: string, sock?: Duplex): Promise<OpenedClient> {
  const algorithms = t.hostKeyChecking === 'off' ? undefined : await preferredHostKeyAlgorithms(t.address, t.port, t.knownHostsFiles);
  const client = new (ssh2().Client)();
  const log: AuthLog = { tried: [], problems: [] };
  let hostKeyError: HostKeyError | undefined;
  let lastError: SshError | undefined;
  let ready = false;
  let alive = false;
  let downReason: string | undefined;
  const downListeners: ((reason: string) => void)[] = [];

  return new Promise<OpenedClient>((resolve, reject) => {
    let settled = false;
    const guardMs = t.timeoutSec * 1000 + 5000;
    const guard = setTimeout(() => {
      lastError = Object.assign(new Error('timed out'), { level: 'client-timeout' });
      fail();
    }, guardMs);
    const fail = (): void => {
      if (settled) return;
      settled = true;
      clearTimeout(guard);
      try {
        client.end();
      } catch {
        /* ignore */
      }
      sock?.destroy();
      if (hostKeyError) {
        hostKeyError.context.host = host;
        reject(hostKeyError);
      } else reject(mapConnectError(t, lastError, log, host));
    };
    client.on('error', (e: SshError) => {
      if (!ready) {
        if (e.level === 'agent') {
          log.problems.push(`ssh-agent: ${e.message}`);
          return;
        }
        if (e.level === 'client-authentication' && /sign/i.test(e.message)) {
          log.problems.push(e.message);
          return;
        }
        lastError = e;
        return;
      }
      downReason = e.level === 'client-timeout' ? `no answer to keepalives from ${where(t)}` : e.message;
    });
    const down = (): void => {
      if (!alive) return;
      alive = false;
      const reason = downReason ?? `connection to ${where(t)} closed`;
      downReason = reason;
      for (const l of downListeners) l(reason);
    };
    // 'end' comes before the channels are torn down: mark the connection down first, so a command
    // whose channel dies with it is reported as a lost connection.
    client.on('end', () => {
      if (ready) down();
    });
    client.on('close', () => {
      if (!ready) {
        fail();
        return;
      }
      down();
    });
    client.on('ready', () => {
      ready = true;
      alive = true;
      clearTimeout(guard);
      settled = true;
      client.setNoDelay(true);
      resolve({
        client,
        onDown: (l) => downListeners.push(l),
        get alive() {
          return alive;
        },
        get downReason() {
          return downReason;
        },
      });
    });
    const keepaliveMs = Math.max(0, t.keepaliveSec) * 1000;
    try {
      client.connect({
        host: t.address,
        port: t.port,
        username: t.user,
        sock,
        readyTimeout: t.timeoutSec * 1000,
        keepaliveInterval: keepaliveMs,
        keepaliveCountMax: t.keepaliveCountMax,
        algorithms: algorithms ? { serverHostKey: algorithms as never } : undefined,
        authHandler: makeAuthHandler(t, log),
        hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
          checkHostKey({
            host: t.address,
            port: t.port,
            label: t.label,
            key,
            mode: t.hostKeyChecking,
            files: t.knownHostsFiles,
            writeFile: t.knownHostsWriteFile,
            hashNew: t.hashKnownHosts,
          }).then(
            () => verify(true),
            (e: unknown) => {
              hostKeyError =
                e instanceof HostKeyError ? e : new HostKeyError(`cannot check the host key of ${t.label}: ${(e as Error).message}`);
              verify(false);
            },
          );
        },
      });
    } catch (e) {
      lastError = e as SshError;
      fail();
    }
  });
}

/** Open a TCP tunnel through `client` to host:port (ProxyJump's `-W`). */
export function forwardOut(client: Client, address: string, port: number): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    try {
      client.forwardOut('127.0.0.1', 0, address, port, (err, stream) => (err ? reject(err) : resolve(stream)));
    } catch (e) {
      reject(e as Error);
    }
  });
}

/** Run a command on a side channel and resolve when it ends (or fails to start); never rejects. */
export function execAndWait(client: Client, command: string): Promise<void> {
  return new Promise((resolve) => {
    try {
      client.exec(command, (err, ch) => {
        if (err || !ch) return resolve();
        ch.on('data', () => {});
        ch.stderr.on('data', () => {});
        ch.on('error', () => resolve());
        ch.on('close', () => resolve());
      });
    } catch {
      resolve();
    }
  });
}

