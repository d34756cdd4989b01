/**
 * A Connection over ssh2: one connection per host for the whole run (through ProxyJump hosts if
 * any), one persistent `sh` per (host, become user), each on one exec channel, framed commands.
 */
import type { Duplex } from 'node:stream';
import type { ClientChannel } from 'ssh2';
import { FleetError, UnreachableError } from '../errors.js';
import type { ChannelOpener, ShellChannel } from './channel.js';
import type { BecomeMethod, CommandResult, ConnectionSpec } from './connection.js';
import { resolveSshTarget, type SshTarget } from './resolve.js';
import { ShellConnection } from './shell-connection.js';
import { execAndWait, forwardOut, openClient, type OpenedClient } from './ssh-client.js';

const EXIT_GRACE_MS = 250;

function wrapChannel(ch: ClientChannel): ShellChannel {
  let closed = false;
  let exit: string | undefined;
  const listeners: ((reason: string) => void)[] = [];
  const fire = (reason: string): void => {
    if (closed) return;
    closed = true;
    for (const l of listeners) l(reason);
  };
  // The shell's exit ends the session even while an orphaned child still holds the channel's
  // output open (sshd closes the channel only when its pipes are closed); a short grace lets the
  // last output (e.g. sudo's complaint) arrive first.
  ch.on('exit', (code: number | null, signal?: string) => {
    exit = signal ? `the shell was killed by ${signal.startsWith('SIG') ? signal : `SIG${signal}`}` : `the shell exited with code ${code}`;
    const reason = exit;
    setTimeout(() => fire(reason), EXIT_GRACE_MS).unref();
  });
  ch.on('error', () => {});
  ch.on('close', () => fire(exit ?? 'the channel closed'));
  return {
    write: (data) => {
      if (!closed) ch.write(data);
    },
    onStdout: (l) => ch.on('data', l),
    onStderr: (l) => ch.stderr.on('data', l),
    onClose: (l) => {
      listeners.push(l);
    },
    close: () => {
      try {
        ch.close();
      } catch {
        /* already gone */
      }
    },
  };
}

export class SshConnection extends ShellConnection {
  private target: SshTarget | undefined;
  private main: OpenedClient | undefined;
  private jumps: OpenedClient[] = [];
  private connecting: Promise<void> | undefined;
  /** How many times a connection was set up (1 for a run without reconnects). */
  connectCount = 0;

  constructor(readonly spec: ConnectionSpec) {
    super(spec.host, spec.become);
  }

  /** The resolved target (address, port, user, ...) once connected. */
  get resolved(): SshTarget | undefined {
    return this.target;
  }

  connect(): Promise<void> {
    if (this.main?.alive) return Promise.resolve();
    if (!this.connecting) {
      this.connecting = this.open().finally(() => {
        this.connecting = undefined;
      });
    }
    return this.connecting;
  }

  private async open(): Promise<void> {
    this.dropClients();
    let target: SshTarget;
    try {
      target = resolveSshTarget(this.spec);
    } catch (e) {
      if (e instanceof FleetError) {
        e.context.host ??= this.host;
        throw e;
      }
      throw new UnreachableError(`cannot resolve the ssh settings: ${(e as Error).message}`, { host: this.host });
    }
    this.target = target;
    const opened: OpenedClient[] = [];
    try {
      let sock: Duplex | undefined;
      const hops = [...target.jumps, target];
      for (let i = 0; i < hops.length; i++) {
        const hop = hops[i];
        const c = await openClient(hop, this.host, sock);
        opened.push(c);
        if (i === hops.length - 1) break;
        const next = hops[i + 1];
        try {
          sock = await forwardOut(c.client, next.address, next.port);
        } catch (e) {
          throw new UnreachableError(
            `${hop.label} (${hop.address}:${hop.port}) could not open a tunnel to ${next.address}:${next.port}: ${(e as Error).message}`,
            { host: this.host, hint: 'is the target reachable from the jump host?' },
          );
        }
      }
    } catch (e) {
      for (const c of opened) safeEnd(c);
      throw e;
    }
    this.main = opened[opened.length - 1];
    this.jumps = opened.slice(0, -1);
    this.connectCount++;
    const main = this.main;
    // When the connection dies, the shells die with it; the next command reconnects.
    main.onDown(() => {
      if (this.main === main) this.closeSessions();
    });
    for (const j of this.jumps) j.onDown(() => safeEnd(main));
  }

  protected opener(): ChannelOpener {
    return async (commandLine) => {
      await this.connect();
      const main = this.main as OpenedClient;
      return new Promise<ShellChannel>((resolve, reject) => {
        try {
          main.client.exec(commandLine, (err, ch) => {
            if (err) reject(this.lostError(`could not open a channel: ${err.message}`));
            else resolve(wrapChannel(ch));
          });
        } catch (e) {
          reject(this.lostError(`could not open a channel: ${(e as Error).message}`));
        }
      });
    };
  }

  /**
   * Run one command on a fresh exec channel of this connection, without the persistent shell
   * (what most ssh libraries do for every command; the bench compares the two). stdin is empty.
   */
  async execOnNewChannel(command: string): Promise<CommandResult> {
    await this.connect();
    const main = this.main as OpenedClient;
    return new Promise<CommandResult>((resolve, reject) => {
      try {
        main.client.exec(command, (err, ch) => {
          if (err) return reject(this.lostError(`could not open a channel: ${err.message}`));
          const out: Buffer[] = [];
          const errs: Buffer[] = [];
          let rc = -1;
          ch.on('data', (b: Buffer) => out.push(b));
          ch.stderr.on('data', (b: Buffer) => errs.push(b));
          ch.on('exit', (code: number | null) => {
            rc = code ?? -1;
          });
          ch.on('close', () => resolve({ rc, stdout: Buffer.concat(out), stderr: Buffer.concat(errs) }));
          ch.end();
        });
      } catch (e) {
        reject(this.lostError(`could not open a channel: ${(e as Error).message}`));
      }
    });
  }

  protected loginUser(): string | undefined {
    return this.target?.user;
  }

  protected override startTimeoutMs(): number {
    return Math.max(30_000, (this.target?.timeoutSec ?? 10) * 1000);
  }

  protected override lostError(reason: string): FleetError {
    if (this.main && !this.main.alive) {
      return new UnreachableError(`connection lost: ${this.main.downReason ?? reason}`, { host: this.host });
    }
    return super.lostError(reason);
  }

  protected override abandonShell(pid: number | undefined, becomeUser: string | undefined, method: BecomeMethod): Promise<void> | void {
    // Kill every process of the shell's session: sshd made the channel's first process a session
    // leader, and sudo runs the shell in that session (su starts a session of its own), so the
    // command's children die too.
    if (!pid || !this.main?.alive) return;
    const kill = `s=$(ps -o sid= -p ${pid} 2>/dev/null | tr -d ' '); if [ -n "$s" ] && [ "$s" != 0 ]; then kill -KILL -- -"$s" 2>/dev/null; pkill -KILL -s "$s" 2>/dev/null; fi; kill -KILL ${pid} 2>/dev/null; true`;
    if (becomeUser === undefined || this.target?.user === 'root') return execAndWait(this.main.client, kill);
    // The shell belongs to another user: kill it as that user, through a new become shell.
    return this.runAsideAs(kill, becomeUser, method);
  }

  private dropClients(): void {
    if (this.main) safeEnd(this.main);
    for (const j of this.jumps) safeEnd(j);
    this.main = undefined;
    this.jumps = [];
  }

  protected async closeTransport(): Promise<void> {
    const all = [this.main, ...this.jumps].filter((c): c is OpenedClient => !!c);
    this.main = undefined;
    this.jumps = [];
    await Promise.all(
      all.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (!c.alive) return resolve();
            const t = setTimeout(resolve, 1000);
            c.onDown(() => {
              clearTimeout(t);
              resolve();
            });
            safeEnd(c);
          }),
      ),
    );
  }
}

function safeEnd(c: OpenedClient): void {
  try {
    c.client.end();
  } catch {
    /* ignore */
  }
}
