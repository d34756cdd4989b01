/**
 * One persistent `sh` on one channel, running framed commands one at a time (a queue), shared by
 * ssh and local connections. Optionally started through sudo (become).
 */
import { BecomeError, CommandError, FleetError } from '../errors.js';
import { becomeCommand, classifySudoFailure, promptsSeen, type BecomePlan } from './become.js';
import type { ChannelOpener, ShellChannel } from './channel.js';
import type { BecomeSpec, CommandResult, RunOptions } from './connection.js';
import { buildFrame, FrameReader, newToken, readyMarker, shellStartCommand } from './framing.js';

export interface SessionBecome {
  spec: Partial<BecomeSpec>;
  user: string;
  /** The user sudo runs as (for messages). */
  loginUser?: string;
}

export interface ShellSessionOptions {
  host: string;
  open: ChannelOpener;
  become?: SessionBecome;
  /** How long to wait for the shell (and sudo) to start. Default 30 s. */
  startTimeoutMs?: number;
  /** Makes the error for a command whose channel died under it (default: CommandError). */
  lostError?: (reason: string) => FleetError;
  /** Best-effort clean-up of a shell given up on after a timeout (e.g. kill its process group). */
  onAbandon?: (pid: number | undefined) => Promise<void> | void;
}

type Listener<T> = (value: T) => void;

interface Live {
  channel: ShellChannel;
  pid: number | undefined;
  closed: boolean;
  closeReason?: string;
  stdout: Listener<Buffer>;
  stderr: Listener<Buffer>;
  close: Listener<string>;
}

const idle = (): void => {};
const MAX_START_STDERR = 64 * 1024;
/** How long a timed-out command waits for its processes to be killed before it is reported. */
const ABANDON_WAIT_MS = 5_000;

export interface ShellRunOptions extends Pick<RunOptions, 'env' | 'cwd' | 'stdin' | 'timeoutMs'> {}

export class ShellSession {
  private live: Live | undefined;
  private starting: Promise<Live> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private closedForGood = false;
  /** How many channels this session opened (1 for a session that never died). */
  channelsOpened = 0;
  /** Commands completed on this session. */
  commandsRun = 0;

  constructor(private readonly options: ShellSessionOptions) {}

  /** The pid of the current persistent shell, once started. */
  get pid(): number | undefined {
    return this.live?.pid;
  }

  /** Start the shell now (otherwise the first command does). */
  async start(): Promise<void> {
    await this.ensureLive();
  }

  /** Run one command; calls are queued and run one after another. */
  run(command: string, options: ShellRunOptions = {}): Promise<CommandResult> {
    const result = this.queue.then(() => this.exec(command, options));
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Close the shell; queued commands fail. */
  close(): void {
    this.closedForGood = true;
    const live = this.live;
    this.live = undefined;
    if (live && !live.closed) {
      live.closed = true;
      live.close('the connection was closed');
      live.channel.close();
    }
  }

  private ensureLive(): Promise<Live> {
    if (this.closedForGood) return Promise.reject(new CommandError('connection closed', { host: this.options.host }));
    if (this.live && !this.live.closed) return Promise.resolve(this.live);
    if (!this.starting) {
      this.starting = this.startShell().finally(() => {
        this.starting = undefined;
      });
    }
    return this.starting;
  }

  private async startShell(): Promise<Live> {
    const { host, become } = this.options;
    const token = newToken();
    let plan: BecomePlan | undefined;
    let commandLine: string;
    if (become) {
      plan = becomeCommand(become.spec, become.user, token);
      commandLine = plan.commandLine;
    } else {
      commandLine = `exec ${shellStartCommand(token)}`;
    }
    const channel = await this.options.open(commandLine);
    this.channelsOpened++;
    const live: Live = { channel, pid: undefined, closed: false, stdout: idle, stderr: idle, close: idle };
    channel.onStdout((c) => live.stdout(c));
    channel.onStderr((c) => live.stderr(c));
    channel.onClose((reason) => {
      if (live.closed) return;
      live.closed = true;
      live.closeReason = reason;
      if (this.live === live) this.live = undefined;
      live.close(reason);
      // The shell died on its own: end its leftovers (process group) and the channel.
      try {
        this.options.onAbandon?.(live.pid);
      } catch {
        /* best effort */
      }
      channel.close();
    });

    await new Promise<void>((resolve, reject) => {
      const ready = new FrameReader(null, readyMarker(token), true);
      let stderr = '';
      let answered = 0;
      let settled = false;
      const timeoutMs = this.options.startTimeoutMs ?? 30_000;
      const timer = setTimeout(() => {
        fail(
          plan
            ? new BecomeError(`timed out after ${Math.round(timeoutMs / 1000)}s waiting for ${plan.method} to start a shell as ${plan.user}`, { host, stderr: stderr.trim() || undefined })
            : new CommandError(`timed out after ${Math.round(timeoutMs / 1000)}s starting /bin/sh`, { host }),
        );
      }, timeoutMs);
      const finish = (err?: FleetError): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        live.stdout = idle;
        live.stderr = idle;
        live.close = idle;
        if (err) {
          live.closed = true;
          channel.close();
          reject(err);
        } else resolve();
      };
      const fail = (err: FleetError): void => finish(err);
      const failure = (why: string): FleetError => {
        if (plan) {
          return classifySudoFailure(stderr, plan, {
            host,
            loginUser: become?.loginUser,
            exe: become?.spec.exe,
            passwordGiven: become?.spec.password !== undefined,
          });
        }
        return (this.options.lostError ?? ((r: string) => new CommandError(r, { host })))(
          `could not start /bin/sh: ${stderr.trim() || why}`,
        );
      };
      live.stdout = (chunk) => {
        try {
          if (ready.push(chunk)) {
            const pid = Number.parseInt(ready.trailerText(), 10);
            live.pid = Number.isFinite(pid) ? pid : undefined;
            finish();
          }
        } catch (e) {
          fail(new CommandError(`could not start /bin/sh: ${(e as Error).message}`, { host }));
        }
      };
      live.stderr = (chunk) => {
        if (stderr.length < MAX_START_STDERR) stderr += chunk.toString('utf8');
        if (!plan) return;
        const prompts = promptsSeen(stderr, plan);
        if (prompts > answered) {
          if (answered >= 1 || /sorry, try again/i.test(stderr)) {
            fail(new BecomeError(`incorrect ${plan.method} password`, { host, hint: 'check the become password (ansible_become_password / --ask-become-pass)' }));
            return;
          }
          const password = become?.spec.password;
          if (password === undefined) {
            fail(
              new BecomeError(
                plan.method === 'su'
                  ? `su to ${plan.user} requires a password but no become password was given`
                  : `sudo requires a password for ${become?.loginUser ? `user ${become.loginUser}` : 'the login user'} but no become password was given`,
                { host, hint: 'set ansible_become_password or use --ask-become-pass' },
              ),
            );
            return;
          }
          answered++;
          channel.write(`${password}\n`);
        }
      };
      live.close = (reason) => fail(failure(reason));
      if (live.closed) fail(failure(live.closeReason ?? 'the channel closed'));
    });

    this.live = live;
    return live;
  }

  private async exec(command: string, options: ShellRunOptions): Promise<CommandResult> {
    const { host } = this.options;
    const frame = buildFrame(command, options);
    const live = await this.ensureLive();
    return new Promise<CommandResult>((resolve, reject) => {
      const out = new FrameReader(frame.begin, frame.end, true);
      const err = new FrameReader(frame.begin, frame.end, false);
      let timer: NodeJS.Timeout | undefined;
      let settled = false;
      const finish = (error: FleetError | undefined, result?: CommandResult): void => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        live.stdout = idle;
        live.stderr = idle;
        live.close = idle;
        if (error) reject(error);
        else resolve(result as CommandResult);
      };
      const check = (): void => {
        if (!out.done || !err.done) return;
        const rc = Number.parseInt(out.trailerText(), 10);
        if (!Number.isFinite(rc)) {
          this.abandon(live);
          finish(new CommandError(`framing error: bad exit status ${JSON.stringify(out.trailerText())}`, { host, command }));
          return;
        }
        this.commandsRun++;
        finish(undefined, { rc, stdout: out.output(), stderr: err.output() });
      };
      const guard = (reader: FrameReader) => (chunk: Buffer) => {
        try {
          reader.push(chunk);
        } catch (e) {
          this.abandon(live);
          finish(new CommandError(`${(e as Error).message}`, { host, command }));
          return;
        }
        check();
      };
      live.stdout = guard(out);
      live.stderr = guard(err);
      live.close = (reason) => {
        const make = this.options.lostError ?? ((r: string) => new CommandError(r, { host }));
        const e = make(`the shell session ended while running a command (${reason})`);
        if (!e.context.command) e.context.command = command;
        finish(e);
      };
      if (options.timeoutMs !== undefined && options.timeoutMs > 0) {
        timer = setTimeout(() => {
          const error = new CommandError(`command timed out after ${formatMs(options.timeoutMs as number)}`, {
            host,
            command,
            hint: 'the shell session was reset; raise the timeout if the command needs longer',
          });
          // Report once the command's processes are gone (or after a bounded wait for the kill).
          let waited: NodeJS.Timeout | undefined;
          void Promise.race([Promise.resolve(this.abandon(live)).catch(() => undefined), new Promise((r) => (waited = setTimeout(r, ABANDON_WAIT_MS)))]).then(() => {
            clearTimeout(waited);
            finish(error);
          });
        }, options.timeoutMs);
      }
      if (live.closed) {
        live.close(live.closeReason ?? 'the channel closed');
        return;
      }
      try {
        live.channel.write(frame.script);
      } catch (e) {
        this.abandon(live);
        finish(new CommandError(`could not write to the shell: ${(e as Error).message}`, { host, command }));
      }
    });
  }

  /** Give up on a shell (timeout, framing error): close it and kill what it runs; the next command opens a new one. */
  private abandon(live: Live): Promise<void> | void {
    if (this.live === live) this.live = undefined;
    if (live.closed) return;
    live.closed = true;
    let killed: Promise<void> | void = undefined;
    try {
      killed = this.options.onAbandon?.(live.pid);
    } catch {
      /* best effort */
    }
    live.channel.close();
    return killed;
  }
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms % 1000 ? 1 : 0)}s` : `${ms}ms`;
}
