/**
 * ansible_connection=local: the same persistent-shell framing, over a local `sh` child process.
 */
import { spawn } from 'node:child_process';
import { userInfo } from 'node:os';
import type { ChannelOpener, ShellChannel } from './channel.js';
import type { BecomeSpec, ConnectionSpec } from './connection.js';
import { ShellConnection } from './shell-connection.js';

function localUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? String(process.getuid?.() ?? '');
  }
}

/** Run `commandLine` through a local /bin/sh in its own process group. */
export const openLocalChannel: ChannelOpener = async (commandLine) => {
  const child = spawn('/bin/sh', ['-c', commandLine], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  let closed = false;
  const closeListeners: ((reason: string) => void)[] = [];
  const fire = (reason: string): void => {
    if (closed) return;
    closed = true;
    for (const l of closeListeners) l(reason);
  };
  child.on('error', (e) => fire(`could not start /bin/sh: ${e.message}`));
  // An orphaned child may keep the pipes open after the shell died, so 'close' may never come:
  // after 'exit', wait only a short grace for the last output.
  let exitReason: string | undefined;
  child.on('exit', (code, signal) => {
    const reason = signal ? `the shell was killed by ${signal}` : `the shell exited with code ${code}`;
    exitReason = reason;
    setTimeout(() => fire(reason), 250).unref();
  });
  child.on('close', () => fire(exitReason ?? 'the shell exited'));
  // Writes to a shell that died are reported through 'close'; do not crash on EPIPE.
  child.stdin.on('error', () => {});
  const channel: ShellChannel = {
    write: (data) => {
      if (!closed) child.stdin.write(data);
    },
    onStdout: (l) => child.stdout.on('data', l),
    onStderr: (l) => child.stderr.on('data', l),
    onClose: (l) => {
      closeListeners.push(l);
    },
    close: () => {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          try {
            child.kill('SIGKILL');
          } catch {
            /* gone */
          }
        }
      }
      child.stdin.destroy();
    },
  };
  return channel;
};

export class LocalConnection extends ShellConnection {
  private readonly user = localUser();

  constructor(host: string, become?: BecomeSpec) {
    super(host, become);
  }

  static fromSpec(spec: Pick<ConnectionSpec, 'host' | 'become'>): LocalConnection {
    return new LocalConnection(spec.host, spec.become);
  }

  async connect(): Promise<void> {}

  protected opener(): ChannelOpener {
    return openLocalChannel;
  }

  protected loginUser(): string {
    return this.user;
  }

  protected async closeTransport(): Promise<void> {}
}
