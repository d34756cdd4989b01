/**
 * The part of a Connection that is the same over ssh and locally: one persistent shell for plain
 * commands, one per become user, put/get built on framed commands.
 */
import { BecomeError, CommandError, FleetError } from '../errors.js';
import type { ChannelOpener } from './channel.js';
import type { BecomeMethod, BecomeSpec, CommandResult, Connection, GetOptions, PutOptions, RunOptions } from './connection.js';
import { shQuote } from './framing.js';
import { ShellSession } from './shell-session.js';

export interface SessionStats {
  /** Key: '' for the plain shell, else the become user (`su:<user>` for su). */
  key: string;
  pid: number | undefined;
  channelsOpened: number;
  commandsRun: number;
}

export abstract class ShellConnection implements Connection {
  private readonly sessions = new Map<string, ShellSession>();
  private readonly becomeFailures = new Map<string, BecomeError>();
  protected closing = false;

  protected constructor(
    readonly host: string,
    protected readonly becomeSpec: BecomeSpec | undefined,
  ) {}

  abstract connect(): Promise<void>;
  protected abstract opener(): ChannelOpener;
  /** The user the plain shell runs as, once known. */
  protected abstract loginUser(): string | undefined;
  protected abstract closeTransport(): Promise<void>;
  /** Error for a command whose shell died under it. */
  protected lostError(reason: string): FleetError {
    return new CommandError(reason, { host: this.host });
  }
  /** Best-effort kill of an abandoned shell and every process of its session. */
  protected abandonShell(_pid: number | undefined, _becomeUser: string | undefined, _method: BecomeMethod): Promise<void> | void {}
  protected startTimeoutMs(): number {
    return 30_000;
  }

  /** Statistics of the shells opened so far (for tests and the bench). */
  sessionStats(): SessionStats[] {
    return [...this.sessions.entries()].map(([key, s]) => ({
      key,
      pid: s.pid,
      channelsOpened: s.channelsOpened,
      commandsRun: s.commandsRun,
    }));
  }

  private session(become: boolean | undefined, becomeUser: string | undefined, becomeMethod: BecomeMethod | undefined): [ShellSession, string] {
    if (this.closing) throw new CommandError('connection closed', { host: this.host });
    let user: string | undefined;
    const method: BecomeMethod = becomeMethod ?? this.becomeSpec?.method ?? 'sudo';
    if (become) {
      user = becomeUser ?? this.becomeSpec?.user ?? 'root';
      // A root login becoming root needs no sudo.
      if (user === 'root' && this.loginUser() === 'root') user = undefined;
    }
    const key = user === undefined ? '' : method === 'sudo' ? user : `${method}:${user}`;
    const failed = this.becomeFailures.get(key);
    if (failed) throw failed;
    let s = this.sessions.get(key);
    if (!s) {
      const spec: Partial<BecomeSpec> = { ...(this.becomeSpec ?? { user: 'root' }), method };
      if (this.becomeSpec && this.becomeSpec.method !== method) {
        // exe and flags were given for the other method.
        delete spec.exe;
        delete spec.flags;
      }
      s = new ShellSession({
        host: this.host,
        open: this.opener(),
        become: user === undefined ? undefined : { spec, user, loginUser: this.loginUser() },
        startTimeoutMs: this.startTimeoutMs(),
        lostError: (reason) => this.lostError(reason),
        onAbandon: (pid) => this.abandonShell(pid, user, method),
      });
      this.sessions.set(key, s);
    }
    return [s, key];
  }

  /**
   * Run one command as a become user in a shell of its own, outside the sessions (whose queue may be
   * held by the very command this one is to kill); never throws.
   */
  protected async runAsideAs(command: string, user: string, method: BecomeMethod): Promise<void> {
    const spec: Partial<BecomeSpec> = { ...(this.becomeSpec ?? { user: 'root' }), method };
    if (this.becomeSpec && this.becomeSpec.method !== method) {
      delete spec.exe;
      delete spec.flags;
    }
    const aside = new ShellSession({
      host: this.host,
      open: this.opener(),
      become: { spec, user, loginUser: this.loginUser() },
      startTimeoutMs: this.startTimeoutMs(),
      lostError: (reason) => this.lostError(reason),
    });
    try {
      await aside.run(command, { timeoutMs: 10_000 });
    } catch {
      /* best effort */
    } finally {
      aside.close();
    }
  }

  /** Needs the transport up (so the login user is known) before choosing a session. */
  private async sessionFor(become: boolean | undefined, becomeUser: string | undefined, becomeMethod: BecomeMethod | undefined): Promise<[ShellSession, string]> {
    await this.connect();
    return this.session(become, becomeUser, becomeMethod);
  }

  async run(command: string, options: RunOptions = {}): Promise<CommandResult> {
    const [s, key] = await this.sessionFor(options.become, options.becomeUser, options.becomeMethod);
    try {
      return await s.run(command, { env: options.env, cwd: options.cwd, stdin: options.stdin, timeoutMs: options.timeoutMs });
    } catch (e) {
      if (e instanceof BecomeError && key !== '') {
        // Do not try a wrong password again and again (account lock-outs): remember it.
        this.becomeFailures.set(key, e);
        this.sessions.delete(key);
        s.close();
      }
      throw e;
    }
  }

  async put(remotePath: string, content: string | Buffer, options: PutOptions = {}): Promise<void> {
    const p = shQuote(remotePath);
    const mode =
      options.mode !== undefined
        ? `chmod ${(options.mode & 0o7777).toString(8).padStart(4, '0')} "$t" || fail`
        : // Keep an existing file's mode and owner (GNU --reference, best effort), else honour the umask.
          `if [ -e ${p} ]; then chmod --reference=${p} "$t" 2>/dev/null; chown --reference=${p} "$t" 2>/dev/null; ` +
          `else chmod "$(printf '%o' $((0666 & ~0$(umask))))" "$t"; fi`;
    const script = [
      `p=${p}`,
      `d=$(dirname -- "$p") && b=$(basename -- "$p") || exit 1`,
      `t=$(mktemp "$d/.$b.fleet-tmp.XXXXXXXX") || exit 1`,
      `fail() { rm -f -- "$t"; exit 1; }`,
      `cat > "$t" || fail`,
      mode,
      `mv -f -- "$t" "$p" || fail`,
    ].join('\n');
    const r = await this.run(script, { stdin: content, become: options.become, becomeUser: options.becomeUser, becomeMethod: options.becomeMethod });
    if (r.rc !== 0) {
      throw new CommandError(`could not write ${remotePath}: ${r.stderr.toString('utf8').trim() || `exit code ${r.rc}`}`, {
        host: this.host,
        rc: r.rc,
        stderr: r.stderr.toString('utf8'),
      });
    }
  }

  async get(remotePath: string, options: GetOptions = {}): Promise<Buffer> {
    const r = await this.run(`cat -- ${shQuote(remotePath)}`, { become: options.become, becomeUser: options.becomeUser, becomeMethod: options.becomeMethod });
    if (r.rc !== 0) {
      throw new CommandError(`could not read ${remotePath}: ${r.stderr.toString('utf8').trim() || `exit code ${r.rc}`}`, {
        host: this.host,
        rc: r.rc,
        stderr: r.stderr.toString('utf8'),
      });
    }
    return r.stdout;
  }

  /** Close the shells only (the transport stays up); the next command opens new ones. */
  protected closeSessions(): void {
    for (const s of this.sessions.values()) s.close();
    this.sessions.clear();
  }

  async close(): Promise<void> {
    this.closing = true;
    this.closeSessions();
    this.becomeFailures.clear();
    try {
      await this.closeTransport();
    } finally {
      // A later call connects again (as after Ansible's reset_connection).
      this.closing = false;
    }
  }
}
