/**
 * The framing protocol spoken to a persistent POSIX `sh` (see docs/transport.md).
 *
 * Every command gets a fresh 128-bit random token T (32 hex characters). The script written to the
 * shell's stdin prints `T` + "B" on stdout and on stderr, runs the command in a child
 * (`/bin/sh -c '<quoted>'`, stdin from /dev/null or from a base64 here-document), then prints
 * `T` + "E" on stderr and `T` + "E" + <exit code> + "\n" on stdout. The reader drops anything
 * before the begin marker (stray output of an earlier background job), keeps every byte between the
 * markers as the command's output, and reads the exit code after the end marker. Output is never
 * re-encoded, so it is byte-exact: NUL bytes, no trailing newline, any size.
 *
 * Pure functions and parsers only: no I/O here, shared by ssh and local connections.
 */
import { shQuote } from '../util/shlex.js';
import { randomBytes } from 'node:crypto';
import { CommandError } from '../errors.js';

/** A fresh 128-bit random token, as 32 lowercase hex characters. */
export function newToken(): string {
  return randomBytes(16).toString('hex');
}

export { shQuote };

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface FrameOptions {
  env?: Record<string, string>;
  cwd?: string;
  stdin?: string | Buffer;
}

export interface Frame {
  token: string;
  /** The script to write to the persistent shell's stdin. */
  script: string;
  begin: Buffer;
  end: Buffer;
}

function noNul(what: string, value: string): void {
  if (value.includes('\0')) throw new CommandError(`${what} contains a NUL byte, which a shell cannot pass on`);
}

/** base64 in lines of 76 characters, as base64(1) writes it. */
function base64Lines(data: Buffer): string {
  const b64 = data.toString('base64');
  if (b64.length <= 76) return b64 ? `${b64}\n` : '';
  const parts: string[] = [];
  for (let i = 0; i < b64.length; i += 76) parts.push(b64.slice(i, i + 76));
  parts.push('');
  return parts.join('\n');
}

/**
 * Build the framed script for one command. The command runs as `/bin/sh -c '<command>'` in a child
 * of the persistent shell (a subshell that `exec`s), so `exit`, `cd`, `export` or a syntax error in
 * it never touch the persistent shell, and the child's parent pid ($PPID) is the persistent shell.
 */
export function buildFrame(command: string, options: FrameOptions = {}, token: string = newToken()): Frame {
  noNul('the command', command);
  const prelude: string[] = [];
  if (options.cwd !== undefined) {
    noNul('cwd', options.cwd);
    // -P: the physical directory, as Python's os.chdir leaves it (a module's $PWD has symlinks resolved).
    prelude.push(`cd -P -- ${shQuote(options.cwd)} || exit 1`);
  }
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (!ENV_NAME.test(name)) throw new CommandError(`invalid environment variable name ${JSON.stringify(name)}`);
    noNul(`environment variable ${name}`, value);
    prelude.push(`export ${name}=${shQuote(value)}`);
  }
  prelude.push('exec /bin/sh -c "$__fleet_c"');
  const child = `( ${prelude.join('; ')} )`;
  const B = `${token}B`;
  const E = `${token}E`;
  const lines: string[] = [];
  lines.push(`printf '%s' ${B}; printf '%s' ${B} >&2`);
  lines.push(`__fleet_c=${shQuote(command)}`);
  if (options.stdin === undefined) {
    lines.push(`${child} </dev/null`);
  } else {
    const data = typeof options.stdin === 'string' ? Buffer.from(options.stdin, 'utf8') : options.stdin;
    const delim = `FLEET_${token}`;
    // The here-document is read by the persistent shell itself; the child reads a pipe. A command
    // that reads all of its stdin therefore never sees the next command.
    lines.push(`base64 -d <<'${delim}' | ${child}\n${base64Lines(data)}${delim}`);
  }
  lines.push(`__fleet_rc=$?; unset __fleet_c`);
  lines.push(`printf '%s' ${E} >&2; printf '%s%s\\n' ${E} "$__fleet_rc"`);
  return { token, script: `${lines.join('\n')}\n`, begin: Buffer.from(B), end: Buffer.from(E) };
}

/**
 * Reads one framed stream (stdout or stderr) of one command: skips to the begin marker (if any),
 * collects the body up to the end marker, then (with `trailer`) the text up to the next newline.
 */
export class FrameReader {
  private state: 'pre' | 'body' | 'trailer' | 'done';
  private carry: Buffer = Buffer.alloc(0);
  private readonly body: Buffer[] = [];
  private bodyLength = 0;
  private trailerBuf: Buffer = Buffer.alloc(0);
  /** Bytes received after the frame was complete. */
  leftover: Buffer = Buffer.alloc(0);
  /** Bytes dropped before the begin marker. */
  skipped = 0;

  constructor(
    private readonly begin: Buffer | null,
    private readonly end: Buffer,
    private readonly trailer: boolean,
    private readonly maxTrailer = 64,
  ) {
    this.state = begin ? 'pre' : 'body';
  }

  get done(): boolean {
    return this.state === 'done';
  }

  /** Feed a chunk; returns true once the frame is complete. */
  push(chunk: Buffer): boolean {
    let data = chunk;
    for (;;) {
      switch (this.state) {
        case 'pre': {
          const begin = this.begin as Buffer;
          const buf = this.carry.length ? Buffer.concat([this.carry, data]) : data;
          const i = buf.indexOf(begin);
          if (i < 0) {
            const keep = Math.min(buf.length, begin.length - 1);
            this.skipped += buf.length - keep;
            this.carry = Buffer.from(buf.subarray(buf.length - keep));
            return false;
          }
          this.skipped += i;
          this.carry = Buffer.alloc(0);
          this.state = 'body';
          data = buf.subarray(i + begin.length);
          continue;
        }
        case 'body': {
          const buf = this.carry.length ? Buffer.concat([this.carry, data]) : data;
          const i = buf.indexOf(this.end);
          if (i < 0) {
            const keep = Math.min(buf.length, this.end.length - 1);
            const commit = buf.length - keep;
            if (commit > 0) {
              this.body.push(buf === data ? Buffer.from(buf.subarray(0, commit)) : buf.subarray(0, commit));
              this.bodyLength += commit;
            }
            this.carry = Buffer.from(buf.subarray(commit));
            return false;
          }
          if (i > 0) {
            this.body.push(buf === data ? Buffer.from(buf.subarray(0, i)) : buf.subarray(0, i));
            this.bodyLength += i;
          }
          this.carry = Buffer.alloc(0);
          data = buf.subarray(i + this.end.length);
          this.state = this.trailer ? 'trailer' : 'done';
          if (this.state === 'done') {
            this.leftover = Buffer.from(data);
            return true;
          }
          continue;
        }
        case 'trailer': {
          const buf = Buffer.concat([this.trailerBuf, data]);
          const j = buf.indexOf(0x0a);
          if (j < 0) {
            if (buf.length > this.maxTrailer) throw new Error('framing error: no newline after end marker');
            this.trailerBuf = buf;
            return false;
          }
          this.trailerBuf = buf.subarray(0, j);
          this.leftover = Buffer.from(buf.subarray(j + 1));
          this.state = 'done';
          return true;
        }
        case 'done':
          if (data.length) this.leftover = Buffer.concat([this.leftover, data]);
          return true;
      }
    }
  }

  /** The collected body, byte-exact. */
  output(): Buffer {
    return this.body.length === 1 ? this.body[0] : Buffer.concat(this.body, this.bodyLength);
  }

  /** The text between the end marker and the newline (the exit code, or the shell pid). */
  trailerText(): string {
    return this.trailerBuf.toString('latin1');
  }

  /** Bytes of body collected so far. */
  get size(): number {
    return this.bodyLength;
  }
}

/**
 * The command line that starts a persistent shell: it announces itself with `T` + "R" + its pid on
 * stdout (so a sudo prompt can be told apart from a running shell), then becomes a plain `sh`
 * reading commands from stdin.
 */
export function shellStartCommand(token: string): string {
  const inner = `printf '%s%s\\n' ${token}R "$$"; exec /bin/sh`;
  return `/bin/sh -c ${shQuote(inner)}`;
}

/** The marker (without pid) that shellStartCommand prints once the shell runs. */
export function readyMarker(token: string): Buffer {
  return Buffer.from(`${token}R`);
}
